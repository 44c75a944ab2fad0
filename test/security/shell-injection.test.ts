/**
 * Hostile values in every place they reach a driver's or executor's `sh -c` command line (homes, URIs, library paths,
 * ids, host names, names, arguments, properties): the command, run by a real shell, runs exactly the intended
 * program with exactly the intended arguments, and nothing else runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '../../src/index.js';
import { buildExecutorCommand } from '../../src/cluster/mesos/executorTask.js';
import { buildDriverCommandLine, type DriverTaskContext } from '../../src/deploy/mesos/driverTask.js';
import type { MesosDriverDescription } from '../../src/deploy/mesos/MesosDriverDescription.js';

/** A value that, unquoted or in double quotes, would run `touch PWNED-<tag>` in the working directory. */
const evil = (tag: string) => `x";touch PWNED-${tag};echo "$(touch PWNED-${tag}b)\`touch PWNED-${tag}c\`'$IFS|&<>*`;

/** A home whose bin/spark-mesos records its arguments, one per line, NUL-free. */
function fakeInstall(root: string, name: string): string {
  const home = join(root, name);
  mkdirSync(join(home, 'bin'), { recursive: true });
  writeFileSync(join(home, 'bin', 'spark-mesos'), '#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done > "$ARGS_OUT"\n');
  chmodSync(join(home, 'bin', 'spark-mesos'), 0o755);
  return home;
}

function run(command: string, cwd: string, argsOut: string): string[] {
  execFileSync('/bin/sh', ['-c', command], { cwd, env: { PATH: '/usr/bin:/bin', ARGS_OUT: argsOut, LD_LIBRARY_PATH: '' }, stdio: 'ignore' });
  return readFileSync(argsOut, 'utf8').split('\n').slice(0, -1);
}

function noneRan(cwd: string): void {
  const pwned = readdirSync(cwd).filter((f) => f.startsWith('PWNED'));
  assert.deepEqual(pwned, [], 'no injected command ran');
}

test('executor command: hostile home, library path, ids, driver URL and host name run nothing but the executor', () => {
  const root = mkdtempSync(join(tmpdir(), 'inject-exec-'));
  try {
    const home = fakeInstall(root, evil('home'));
    const conf = new SparkConf({ 'spark.mesos.executor.home': home, 'spark.executor.extraLibraryPath': evil('lib'), 'spark.executor.extraNodeOptions': '--title=$(touch${IFS}PWNED-node);`touch${IFS}PWNED-node2`' });
    const planned = { offerId: 'O', agentId: 'S', hostname: evil('host'), cpus: 1, gpus: 0, memory: 512, resources: [] };
    const ctx = { taskId: evil('task'), appId: evil('app'), appName: evil('name'), driverUrl: evil('url'), defaultHome: '/nonexistent', user: 'u' };
    const cmd = buildExecutorCommand(conf, planned, ctx);
    const args = run(cmd.value!, root, join(root, 'args'));
    noneRan(root);
    assert.deepEqual(args, ['--node-option=--title=$(touch${IFS}PWNED-node);`touch${IFS}PWNED-node2`', 'executor', '--driver-url', evil('url'), '--executor-id', evil('task'), '--cores', '1', '--app-id', evil('app'), '--hostname', evil('host')]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('executor command from spark.executor.uri: a hostile archive name only changes which folder is entered', () => {
  const root = mkdtempSync(join(tmpdir(), 'inject-uri-'));
  try {
    const name = `sm$(touch PWNED-u1);touch PWNED-u2`;
    fakeInstall(root, `${name}-0.1.0`);
    const conf = new SparkConf({ 'spark.executor.uri': `http://repo/${name}.tgz` });
    const planned = { offerId: 'O', agentId: 'S', hostname: 'h', cpus: 1, gpus: 0, memory: 512, resources: [] };
    const cmd = buildExecutorCommand(conf, planned, { taskId: '1', appId: 'a', appName: 'n', driverUrl: 'spark://d:1', defaultHome: '/x', user: 'u' });
    const args = run(cmd.value!, root, join(root, 'args'));
    noneRan(root);
    assert.equal(args[0], 'executor');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('driver command: hostile home, name, main class, properties and arguments run nothing but the driver', () => {
  const root = mkdtempSync(join(tmpdir(), 'inject-driver-'));
  try {
    const home = fakeInstall(root, evil('dhome'));
    const d = {
      submissionId: 'driver-1', name: evil('dname'), jarUrl: `http://repo/${encodeURIComponent(evil('jar'))}.ts`, mainClass: evil('class'), cores: 1, mem: 512,
      supervise: false, arguments: [evil('arg1'), '--flag', evil('arg2')], environment: {},
      conf: { 'spark.app.name': evil('app'), 'spark.custom': evil('prop'), 'spark.mesos.executor.home': home },
      submissionDate: new Date(0).toISOString(), retryState: undefined,
    } as unknown as MesosDriverDescription;
    const ctx: DriverTaskContext = {
      taskId: 'driver-1', agentId: 'S1', resources: [], master: evil('master'), driverFrameworkId: 'fw-driver-1',
      dispatcherConf: new SparkConf({ 'spark.executor.extraLibraryPath': evil('dlib') }), defaultHome: '/nonexistent',
    };
    const { value } = buildDriverCommandLine(d, ctx);
    const args = run(value, root, join(root, 'args'));
    noneRan(root);
    assert.equal(args[0], 'submit');
    const pairs = new Map<string, string>();
    for (let i = 1; i < args.length - 4; i++) if (args[i]!.startsWith('--') && args[i] !== '--conf') pairs.set(args[i]!, args[i + 1]!);
    assert.equal(pairs.get('--name'), evil('dname'));
    assert.equal(pairs.get('--master'), `mesos://${evil('master')}`);
    assert.equal(pairs.get('--class'), evil('class'));
    assert.ok(args.includes(`spark.custom=${evil('prop')}`));
    assert.deepEqual(args.slice(-3), [evil('arg1'), '--flag', evil('arg2')]);
    assert.ok(!existsSync(join(root, 'PWNED-dlib')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
