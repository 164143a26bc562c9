// Sums the gzip size of the JavaScript a browser loads for /login:
// the entry chunk, the sign-in route chunk, and their static imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const LOGIN_ROUTE = 'src/pages/Login/index.tsx';
const BUDGET = 400 * 1024;

function closure(keys) {
  const seen = new Set();
  const stack = [...keys];
  while (stack.length) {
    const k = stack.pop();
    if (seen.has(k)) continue;
    seen.add(k);
    for (const i of manifest[k]?.imports ?? []) stack.push(i);
  }
  return seen;
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entry || !manifest[LOGIN_ROUTE]) throw new Error('entry or login chunk missing from manifest');

const rows = [];
let total = 0;
let entryTotal = 0;
const entryKeys = closure([entry]);
for (const k of closure([entry, LOGIN_ROUTE])) {
  const file = manifest[k].file;
  if (!file.endsWith('.js')) continue;
  const raw = readFileSync(join(dist, file));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  if (entryKeys.has(k)) entryTotal += gz;
  rows.push({ file, raw: raw.length, gzip: gz });
}
rows.sort((a, b) => b.gzip - a.gzip);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
for (const r of rows)
  console.log(`${kb(r.gzip).padStart(11)}  ${kb(r.raw).padStart(11)} raw  ${r.file}`);
console.log(`entry + static imports: ${kb(entryTotal)} gzip`);
console.log(
  `sign-in page initial JS (entry + /login route, with static imports): ${kb(total)} gzip (budget ${kb(BUDGET)})`,
);
if (total > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
