import { readFileSync } from 'node:fs';
import { IllegalArgumentException } from '../util/errors.js';

/**
 * Reads a `spark-defaults.conf`-style file: one `key value` (or `key=value`, `key: value`) per line, `#` and `!`
 * comments, trailing whitespace trimmed. Keys that do not start with `spark.` are ignored, as spark-submit does.
 */
export function parsePropertiesText(text: string, source = 'properties'): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A trailing backslash continues the line, as in Java properties files.
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    const m = /^((?:\\.|[^\s:=\\])+)\s*(?:[=:]\s*|\s+|$)(.*)$/.exec(line);
    if (!m) throw new IllegalArgumentException(`${source}:${i + 1}: expected 'key value' but found '${line}'`);
    const key = unescape(m[1]!);
    if (!key.startsWith('spark.')) continue;
    out.set(key, unescape(m[2]!.trim()));
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_all, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}

export function loadPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new IllegalArgumentException(`Cannot read properties file '${path}': ${(err as Error).message}`, { cause: err });
  }
  return parsePropertiesText(text, path);
}
