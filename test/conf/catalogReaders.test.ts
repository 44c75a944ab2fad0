/**
 * Every catalogued key is read somewhere: a key in the catalog that nothing reads is documented behaviour that does
 * not exist. For each exported entry, the sources outside the catalog (comments stripped) must name its exported
 * constant or spell its key as a string literal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as catalog from '../../src/conf/catalog.js';
import { ConfigEntry } from '../../src/conf/ConfigEntry.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const CATALOG = join(SRC, 'conf', 'catalog.ts');
/** The entries themselves, one file per category: they name every key, so they never count as readers. */
const CATALOG_DIR = join(SRC, 'conf', 'catalog');

/** Keys read in a way this search cannot see. Keep it short, and say how each is read. */
const READ_INDIRECTLY: Record<string, string> = Object.fromEntries(
  ['enabled', 'privateKey', 'certChain', 'privateKeyPassword', 'trustStore', 'needClientAuth', 'protocol', 'enabledAlgorithms']
    .map((k) => [`spark.ssl.${k}`, `the fallback of every spark.ssl.<namespace>.${k} (src/conf/sslOptions.ts reads the namespaces)`]),
);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p === CATALOG_DIR ? [] : sources(p);
    return p.endsWith('.ts') && p !== CATALOG ? [p] : [];
  });
}

/** Source text without comments, so a key mentioned only in a comment does not count as read. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
}

/** Every exported entry with the name it is reachable by (`MESOS_DRIVER_SECRETS` for `.names` and friends). */
function exportedEntries(): { name: string; entry: ConfigEntry<unknown> }[] {
  const out: { name: string; entry: ConfigEntry<unknown> }[] = [];
  for (const [name, v] of Object.entries(catalog)) {
    if (v instanceof ConfigEntry) out.push({ name, entry: v });
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const x of Object.values(v)) if (x instanceof ConfigEntry) out.push({ name, entry: x });
    }
  }
  return out;
}

test('every catalog entry has a reader outside the catalog', () => {
  const text = sources(SRC).map(code).join('\n');
  const entries = exportedEntries();
  assert.equal(new Set(entries.map((e) => e.entry.key)).size, catalog.allEntries().length, 'every entry is exported');
  const unread = entries
    .filter(({ name, entry }) => {
      if (READ_INDIRECTLY[entry.key] !== undefined) return false;
      const byName = new RegExp(`\\b${name}\\b`).test(text);
      const byKey = [`'${entry.key}'`, `"${entry.key}"`, `\`${entry.key}\``].some((q) => text.includes(q));
      return !byName && !byKey;
    })
    .map(({ entry }) => entry.key);
  assert.deepEqual(unread, [], `catalogued but never read (read them, or remove them from the catalog): ${unread.join(', ')}`);
});

test('the allow-list only names catalogued keys', () => {
  for (const key of Object.keys(READ_INDIRECTLY)) assert.ok(catalog.findEntry(key), `${key} is in the catalog`);
});
