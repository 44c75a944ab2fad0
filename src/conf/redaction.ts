import { findEntry, findPrefix, REDACTION_REGEX } from './catalog.js';

export const REDACTED = '*********(redacted)';

/** Spark's regexes are Java ones; a leading `(?i)` becomes JavaScript's `i` flag. */
export function compileRedactionRegex(pattern: string): RegExp {
  const m = /^\(\?i\)/.exec(pattern);
  return m ? new RegExp(pattern.slice(m[0].length), 'i') : new RegExp(pattern);
}

export function defaultRedactionRegex(): RegExp {
  return compileRedactionRegex(REDACTION_REGEX.default!);
}

/** Whether a (key, value) pair must not be shown: the key or the value matches, or the catalog marks it secret. */
export function isSensitive(key: string, value: string, regex: RegExp = defaultRedactionRegex()): boolean {
  if (findEntry(key)?.secret || findPrefix(key)?.secret) return true;
  regex.lastIndex = 0;
  if (regex.test(key)) return true;
  regex.lastIndex = 0;
  return regex.test(value);
}

/** Spark's `Utils.redact`: pairs whose key or value match keep their key, and the value is replaced. */
export function redact(pairs: Iterable<readonly [string, string]>, regex: RegExp = defaultRedactionRegex()): [string, string][] {
  return [...pairs].map(([k, v]) => [k, isSensitive(k, v, regex) ? REDACTED : v]);
}
