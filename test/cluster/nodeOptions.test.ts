/**
 * `spark.executor.extraNodeOptions` / `spark.driver.extraNodeOptions`: splitting and checking, the Mesos command lines
 * of executors (coarse and fine-grained) and of the cluster-mode driver, run through a real shell and the real
 * `bin/spark-mesos` (with a stand-in `dist/cli/main.js` that reports what Node was started with), and the warnings
 * for the Java-only keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext } from '../../src/index.js';
import { splitCommandString } from '../../src/util/splitCommandString.js';
import { checkNodeSettings, driverNodeOptions, executorNodeOptions, parseNodeOptions } from '../../src/conf/nodeOptions.js';
import { buildExecutorCommand, executorLauncher } from '../../src/cluster/mesos/executorTask.js';
import type { PlannedExecutor } from '../../src/cluster/mesos/CoarseOfferPlanner.js';
import { buildDriverCommandLine, type DriverTaskContext } from '../../src/deploy/mesos/driverTask.js';
import { describeDriver } from '../../src/deploy/mesos/MesosDriverDescription.js';
import { missingNodeOptions, takeReexecMarker, NODE_OPTIONS_APPLIED_ENV } from '../../src/cli/nodeOptionsReexec.js';
import { onWarning } from '../../src/util/logging.js';

const BIN = fileURLToPath(new URL('../../bin/spark-mesos', import.meta.url));

/** An installation whose `bin/spark-mesos` is the real script and whose main.js prints Node's options and the arguments. */
function fakeInstallation(): string {
  const home = mkdtempSync(join(tmpdir(), 'fake-install-'));
  mkdirSync(join(home, 'bin'));
  mkdirSync(join(home, 'dist', 'cli'), { recursive: true });
  copyFileSync(BIN, join(home, 'bin', 'spark-mesos'));
  writeFileSync(join(home, 'dist', 'cli', 'main.js'), 'process.stdout.write(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2) }));\n');
  return home;
}

/** Runs a Mesos command value as an agent does (`sh -c`), and returns what the Node process saw. */
function runCommand(value: string, cwd?: string): { execArgv: string[]; args: string[] } {
  const r = spawnSync('/bin/sh', ['-c', value], { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { execArgv: string[]; args: string[] };
}

test('options split like a shell command line, without expansion', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['  --a  --b=1 ', ['--a', '--b=1']],
    ["--title='spark executor' --x", ['--title=spark executor', '--x']],
    ['--title="a \\"b\\" c"', ['--title=a "b" c']],
    ['--v=a\\ b', ['--v=a b']],
    ['--e=$HOME --f=`x`', ['--e=$HOME', '--f=`x`']],
  ];
  for (const [input, want] of cases) assert.deepEqual(splitCommandString(input), want, input);
  assert.throws(() => splitCommandString("--a='x"), /unterminated single quote/);
});

test('node options must be options; errors name the key', () => {
  assert.deepEqual(parseNodeOptions('k', undefined), []);
  assert.deepEqual(parseNodeOptions('k', '--max-semi-space-size=64 --stack-trace-limit=50'), ['--max-semi-space-size=64', '--stack-trace-limit=50']);
  assert.throws(() => parseNodeOptions('spark.executor.extraNodeOptions', '--require ./x.js'), /spark\.executor\.extraNodeOptions should be Node options, each starting with '-' \(write a value as --flag=value\), but '\.\/x\.js' is not one/);
  assert.throws(() => parseNodeOptions('spark.driver.extraNodeOptions', '-- app.js'), /spark\.driver\.extraNodeOptions .* '--' is not one/);
  assert.throws(() => parseNodeOptions('spark.driver.extraNodeOptions', "--a='x"), /spark\.driver\.extraNodeOptions should be Node options separated by spaces, but has an unterminated single quote/);
  assert.deepEqual(executorNodeOptions(new SparkConf({ 'spark.executor.extraNodeOptions': '--title=e-{{EXECUTOR_ID}} --x={{APP_ID}}' }), { appId: 'fw-1', executorId: '7' }), ['--title=e-7', '--x=fw-1']);
  assert.deepEqual(driverNodeOptions(new SparkConf({ 'spark.driver.extraNodeOptions': '--stack-trace-limit=9' })), ['--stack-trace-limit=9']);
  assert.throws(() => checkNodeSettings(new SparkConf({ 'spark.executor.extraNodeOptions': 'oops' })), /spark\.executor\.extraNodeOptions/);
});

const planned: PlannedExecutor = {
  offerId: 'O1', agentId: 'S1', hostname: 'agent-1', cpus: 2, gpus: 0, memory: 1408,
  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: '*' }],
};

test('the coarse executor command passes the options to the executor\'s Node process', () => {
  const home = fakeInstallation();
  const ctx = { taskId: '7', appId: 'fw-0001', appName: 'app', driverUrl: 'spark://CoarseGrainedScheduler@driver:7078', defaultHome: '/nowhere', user: 'alice' };
  const conf = new SparkConf({ 'spark.mesos.executor.home': home, 'spark.executor.extraNodeOptions': "--max-semi-space-size=64 --title='exec {{EXECUTOR_ID}} $HOME;id'" });
  const cmd = buildExecutorCommand(conf, planned, ctx);
  assert.equal(cmd.value, ` ${home}/bin/spark-mesos --node-option=--max-semi-space-size=64 '--node-option=--title=exec 7 $HOME;id' executor --driver-url spark://CoarseGrainedScheduler@driver:7078 --executor-id 7 --cores 2 --app-id fw-0001 --hostname agent-1`);
  const seen = runCommand(cmd.value);
  assert.deepEqual(seen.execArgv, ['--max-semi-space-size=64', '--title=exec 7 $HOME;id'], 'each value reaches Node verbatim');
  assert.deepEqual(seen.args.slice(0, 3), ['executor', '--driver-url', 'spark://CoarseGrainedScheduler@driver:7078']);
  // Without options the command is unchanged.
  assert.match(buildExecutorCommand(new SparkConf({ 'spark.mesos.executor.home': '/opt/sm' }), planned, ctx).value ?? '', /^ \/opt\/sm\/bin\/spark-mesos executor --driver-url/);
});

test('the fine-grained executor and executor-URI commands pass them too', () => {
  const home = fakeInstallation();
  const conf = new SparkConf({ 'spark.mesos.executor.home': home, 'spark.executor.extraNodeOptions': '--stack-trace-limit=42 --title=agent-{{EXECUTOR_ID}}' });
  // The fine-grained backend runs `${run} --mesos`, with the agent id as executor id.
  const { run } = executorLauncher(conf, { defaultHome: '/nowhere', appId: 'fw-1', taskId: 'S3' });
  const seen = runCommand(`${run} --mesos`);
  assert.deepEqual(seen.execArgv, ['--stack-trace-limit=42', '--title=agent-S3']);
  assert.deepEqual(seen.args, ['executor', '--mesos']);
  // From an unpacked spark.executor.uri archive, relative to the sandbox.
  const sandbox = mkdtempSync(join(tmpdir(), 'sandbox-'));
  spawnSync('cp', ['-r', home, join(sandbox, 'spark-mesos-0.1.0')]);
  const fromUri = executorLauncher(new SparkConf({ 'spark.executor.uri': 'http://repo/spark-mesos-0.1.0.tgz', 'spark.executor.extraNodeOptions': '--stack-trace-limit=7' }), { defaultHome: '/nowhere', appId: 'a', taskId: 't' });
  assert.deepEqual(runCommand(`${fromUri.run} --mesos`, sandbox).execArgv, ['--stack-trace-limit=7']);
});

test('the cluster-mode driver command passes spark.driver.extraNodeOptions (not sensitive ones) to the driver\'s Node', () => {
  const home = fakeInstallation();
  const driver = (props: Record<string, string>) => describeDriver({
    action: 'CreateSubmissionRequest', appResource: 'file:///apps/job.ts', mainClass: '', appArgs: ['x'],
    sparkProperties: { 'spark.app.name': 'job', ...props }, environmentVariables: {}, clientSparkVersion: '3.5.1',
  }, 'driver-20261201000000-0001', 1000, 0);
  const ctx: DriverTaskContext = {
    taskId: 'driver-1', agentId: 'S1', resources: [], master: '127.0.0.1:5050', driverFrameworkId: 'FW-driver-1',
    dispatcherConf: new SparkConf({ 'spark.home': home }), defaultHome: '/nowhere',
  };
  const { value } = buildDriverCommandLine(driver({ 'spark.driver.extraNodeOptions': "--stack-trace-limit=33 --title='the driver'" }), ctx);
  assert.ok(value.startsWith(`${home}/bin/spark-mesos --node-option=--stack-trace-limit=33 '--node-option=--title=the driver' submit --name job`), value);
  const seen = runCommand(value);
  assert.deepEqual(seen.execArgv, ['--stack-trace-limit=33', '--title=the driver']);
  assert.equal(seen.args[0], 'submit');
  assert.ok(seen.args.includes('spark.driver.extraNodeOptions=--stack-trace-limit=33 --title=\'the driver\''), 'the setting travels on, so the driver sees them in effect');
  // The dispatcher's default applies when the submission has none.
  const withDefault = buildDriverCommandLine(driver({}), { ...ctx, dispatcherConf: new SparkConf({ 'spark.home': home, 'spark.mesos.dispatcher.driverDefault.spark.driver.extraNodeOptions': '--stack-trace-limit=5' }) });
  assert.deepEqual(runCommand(withDefault.value).execArgv, ['--stack-trace-limit=5']);
  // A value that looks sensitive stays off the command line (the driver's submit applies it from its secret conf).
  const secret = buildDriverCommandLine(driver({ 'spark.driver.extraNodeOptions': '--title=token-holder' }), ctx);
  assert.ok(!secret.value.includes('token-holder'));
  assert.ok(secret.secretConf['spark.driver.extraNodeOptions']);
});

test('client mode: only options not in effect are applied, and only once', () => {
  assert.deepEqual(missingNodeOptions(['--a=1', '--b'], ['--import', 'tsx', '--b']), ['--a=1']);
  assert.deepEqual(missingNodeOptions([], ['--b']), []);
  const env: NodeJS.ProcessEnv = { [NODE_OPTIONS_APPLIED_ENV]: '1' };
  assert.equal(takeReexecMarker(env), true);
  assert.equal(env[NODE_OPTIONS_APPLIED_ENV], undefined, 'not inherited further');
  assert.equal(takeReexecMarker(env), false);
});

test('the Java-only keys log one warning each per process, naming the key but not the value', async () => {
  const seen: string[] = [];
  const off = onWarning((_, m) => seen.push(m));
  try {
    const conf = new SparkConf().setMaster('local[1]').setAppName('java-keys').set('spark.ui.enabled', 'false')
      .set('spark.executor.extraJavaOptions', '-Dpassword=hunter2').set('spark.driver.extraClassPath', '/opt/jars');
    for (let i = 0; i < 2; i++) {
      const sc = new SparkContext(conf);
      await sc.stop();
    }
  } finally {
    off();
  }
  assert.equal(seen.length, 2, seen.join('\n'));
  assert.match(seen.find((m) => m.startsWith('spark.executor.extraJavaOptions'))!, /no effect on Node: use spark\.executor\.extraNodeOptions/);
  assert.match(seen.find((m) => m.startsWith('spark.driver.extraClassPath'))!, /NODE_PATH/);
  assert.ok(!seen.join().includes('hunter2'));
});
