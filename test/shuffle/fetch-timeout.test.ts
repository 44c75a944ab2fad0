// A peer that accepts block fetches and never answers: the fetch times out after spark.network.timeout and becomes a
// FetchFailed (for the reader and the task), so the scheduler recomputes the map output instead of waiting forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { serialize } from 'node:v8';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockClient, clusterFetcher } from '../../src/rpc/BlockClient.js';
import { listen, type Connection, type Message } from '../../src/rpc/Connection.js';
import { executeTask } from '../../src/executor/TaskRunner.js';
import { FetchFailedError, readRecords, collectAll } from '../../src/shuffle/ShuffleReader.js';
import { frame } from '../../src/shuffle/frames.js';
import type { MapStatus, TaskDescription } from '../../src/core/plan.js';

/** A TCP server on loopback that accepts connections, reads everything and never writes a byte. */
async function silentServer(): Promise<{ port: number; accepted: net.Socket[]; closed: () => number; stop: () => Promise<void> }> {
  const accepted: net.Socket[] = [];
  let closed = 0;
  const server = net.createServer((s) => {
    accepted.push(s);
    s.on('data', () => undefined);
    s.on('close', () => closed++);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    closed: () => closed,
    stop: async () => {
      for (const s of accepted) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const statusAt = (port: number, mapId: number, path = '/nowhere'): MapStatus => ({
  shuffleId: 7, mapId, executorId: `exec-${port}`, path, offsets: [0, 10], address: { host: '127.0.0.1', port },
});

test('BlockClient: a fetch from a peer that never answers fails after the timeout as a FetchFailedError', async () => {
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer');
  try {
    const t0 = Date.now();
    const err = await client.fetch(statusAt(silent.port, 3), 0, {}, 300).then(() => undefined, (e: unknown) => e);
    const took = Date.now() - t0;
    assert.ok(err instanceof FetchFailedError, `a FetchFailedError, got ${String(err)}`);
    assert.equal(err.shuffleId, 7);
    assert.equal(err.mapId, 3);
    assert.equal(err.executorId, `exec-${silent.port}`);
    assert.match(err.message, /no answer from 127\.0\.0\.1:\d+ within 300 ms \(spark\.network\.timeout\)/);
    assert.ok(took >= 290 && took < 3000, `timed out after the timeout (${took} ms)`);
    // The dead connection was dropped: the server sees it closed, and the next fetch connects afresh.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(silent.closed(), 1);
    await assert.rejects(client.fetch(statusAt(silent.port, 4), 0, {}, 200), FetchFailedError);
    assert.equal(silent.accepted.length, 2);
  } finally {
    client.close();
    await silent.stop();
  }
});

test('BlockClient: the timeout defaults to the one given at construction', async () => {
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer', 250);
  try {
    await assert.rejects(client.fetch(statusAt(silent.port, 1), 0), /within 250 ms/);
  } finally {
    client.close();
    await silent.stop();
  }
});

test('BlockClient: every fetch waiting on a peer that went silent fails naming the timeout, not the closed connection', async () => {
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer');
  try {
    const first = client.fetch(statusAt(silent.port, 1), 0, {}, 400).then(() => 'answered', (e: Error) => e.message);
    await new Promise((r) => setTimeout(r, 150)); // the second waits less than the timeout when the first gives up
    const second = client.fetch(statusAt(silent.port, 2), 0, {}, 400).then(() => 'answered', (e: Error) => e.message);
    for (const why of await Promise.all([first, second])) assert.match(why, /no answer from 127\.0\.0\.1:\d+ within 400 ms \(spark\.network\.timeout\)/);
  } finally {
    client.close();
    await silent.stop();
  }
});

test('BlockClient: a silent peer timing out does not fail a fetch still in flight from a slow but healthy server', async () => {
  // A block server that answers after 600 ms, past the silent peer's 200 ms timeout.
  const slowServer = await listen('127.0.0.1', 0, undefined, (conn: Connection) => {
    conn.on('message', (m: Message) => {
      if (m.t === 'fetchBlock') setTimeout(() => conn.send({ t: 'block', reqId: m.reqId, data: Buffer.from('0123456789') }), 600);
    });
  });
  const slowPort = (slowServer.address() as net.AddressInfo).port;
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer');
  try {
    const slow = client.fetch(statusAt(slowPort, 1), 0, {}, 5000);
    const dead = client.fetch(statusAt(silent.port, 2), 0, {}, 200);
    await assert.rejects(dead, FetchFailedError);
    assert.equal((await slow).toString(), '0123456789');
  } finally {
    client.close();
    slowServer.close();
    await silent.stop();
  }
});

test('the shuffle reader turns a silent peer into a FetchFailedError naming its map output', async () => {
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer');
  try {
    const fetch = clusterFetcher('me', client);
    const statuses = [statusAt(silent.port, 5)];
    await assert.rejects(collectAll(readRecords(statuses, 0, (s, p) => fetch(s, p, 200))), (e: unknown) => {
      assert.ok(e instanceof FetchFailedError);
      assert.equal(e.mapId, 5);
      assert.match(e.message, /^FetchFailed\(shuffle 7, map 5, executor exec-\d+\): no answer/);
      return true;
    });
  } finally {
    client.close();
    await silent.stop();
  }
});

test('a reduce task uses its fetchTimeoutMs (spark.network.timeout) and fails with a FetchFailedError', async () => {
  const silent = await silentServer();
  const client = new BlockClient(undefined, 'reducer');
  const local = mkdtempSync(join(tmpdir(), 'fetch-timeout-own-'));
  const own = join(local, 'own');
  const ownBytes = frame([[1, 'a']]);
  writeFileSync(own, ownBytes);
  try {
    const task: TaskDescription = {
      taskId: 1, jobId: 0, stageId: 1, stageAttempt: 0, partition: 0, attempt: 0,
      plan: { t: 'shuffle', shuffleId: 7, partition: 0 }, sink: { k: 'collect' },
      shuffleInputs: { 7: [{ shuffleId: 7, mapId: 0, executorId: 'me', path: own, offsets: [0, ownBytes.length] }, statusAt(silent.port, 1)] },
      broadcasts: {}, localDir: local, spillThreshold: 1000, appPath: undefined, maxBytesInFlight: 1 << 20, fetchTimeoutMs: 300,
    };
    const t0 = Date.now();
    await assert.rejects(
      executeTask(task, { executorId: 'me', blocks: new Map(), broadcasts: new Map(), fetch: clusterFetcher('me', client) }),
      (e: unknown) => e instanceof FetchFailedError && e.mapId === 1 && /within 300 ms/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    client.close();
    await silent.stop();
    rmSync(local, { recursive: true, force: true });
  }
});

test('BlockClient: a block still arriving after the timeout is progress, not silence (an idle timeout, as Spark\'s)', async () => {
  // A framed server that answers with a 2 MiB block, trickled in 64 KiB pieces every 60 ms: ~2 s for a 400 ms timeout.
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => {
      const body = serialize({ t: 'block', reqId: 0, data: Buffer.alloc(2 * 1024 * 1024, 7) });
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length, 0);
      const wire = Buffer.concat([head, body]);
      let off = 0;
      const tick = setInterval(() => {
        if (s.destroyed) return clearInterval(tick);
        s.write(wire.subarray(off, off + 64 * 1024));
        off += 64 * 1024;
        if (off >= wire.length) clearInterval(tick);
      }, 60);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = new BlockClient(undefined, 'reducer');
  try {
    const t0 = Date.now();
    const got = await client.fetch({ shuffleId: 1, mapId: 0, executorId: 'e', path: '/p', offsets: [0, 2 * 1024 * 1024], address: { host: '127.0.0.1', port } }, 0, {}, 400);
    assert.equal(got.length, 2 * 1024 * 1024);
    assert.ok(Date.now() - t0 > 800, 'the transfer took longer than the timeout');
  } finally {
    client.close();
    server.close();
  }
});
