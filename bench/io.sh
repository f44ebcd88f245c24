#!/usr/bin/env bash
# I/O benchmark: 100 MB of multilingual UTF-8 converted to UTF-16LE and written to four files,
# by nexus (the encoding example), iconv | tee, Node and Bun (fs streams + TextDecoder). Prints
# median wall time and peak RSS over RUNS runs, and each output is checked against iconv's.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 - <<'PY'
import random
random.seed(7)
parts = ['plain ASCII words, ', 'Grüße café naïve ', '日本語のテキスト ', '中文字符 ', '😀🎉🚀 ', '\n']
with open('input.txt', 'w', encoding='utf-8') as f:
    size = 0
    while size < 100_000_000:
        chunk = ''.join(random.choice(parts) for _ in range(10000))
        f.write(chunk)
        size += len(chunk.encode())
PY
iconv -f UTF-8 -t UTF-16LE input.txt > expected

bun=$(ls "$here"/.tools/node_modules/@oven/bun-linux-x64/bin/bun 2>/dev/null || true)
declare -A commands=(
    [nexus]="$root/target/release/nexus $root/examples/encoding.js input.txt"
    [iconv+tee]="sh -c 'iconv -f UTF-8 -t UTF-16LE input.txt | tee enwik16-0 enwik16-1 enwik16-2 > enwik16-3'"
    [node]="env -u NODE_OPTIONS -u NODE_EXTRA_CA_CERTS node $here/io/node_encode.js input.txt"
)
[[ -n $bun ]] && commands[bun]="$bun $here/io/node_encode.js input.txt"

echo "| runtime | median s | peak RSS MiB | time vs nexus |"
echo "|---|--:|--:|--:|"
declare -A median
for name in nexus iconv+tee node bun; do
    [[ -n ${commands[$name]:-} ]] || continue
    times=() peak=0
    for _ in $(seq "$runs"); do
        rm -f enwik16-*
        out=$( { /usr/bin/time -f '%e %M' bash -c "${commands[$name]} >/dev/null"; } 2>&1 | tail -n 1)
        times+=("${out% *}")
        (( ${out#* } > peak )) && peak=${out#* }
        for i in 0 1 2 3; do cmp -s enwik16-$i expected || { echo "$name: output $i differs from iconv" >&2; exit 1; }; done
    done
    median[$name]=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '| %s | %s | %.1f | %.2fx |\n' "$name" "${median[$name]}" "$(echo "$peak / 1024" | bc -l)" \
        "$(echo "${median[$name]} / ${median[nexus]}" | bc -l)"
done
