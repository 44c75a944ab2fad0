/**
 * Java's `String.split` on a literal separator: with no limit, trailing empty pieces are dropped (so `":"` gives
 * `[]` and `"a:"` gives `["a"]`); with a limit, at most `limit` pieces and nothing dropped. Spark's spec grammars
 * depend on exactly this.
 */
export function javaSplit(s: string, sep: string, limit = 0): string[] {
  if (s === '') return [''];
  let parts: string[];
  if (limit > 0) {
    parts = [];
    let rest = s;
    while (parts.length < limit - 1) {
      const i = rest.indexOf(sep);
      if (i < 0) break;
      parts.push(rest.slice(0, i));
      rest = rest.slice(i + sep.length);
    }
    parts.push(rest);
    return parts;
  }
  parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
