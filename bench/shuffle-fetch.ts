/**
 * Shuffle fetch throughput: reading 256 MiB of map output segments from another executor's block server over
 * loopback TCP (with the reducer's in-flight window), next to a plain file copy of the same bytes in the same run.
 * Run: npx tsx bench/shuffle-fetch.ts
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type net from 'node:net';
import { startBlockServer } from '../src/executor/BlockServer.js';
import { BlockClient } from '../src/rpc/BlockClient.js';
import type { MapStatus } from '../src/core/plan.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const dir = mkdtempSync(join(tmpdir(), 'bench-fetch-'));
const MAPS = 64;
const SEGMENT = 4 * 1024 * 1024; // one reducer's segment per map output
const statuses: MapStatus[] = [];
// Frames of opaque bytes: the reader only splits frames, so this measures transport, not deserialization.
const payload = Buffer.alloc(SEGMENT - 4, 7);
const head = Buffer.alloc(4);
head.writeUInt32LE(payload.length);
const server: net.Server = await startBlockServer('127.0.0.1', 0, dir, undefined);
const port = (server.address() as net.AddressInfo).port;
for (let m = 0; m < MAPS; m++) {
  const path = join(dir, `shuffle_0_${m}.data`);
  writeFileSync(path, Buffer.concat([head, payload]));
  statuses.push({ shuffleId: 0, mapId: m, executorId: 'remote', path, offsets: [0, SEGMENT], address: { host: '127.0.0.1', port } });
}
const total = MAPS * SEGMENT;
const client = new BlockClient(undefined, 'bench');
const fetchRaw = (s: MapStatus, p: number) => client.fetch(s, p);

async function fetchAll(): Promise<number> {
  let bytes = 0;
  const inflight = 48 * 1024 * 1024;
  // The reducer's window: keep requesting while less than 48 MiB is in flight (spark.reducer.maxSizeInFlight).
  const size = (s: MapStatus) => s.offsets[1]! - s.offsets[0]!;
  const queue = [...statuses];
  const running: Promise<Buffer>[] = [];
  let window = 0;
  while (queue.length > 0 || running.length > 0) {
    while (queue.length > 0 && (running.length === 0 || window + size(queue[0]!) <= inflight)) {
      const s = queue.shift()!;
      window += size(s);
      running.push(fetchRaw(s, 0));
    }
    const b = await running.shift()!;
    window -= b.length;
    bytes += b.length;
  }
  return bytes;
}

await fetchAll(); // warm up the connection
let best = Infinity;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  if ((await fetchAll()) !== total) throw new Error('short fetch');
  best = Math.min(best, performance.now() - t0);
}
let copyBest = Infinity;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  for (const s of statuses) copyFileSync(s.path, `${s.path}.copy`);
  copyBest = Math.min(copyBest, performance.now() - t0);
}
const mbps = (ms: number) => (total / 1024 / 1024 / (ms / 1000)).toFixed(0);
console.log(`shuffle fetch over loopback TCP: ${(total / 1024 / 1024).toFixed(0)} MiB in ${best.toFixed(0)} ms = ${mbps(best)} MB/s`);
console.log(`plain file copy of the same bytes: ${copyBest.toFixed(0)} ms = ${mbps(copyBest)} MB/s`);
console.log(`ratio fetch / copy throughput: ${(copyBest / best).toFixed(2)}x`);
client.close();
server.close();
rmSync(dir, { recursive: true, force: true });
