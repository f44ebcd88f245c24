// The encoding example's pipeline for Node and Bun: UTF-8 file → UTF-16LE into four files,
// with fs streams, a streaming TextDecoder and Buffer's UTF-16LE encoder.
import fs from 'node:fs';
import { once } from 'node:events';

const input = process.argv[2];
const outs = [0, 1, 2, 3].map((i) => fs.createWriteStream(`enwik16-${i}`));
const decoder = new TextDecoder('utf-8');
for await (const chunk of fs.createReadStream(input, { highWaterMark: 1 << 20 })) {
  const utf16 = Buffer.from(decoder.decode(chunk, { stream: true }), 'utf16le');
  await Promise.all(outs.map((o) => (o.write(utf16) ? null : once(o, 'drain'))));
}
const tail = Buffer.from(decoder.decode(), 'utf16le');
await Promise.all(outs.map((o) => new Promise((resolve) => o.end(tail, resolve))));
