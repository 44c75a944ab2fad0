import type { Labels } from '../../mesos/wire/common.js';
import { SparkException } from '../../util/errors.js';

/** Splits on `c` where it is not preceded by a backslash; `""` gives no pieces. */
function splitUnescaped(s: string, c: string): string[] {
  if (s === '') return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === c && (i === 0 || s[i - 1] !== '\\')) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

const unescape = (s: string) => s.replaceAll('\\,', ',').replaceAll('\\:', ':');

/** Helpers for building Mesos messages from Spark's string settings. */
export const MesosProtoUtils = {
  /**
   * Parses `key:value,key2:value2` into Labels. `\,` and `\:` are literal; each piece must split into exactly a
   * key and a value on unescaped `:`, else "Malformed label: <piece>".
   */
  mesosLabels(labelsStr: string): Labels {
    const labels = splitUnescaped(labelsStr, ',').map((piece) => {
      const parts = splitUnescaped(piece, ':');
      if (parts.length !== 2) throw new SparkException(`Malformed label: ${piece}`);
      return { key: unescape(parts[0]!), value: unescape(parts[1]!) };
    });
    return { labels };
  },
};
