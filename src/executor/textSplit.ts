import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read at a time. Small enough that the buffer is reused and each decoded string stays off V8's large-object space. */
export const TEXT_READ_CHUNK = 64 * 1024;

/**
 * The lines of a byte range of a text file, in batches (one per chunk read). A line belongs to the split in which it
 * starts, so splits cut anywhere together read every line exactly once; `\r\n` endings are accepted.
 *
 * One buffer is read into and reused, growing only for a line longer than it: fresh large allocations cost a page
 * fault per 4 KiB on first touch, which made reading a split whole (then copying and decoding it whole) several
 * times slower than this.
 */
export function* lineBatches(path: string, start: number, end: number, chunk = TEXT_READ_CHUNK): Generator<string[]> {
  const fd = openSync(path, 'r');
  try {
    const stop = Math.min(end, fstatSync(fd).size);
    let buf = Buffer.allocUnsafe(chunk);
    // A split not at a line start skips the line that began in the previous split.
    let skipping = start > 0 && readSync(fd, buf, 0, 1, start - 1) === 1 && buf[0] !== 0x0a;
    /** File position of buf[0]; bytes buf[0..have) are a carried, unfinished line. */
    let bufStart = start;
    let have = 0;
    for (;;) {
      if (bufStart >= stop) return;
      if (have === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const n = readSync(fd, buf, have, buf.length - have, bufStart + have);
      const total = have + n;
      if (n === 0) {
        // End of file: a last line without a newline.
        if (total > 0 && !skipping) yield [stripCr(buf.toString('utf8', 0, total))];
        return;
      }
      let from = 0;
      if (skipping) {
        const nl = buf.indexOf(0x0a, have);
        if (nl < 0 || nl >= total) {
          bufStart += total;
          have = 0;
          continue;
        }
        skipping = false;
        from = nl + 1;
        if (bufStart + from >= stop) return;
      }
      const lastNl = buf.lastIndexOf(0x0a, total - 1);
      if (lastNl < from) {
        // No whole line yet: keep the bytes and read on.
        buf.copy(buf, 0, from, total);
        bufStart += from;
        have = total - from;
        continue;
      }
      // Lines starting at or past `stop` belong to the next split.
      let cut = lastNl;
      let last = false;
      if (bufStart + lastNl + 1 >= stop) {
        cut = buf.indexOf(0x0a, Math.max(from, stop - bufStart - 1));
        last = true;
      }
      const lines = buf.toString('utf8', from, cut).split('\n');
      for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i]!);
      yield lines;
      if (last) return;
      buf.copy(buf, 0, lastNl + 1, total);
      bufStart += lastNl + 1;
      have = total - lastNl - 1;
    }
  } finally {
    closeSync(fd);
  }
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
