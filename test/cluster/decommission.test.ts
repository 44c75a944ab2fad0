/**
 * Graceful decommission on Mesos maintenance: the pure decisions (`cluster/mesos/decommission.ts`) as tables, the
 * map output tracker's moves, and the hand-over of shuffle files between real block servers
 * (`executor/shuffleMigration.ts`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { MapStatus, TaskDescription } from '../../src/core/plan.js';
import {
  chooseMigrationTarget, decommissionDeadline, executorsRead, nextDrainStep, offerInMaintenance, outputKey, relocateInputs, type DrainView,
} from '../../src/cluster/mesos/decommission.js';
import { MapOutputTracker } from '../../src/scheduler/MapOutputTracker.js';
import { startBlockServer } from '../../src/executor/BlockServer.js';
import { BlockClient } from '../../src/rpc/BlockClient.js';
import { parseMigrationRequest, receiveShuffleOutputs } from '../../src/executor/shuffleMigration.js';

const ms = (n: number) => ({ nanoseconds: n * 1e6 });

test('offers in a maintenance window that has not ended are unusable', () => {
  const table: [string, Parameters<typeof offerInMaintenance>[0], boolean][] = [
    ['no unavailability', {}, false],
    ['window ahead', { unavailability: { start: ms(5000), duration: ms(1000) } }, true],
    ['window now', { unavailability: { start: ms(500), duration: ms(1000) } }, true],
    ['window over', { unavailability: { start: ms(0), duration: ms(999) } }, false],
    ['no duration: unavailable for good', { unavailability: { start: ms(0) } }, true],
  ];
  for (const [name, offer, want] of table) assert.equal(offerInMaintenance(offer, 1000), want, name);
});

test('the deadline: the grace period, or the window start when sooner', () => {
  const table: [string, Parameters<typeof decommissionDeadline>[1], number][] = [
    ['no window', undefined, 11_000],
    ['window already started', { start: ms(500) }, 11_000],
    ['window starts after the grace period', { start: ms(60_000) }, 11_000],
    ['window starts sooner', { start: ms(4000), duration: ms(1000) }, 4000],
  ];
  for (const [name, u, want] of table) assert.equal(decommissionDeadline(1000, u, 10_000), want, name);
});

test('the next step of a draining executor', () => {
  const base: DrainView = { now: 1000, deadline: 5000, runningOnExecutor: 0, outputsToMove: 0, migrated: false, hasTarget: true, readersRunning: 0 };
  const table: [string, Partial<DrainView>, string, RegExp][] = [
    ['nothing held', {}, 'kill', /^drained$/],
    ['tasks still running', { runningOnExecutor: 2, outputsToMove: 3 }, 'wait', /2 running task/],
    ['outputs to hand over', { outputsToMove: 3 }, 'migrate', /3 map output/],
    ['no executor to take them', { outputsToMove: 3, hasTarget: false }, 'kill', /recomputed/],
    ['handed over, readers still running', { outputsToMove: 3, migrated: true, readersRunning: 1 }, 'wait', /still read/],
    ['handed over, no reader', { outputsToMove: 3, migrated: true }, 'kill', /^drained$/],
    ['grace period over', { now: 5000, runningOnExecutor: 2, outputsToMove: 3 }, 'kill', /grace period/],
  ];
  for (const [name, v, step, why] of table) {
    const s = nextDrainStep({ ...base, ...v });
    assert.equal(s.step, step, name);
    assert.match(s.why, why, name);
  }
});

test('the migration target: live, not draining, another agent preferred', () => {
  const e = (id: string, agentId: string, draining = false) => ({ id, agentId, draining });
  const from = { id: '1', agentId: 'S1' };
  const table: [string, ReturnType<typeof e>[], string | undefined][] = [
    ['another agent', [e('1', 'S1'), e('2', 'S1'), e('3', 'S2')], '3'],
    ['same agent when only there', [e('1', 'S1'), e('2', 'S1')], '2'],
    ['draining ones excluded', [e('1', 'S1'), e('2', 'S2', true)], undefined],
    ['itself excluded', [e('1', 'S1')], undefined],
  ];
  for (const [name, candidates, want] of table) assert.equal(chooseMigrationTarget(candidates, from)?.id, want, name);
});

const status = (shuffleId: number, mapId: number, executorId: string, extra: Partial<MapStatus> = {}): MapStatus => ({
  shuffleId, mapId, executorId, path: `/x/${executorId}/${shuffleId}-${mapId}`, offsets: [0, 3, 6], address: { host: executorId, port: 1 }, ...extra,
});
const desc = (inputs: Record<number, MapStatus[]>): TaskDescription => ({ taskId: 7, shuffleInputs: inputs } as unknown as TaskDescription);

test('tasks made before a move read the moved outputs from their new place', () => {
  const moved = new Map([[outputKey(status(0, 1, 'e1')), status(0, 1, 'e2', { path: '/y/copy' })]]);
  const table: [string, Record<number, MapStatus[]>, string[]][] = [
    ['moved output', { 0: [status(0, 0, 'e2'), status(0, 1, 'e1')] }, ['e2 /x/e2/0-0', 'e2 /y/copy']],
    ['other shuffle, same map id', { 1: [status(1, 1, 'e1')] }, ['e1 /x/e1/1-1']],
    ['external output untouched', { 0: [status(0, 1, 'e1', { external: { appId: 'a' } })] }, ['e1 /x/e1/0-1']],
  ];
  for (const [name, inputs, want] of table) {
    const out = relocateInputs(desc(inputs), moved);
    assert.deepEqual(Object.values(out.shuffleInputs).flat().map((s) => `${s.executorId} ${s.path}`), want, name);
  }
  const untouched = desc({ 0: [status(0, 0, 'e3')] });
  assert.equal(relocateInputs(untouched, moved), untouched, 'the same description when nothing moved');
  assert.deepEqual([...executorsRead(desc({ 0: [status(0, 0, 'e1'), status(0, 1, 'e2')], 1: [status(1, 0, 'e3', { external: { appId: 'a' } })] }))], ['e1', 'e2']);
});

test('the tracker lists an executor\'s own outputs and moves one only while it is current', () => {
  const t = new MapOutputTracker();
  t.register(0, 3);
  t.addOutput(status(0, 0, 'e1'));
  t.addOutput(status(0, 1, 'e1', { external: { appId: 'a' } }));
  t.addOutput(status(0, 2, 'e2'));
  assert.deepEqual(t.outputsOn('e1').map((s) => s.mapId), [0]);
  assert.equal(t.moveOutput(status(0, 0, 'e1'), status(0, 0, 'e2', { path: '/copy' })), true);
  assert.equal(t.moveOutput(status(0, 0, 'e1'), status(0, 0, 'e3')), false, 'no longer current');
  assert.deepEqual(t.outputsOn('e1'), []);
  assert.deepEqual(t.removeOutputsOn('e1'), [], 'losing e1 now loses nothing');
  assert.equal(t.statuses(0)[0]!.path, '/copy');
});

test('shuffle files move between block servers segment by segment, offsets rebased', async () => {
  const root = mkdtempSync(join(tmpdir(), 'migrate-'));
  const fromDir = join(root, 'from');
  const toDir = join(root, 'to');
  mkdirSync(join(fromDir, 'shuffle'), { recursive: true });
  mkdirSync(toDir);
  const file = join(fromDir, 'shuffle', 'shuffle_0_1.data');
  writeFileSync(file, Buffer.from('headerAAABBBBBCC'));
  const server = await startBlockServer('127.0.0.1', 0, fromDir, 'secret-x');
  const client = new BlockClient('secret-x', 'e2');
  try {
    const port = (server.address() as AddressInfo).port;
    const req = parseMigrationRequest({ from: { host: '127.0.0.1', port }, outputs: [{ shuffleId: 0, mapId: 1, executorId: 'e1', path: file, offsets: [6, 9, 9, 14, 16] }] });
    const [copy] = await receiveShuffleOutputs(req, toDir, client);
    assert.deepEqual(copy!.offsets, [0, 3, 3, 8, 10]);
    assert.ok(copy!.path.startsWith(toDir));
    assert.equal(readFileSync(copy!.path, 'utf8'), 'AAABBBBBCC');
    // A source outside the old executor's folder is refused by its server, and nothing is left behind.
    const outside = parseMigrationRequest({ from: { host: '127.0.0.1', port }, outputs: [{ shuffleId: 0, mapId: 2, executorId: 'e1', path: '/etc/hostname', offsets: [0, 1] }] });
    await assert.rejects(receiveShuffleOutputs(outside, toDir, client), /FetchFailed/);
    assert.deepEqual(readdirSync(toDir), [copy!.path.slice(toDir.length + 1)], 'the failed copy was removed');
    // All or nothing: when a later output fails, the copies of the earlier ones are removed too.
    const good = { shuffleId: 0, mapId: 1, executorId: 'e1', path: file, offsets: [6, 9, 16] };
    const partly = parseMigrationRequest({ from: { host: '127.0.0.1', port }, outputs: [good, { ...good, mapId: 3 }, { ...good, mapId: 2, path: '/etc/hostname', offsets: [0, 1] }] });
    await assert.rejects(receiveShuffleOutputs(partly, toDir, client), /FetchFailed/);
    assert.deepEqual(readdirSync(toDir), [copy!.path.slice(toDir.length + 1)], 'no copy of the outputs before the failed one is left');
  } finally {
    client.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ outputs: [] }, /'from' must be \{host, port\}/],
    [{ from: { host: 'h', port: 1 } }, /'outputs' must be a list/],
    [{ from: { host: 'h', port: 1 }, outputs: [{ shuffleId: 0, mapId: 0, executorId: 'e', path: 'p', offsets: [3, 1] }] }, /outputs\[0\] must have/],
  ];
  for (const [m, want] of bad) assert.throws(() => parseMigrationRequest(m), want);
});
