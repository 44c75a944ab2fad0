// Prints every test file, so `node --test` gets an explicit list (Node 20 does not expand quoted globs).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2]; // optional folder filter, e.g. "test/conf"
const out = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
})(only ?? 'test');
if (out.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
console.log(out.join('\n'));
