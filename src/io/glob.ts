/**
 * Hadoop's glob syntax over object keys (stores without directories): `*` and `?` within one path segment,
 * `[abc]`, `[a-z]`, `[^a]`/`[!a]`, `{a,b}` (nestable), `\` escapes. Listing needs only the literal prefix before
 * the first glob character; the pattern then filters the listed keys.
 */
import { IllegalArgumentException } from '../util/errors.js';

export function globToRegExp(glob: string): RegExp {
  let re = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += escape(glob[++i]!);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new IllegalArgumentException(`glob '${glob}' has an unclosed '[' at ${i}`);
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (c === '{') {
      depth++;
      re += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      re += ')';
    } else if (c === ',' && depth > 0) re += '|';
    else re += escape(c);
  }
  if (depth > 0) throw new IllegalArgumentException(`glob '${glob}' has an unclosed '{'`);
  return new RegExp(`^${re}$`);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The part of a glob before its first special character: every match starts with it. */
export function literalPrefix(glob: string): string {
  const i = glob.search(/[*?[{\\]/);
  return i < 0 ? glob : glob.slice(0, i);
}
