import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandStatusWrapper, parseCommandStatus } from '../../src/minimesos/agent/commandStatus.js';
import { Checkpoint, processStartTime, recordedProcessAlive } from '../../src/minimesos/agent/Checkpoint.js';
import { newExecutor, newFramework, newTask, resolveAgentOptions, type AgentContext, type AgentFramework } from '../../src/minimesos/agent/model.js';
import type { StatusUpdateManager } from '../../src/minimesos/agent/StatusUpdateManager.js';
import { Agent } from '../../src/minimesos/Agent.js';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { waitFor } from '../helpers/events.js';
import { alive } from '../helpers/process.js';

test('parseCommandStatus: exit codes, signals (128 + n), and unknown', () => {
  const cases: [string | undefined, ReturnType<typeof parseCommandStatus>][] = [
    ['0\n', { code: 0, signal: null }],
    ['3', { code: 3, signal: null }],
    ['137\n', { code: null, signal: 'SIGKILL' }],
    ['143', { code: null, signal: 'SIGTERM' }],
    ['128', { code: 128, signal: null }],
    ['200', { code: 200, signal: null }],
    ['', undefined],
    [undefined, undefined],
    ['x1', undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseCommandStatus(text), want, JSON.stringify(text));
});

test('commandStatusWrapper: records the status and ends as the command did', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdstatus-'));
  try {
    const run = (cmd: string) => {
      const file = join(dir, 'status');
      const argv = commandStatusWrapper(file, ['/bin/sh', '-c', cmd]);
      let code: number | null = 0;
      let signal: string | null = null;
      try {
        execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
      } catch (err) {
        ({ status: code, signal } = err as { status: number | null; signal: string | null });
      }
      return { code, signal, recorded: parseCommandStatus(readFileSync(file, 'utf8')) };
    };
    assert.deepEqual(run('exit 0'), { code: 0, signal: null, recorded: { code: 0, signal: null } });
    assert.deepEqual(run('exit 7'), { code: 7, signal: null, recorded: { code: 7, signal: null } });
    assert.deepEqual(run('kill -9 $$'), { code: null, signal: 'SIGKILL', recorded: { code: null, signal: 'SIGKILL' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('commandStatusWrapper: a SIGTERM to the process group reaches the command, which shuts down in its own time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdstatus-'));
  try {
    const file = join(dir, 'status');
    const argv = commandStatusWrapper(file, ['/bin/sh', '-c', 'trap "sleep 0.3; exit 5" TERM; sleep 30 & wait']);
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
    const exited = new Promise<[number | null, string | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-child.pid!, 'SIGTERM');
    assert.deepEqual(await exited, [5, null]);
    assert.deepEqual(parseCommandStatus(readFileSync(file, 'utf8')), { code: 5, signal: null });
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* the group is gone */
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function context(workDir: string, frameworks: Map<string, AgentFramework>, pending: Record<string, unknown[]> = {}): AgentContext {
  const ctx = {
    opts: resolveAgentOptions({ master: 'x:1', resources: [], workDir }),
    frameworks,
    updates: { pending: (fid: string, tid: string) => pending[`${fid}/${tid}`] ?? [] } as unknown as StatusUpdateManager,
    isolation: undefined, id: 'A-S0', master: undefined, port: 1, stopped: false, hostname: 'h',
  } as unknown as AgentContext & { checkpoint: Checkpoint };
  ctx.checkpoint = new Checkpoint(ctx);
  return ctx;
}

test('Checkpoint: the agent id survives a restart on the same boot only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  try {
    const cp = context(dir, new Map()).checkpoint;
    assert.equal(cp.agentId(), undefined, 'a new work dir: a new agent');
    cp.saveAgentId('M-S3');
    assert.equal(new Checkpoint(context(dir, new Map())).agentId(), 'M-S3');
    const latest = join(dir, 'meta', 'slaves', 'latest');
    writeFileSync(latest, JSON.stringify({ id: 'M-S3', boot_id: 'another-boot' }));
    assert.equal(cp.agentId(), undefined, 'after a reboot the agent registers anew');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Checkpoint: frameworks, executors and tasks are kept only for frameworks with checkpoint=true; containers always', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  try {
    const frameworks = new Map<string, AgentFramework>();
    const pendingUpdate = { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid: 'u1' };
    const ctx = context(dir, frameworks, { 'F1/t1': [pendingUpdate] });
    for (const [fid, checkpoint] of [['F1', true], ['F2', false]] as const) {
      const f: AgentFramework = newFramework({ user: 'u', name: fid, id: { value: fid }, checkpoint });
      frameworks.set(fid, f);
      const e = newExecutor(fid, { executor_id: { value: 't1' } }, true, `c-${fid}`, join(dir, fid));
      const t = newTask({ name: 't1', task_id: { value: 't1' }, agent_id: { value: 'A-S0' } });
      t.state = 'TASK_RUNNING';
      e.tasks.set('t1', t);
      f.executors.set('t1', e);
      ctx.checkpoint.framework(f);
      ctx.checkpoint.executor(e);
      ctx.checkpoint.task(fid, 't1');
      ctx.checkpoint.container(e, process.pid);
    }
    const recovered = ctx.checkpoint.frameworks();
    assert.deepEqual(recovered.map((f) => f.info.id?.value), ['F1']);
    assert.equal(recovered[0]!.executors.length, 1);
    assert.equal(recovered[0]!.executors[0]!.containerId, 'c-F1');
    assert.deepEqual(recovered[0]!.executors[0]!.tasks.map((t) => [t.info.task_id.value, t.state, t.pending.length]), [['t1', 'TASK_RUNNING', 1]]);
    const containers = ctx.checkpoint.containers();
    assert.deepEqual(containers.map((c) => c.containerId).sort(), ['c-F1', 'c-F2']);
    assert.ok(containers.every((c) => c.pid === process.pid && c.startTime === processStartTime(process.pid)));
    ctx.checkpoint.containerGone(containers[0]!);
    assert.equal(ctx.checkpoint.containers().length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recordedProcessAlive: a live pid with another start time is a reused pid, not the container', () => {
  assert.equal(recordedProcessAlive(process.pid, processStartTime(process.pid)), true);
  assert.equal(recordedProcessAlive(process.pid, '1'), false);
  assert.equal(recordedProcessAlive(2 ** 22 + 1, undefined), false);
});

/** A detached `sleep` standing for a container a crashed agent left, with the record that agent would have written. */
function leftBehind(workDir: string, agentId: string): number {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  mkdirSync(join(workDir, 'meta', 'containers'), { recursive: true });
  mkdirSync(join(workDir, 'meta', 'slaves'), { recursive: true });
  writeFileSync(join(workDir, 'meta', 'containers', 'c1.json'), JSON.stringify({
    frameworkId: 'F', executorId: 'e', containerId: 'c1', directory: workDir, pid, startTime: processStartTime(pid), cgroups: [],
  }));
  writeFileSync(join(workDir, 'meta', 'slaves', 'latest'), JSON.stringify({ id: agentId, boot_id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() }));
  return pid;
}

for (const recover of ['reconnect', 'cleanup'] as const) {
  test(`recovery (--recover=${recover}): a container of a framework without checkpoint is destroyed; the agent ${recover === 'reconnect' ? 'keeps its id' : 'stops without registering, as Mesos\' agent exits'}`, async () => {
    const c = await new MiniCluster({ agents: 0 }).start();
    const workDir = mkdtempSync(join(tmpdir(), 'recover-'));
    const pid = leftBehind(workDir, 'old-master-S7');
    const agent = new Agent({ master: c.master, resources: [], workDir, recover });
    try {
      await agent.start();
      await waitFor(() => !alive(pid), 5000, 'the orphan killed');
      if (recover === 'reconnect') assert.equal(agent.id, 'old-master-S7');
      else {
        assert.equal(agent.cleanupDone, true);
        assert.equal(agent.id, undefined, 'never registers');
        assert.equal((c.master.state() as { slaves: unknown[] }).slaves.length, 0);
        assert.ok(!existsSync(join(workDir, 'meta', 'slaves')), 'its id is forgotten');
        await assert.rejects(fetch(`${agent.url}/state`), 'its endpoint is closed');
      }
      const records = join(workDir, 'meta', 'containers');
      assert.deepEqual(existsSync(records) ? readdirSync(records) : [], []);
    } finally {
      await agent.stop();
      await c.stop();
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(workDir, { recursive: true, force: true });
    }
  });
}
