/**
 * Shuffle record encoding: encode + decode of frames of the common record shapes with recordCodec.ts, next to
 * v8.serialize + v8.deserialize of the same batches in the same run (the format before, and still the fallback).
 * Run: npm run bench:shuffle-encoding
 */
import { performance } from 'node:perf_hooks';
import { serialize, deserialize } from 'node:v8';
import { decodeRecords, encodeRecords } from '../src/shuffle/recordCodec.js';

const BATCH = 10_000;
const BATCHES = 40;
/** A deterministic word of 3-10 letters. */
const word = (i: number) => ((i * 2654435761) % 1e9).toString(36).slice(0, 3 + (i % 8));
const line = (i: number) => `${word(i)} ${word(i + 1)} line ${i} of a log-like text with some width ${word(i * 7)}`;

const shapes: [string, (i: number) => unknown][] = [
  ['[word, count] pairs (word count)', (i) => [word(i), i % 1000]],
  ['[line, null] pairs (distinct)', (i) => [line(i), null]],
  ['lines (strings alone: v8 either way)', (i) => line(i)],
  ['[word, [counts]] (off-shape: v8 after a scan)', (i) => [word(i), [i, i + 1]]],
  ['[double, double] pairs', (i) => [i * 1.5, i / 7]],
  ['int32 numbers', (i) => i - 5000],
  ['[non-ascii word, line] pairs', (i) => [`é${word(i)}`, line(i)]],
];

function best(run: () => void): number {
  run(); // warm up
  let ms = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    run();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

console.log(`${BATCHES} batches of ${BATCH} records each, encode + decode, best of 3 (shared machine: figures are noisy)`);
for (const [name, make] of shapes) {
  const batches = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => make(b * BATCH + i)));
  let v8Bytes = 0;
  let ourBytes = 0;
  const v8ms = best(() => {
    v8Bytes = 0;
    for (const batch of batches) {
      const buf = serialize(batch);
      v8Bytes += buf.length;
      if ((deserialize(buf) as unknown[]).length !== BATCH) throw new Error('v8 lost records');
    }
  });
  const ourMs = best(() => {
    ourBytes = 0;
    for (const batch of batches) {
      const buf = encodeRecords(batch);
      ourBytes += buf.length;
      if (decodeRecords(buf).length !== BATCH) throw new Error('the codec lost records');
    }
  });
  console.log(
    `${name.padEnd(46)} v8 ${v8ms.toFixed(0).padStart(5)} ms ${(v8Bytes / 1e6).toFixed(1).padStart(6)} MB | ` +
      `packed ${ourMs.toFixed(0).padStart(5)} ms ${(ourBytes / 1e6).toFixed(1).padStart(6)} MB | ${(v8ms / ourMs).toFixed(2)}x faster`,
  );
}
