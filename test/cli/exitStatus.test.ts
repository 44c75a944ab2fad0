import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { shellExitStatus } from '../../src/cli/exitStatus.js';

test('shellExitStatus: the code, or 128 + the number of the signal that ended the process', () => {
  const cases: [number | null, NodeJS.Signals | null, number][] = [
    [0, null, 0],
    [3, null, 3],
    [null, 'SIGKILL', 137],
    [null, 'SIGTERM', 143],
    [null, 'SIGINT', 130],
    [null, 'SIGSEGV', 139],
    [null, null, 1],
  ];
  for (const [code, signal, want] of cases) assert.equal(shellExitStatus(code, signal), want, `${code} ${signal}`);
});

test('shellExitStatus: agrees with the shell for a process that kills itself with SIGTERM', () => {
  const child = spawnSync('/bin/sh', ['-c', 'kill -TERM $$']);
  const viaShell = spawnSync('/bin/sh', ['-c', "/bin/sh -c 'kill -TERM $$'; exit $?"]);
  assert.equal(shellExitStatus(child.status, child.signal), viaShell.status);
});
