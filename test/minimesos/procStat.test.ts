import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { isRunningState, parseProcStat, readProcStat } from '../../src/minimesos/agent/procStat.js';
import { recordedProcessAlive } from '../../src/minimesos/agent/Checkpoint.js';

const tail = '1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123456 1000 100';

test('parseProcStat: state (field 3) and start time (field 22), whatever the command name holds', () => {
  const cases: [string, { state: string; startTime: string } | undefined][] = [
    [`42 (sleep) S ${tail}`, { state: 'S', startTime: '123456' }],
    [`42 (sleep) Z ${tail}`, { state: 'Z', startTime: '123456' }],
    [`42 (a b) c) R ${tail}\n`, { state: 'R', startTime: '123456' }],
    ['42 (sleep) S 1 2', undefined],
    ['garbage', undefined],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseProcStat(line), want, line);
});

test('isRunningState: zombies and dead processes are not running', () => {
  const cases: [string, boolean][] = [['R', true], ['S', true], ['D', true], ['T', true], ['Z', false], ['X', false]];
  for (const [state, want] of cases) assert.equal(isRunningState(state), want, state);
});

test('recordedProcessAlive: a zombie (exited, not reaped) is not alive', async () => {
  // `sleep 0` exits at once; its parent execs into `sleep 30`, which never reaps it: a zombie.
  const p = spawn('/bin/sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((r) => p.stdout!.once('data', (c: Buffer) => r(c.toString().trim()))));
    const deadline = Date.now() + 5000;
    while (readProcStat(pid)?.state !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(readProcStat(pid)?.state, 'Z');
    assert.equal(recordedProcessAlive(pid, undefined), false);
    assert.equal(recordedProcessAlive(pid, readProcStat(pid)!.startTime), false);
    assert.equal(recordedProcessAlive(p.pid!, undefined), true);
  } finally {
    p.kill('SIGKILL');
  }
});
