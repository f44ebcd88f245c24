// The `kind(filePath)` of site.js's resolve() through node:fs, for Node (Bun's and Deno's servers
// use Bun.file and Deno.stat): 'file', 'directory' or null.
import fs from 'node:fs';

export async function kind(filePath) {
  try {
    const stats = await fs.promises.stat(filePath);
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : null;
  } catch {
    return null;
  }
}
