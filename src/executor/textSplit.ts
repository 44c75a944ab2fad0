import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The lines of a byte range of a text file. A line belongs to the split in which it starts, so splits cut anywhere
 * together read every line exactly once; `\r\n` endings are accepted.
 */
export function readLines(path: string, start: number, end: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const stop = Math.min(end, size);
    let begin = start;
    if (start > 0) {
      // Skip the line that began in the previous split.
      const probe = Buffer.alloc(1);
      readSync(fd, probe, 0, 1, start - 1);
      if (probe[0] !== 0x0a) {
        let pos = start;
        const chunk = Buffer.alloc(64 * 1024);
        for (;;) {
          const n = readSync(fd, chunk, 0, chunk.length, pos);
          if (n === 0) return [];
          const i = chunk.subarray(0, n).indexOf(0x0a);
          if (i >= 0) {
            begin = pos + i + 1;
            break;
          }
          pos += n;
        }
      }
    }
    if (begin >= stop) return [];
    const parts: Buffer[] = [];
    const main = Buffer.alloc(stop - begin);
    readSync(fd, main, 0, main.length, begin);
    parts.push(main);
    // Finish the last line, which may run past the split's end.
    if (main[main.length - 1] !== 0x0a && stop < size) {
      let pos = stop;
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, pos);
        if (n === 0) break;
        const i = chunk.subarray(0, n).indexOf(0x0a);
        if (i >= 0) {
          parts.push(Buffer.from(chunk.subarray(0, i + 1)));
          break;
        }
        parts.push(Buffer.from(chunk.subarray(0, n)));
        pos += n;
      }
    }
    const text = Buffer.concat(parts).toString('utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  } finally {
    closeSync(fd);
  }
}
