/**
 * Real cgroups v1 isolation (root, Linux): limits written as Mesos' isolators write them, an OOM kill reported as
 * Mesos reports it, every cgroup removed afterwards; and an agent that cannot use cgroups says so.
 */
import { fileURLToPath } from 'node:url';
import { unprivilegedSkip } from '../helpers/unprivileged.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { AgentProcess } from '../../src/minimesos/AgentProcess.js';
import { CGROUP_PREFIX, detectCgroups } from '../../src/minimesos/agent/CgroupsIsolator.js';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { TaskInfo, TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { SparkConf, SparkContext, TaskContext, type SparkListenerEvent } from '../../src/index.js';
import { onWarning } from '../../src/util/logging.js';
import { alive } from '../helpers/process.js';

const support = detectCgroups();
const skip = support.available ? false : `cgroups v1 unavailable here: ${support.reason}`;
const r = (name: string, value: number) => ({ name, type: 'SCALAR' as const, scalar: { value } });

/** Cgroup directories this process's agents left behind. */
function leftovers(): string[] {
  if (!support.available) return [];
  const mine = `${CGROUP_PREFIX}${process.pid}-`;
  return [support.memory, support.cpu].flatMap((d) => readdirSync(d).filter((n) => n.startsWith(mine)).map((n) => join(d, n)));
}

/** Runs tasks on a one-agent cluster with cgroups isolation; `until` picks the status each task is awaited to. */
async function runIsolated(tasks: Omit<TaskInfo, 'agent_id'>[], until: (s: TaskStatus) => boolean, check?: (c: MiniCluster, s: Map<string, TaskStatus>) => Promise<void>) {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:4;mem:2048', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300, isolation: 'cgroups/cpu,cgroups/mem', cgroupsEnableCfs: true } }).start();
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'cg' } }).start();
  const events = client.events();
  const got = new Map<string, TaskStatus>();
  try {
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    await client.call(Calls.accept([offer.id], [Operations.launch(tasks.map((t) => ({ ...t, agent_id: offer.agent_id })))]));
    await nextEvent(events, (e) => {
      if (e.type !== 'UPDATE') return false;
      const s = e.update.status;
      if (s.uuid) void client.call(Calls.acknowledge(s)).catch(() => undefined);
      if (until(s)) got.set(s.task_id.value, s);
      return got.size === tasks.length;
    }, 30_000);
    await check?.(c, got);
  } finally {
    await client.teardown();
    await c.stop();
  }
  return got;
}

test('cgroups/mem and cgroups/cpu: a command task of 0.5 cpus / 128 MB gets 160 MB and 614 shares (CFS 60 ms per 100 ms); its process is in them', { skip }, async () => {
  await runIsolated([{ name: 's', task_id: { value: 's' }, resources: [r('cpus', 0.5), r('mem', 128)], command: { value: 'exec sleep 300' } }], (s) => s.state === 'TASK_RUNNING', async (c, got) => {
    const s = got.get('s')!;
    const cid = s.container_status!.container_id!.value;
    const pid = s.container_status!.executor_pid!;
    assert.deepEqual(c.agents[0]!.containerControls(cid), {
      'memory.limit_in_bytes': '167772160', 'memory.soft_limit_in_bytes': '167772160', 'cpu.shares': '614', 'cpu.cfs_quota_us': '60000', 'cpu.cfs_period_us': '100000',
    });
    // The process moves itself into the cgroups before it execs the command.
    const inside = new RegExp(`:memory:.*/${CGROUP_PREFIX}[^/]+/${cid}\\n`);
    await waitFor(() => inside.test(readFileSync(`/proc/${pid}/cgroup`, 'utf8')), 5000, 'the task in its cgroups');
    const groups = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    assert.match(groups, new RegExp(`:memory:.*/${CGROUP_PREFIX}[^/]+/${cid}\\n`));
    assert.match(groups, new RegExp(`:cpu(,cpuacct)?:.*/${CGROUP_PREFIX}[^/]+/${cid}\\n`));
    const flags = (await (await fetch(`${c.agents[0]!.url}/flags`)).json()) as { flags: Record<string, string> };
    assert.equal(flags.flags.isolation, 'cgroups/cpu,cgroups/mem');
    assert.equal(flags.flags.cgroups_enable_cfs, 'true');
    assert.equal(flags.flags.cgroups_unavailable, undefined);
  });
  assert.deepEqual(leftovers(), [], 'every cgroup is removed when the agent stops');
});

test('a container over its memory is killed: TASK_FAILED from the agent with REASON_CONTAINER_LIMITATION_MEMORY, Mesos\' message and the limitation', { skip }, async () => {
  const hog = `exec ${JSON.stringify(process.execPath)} -e 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))'`;
  const got = await runIsolated([{ name: 'hog', task_id: { value: 'hog' }, resources: [r('cpus', 0.5), r('mem', 64)], command: { value: hog } }], (s) => s.state === 'TASK_FAILED');
  const s = got.get('hog')!;
  assert.equal(s.source, 'SOURCE_AGENT');
  assert.equal(s.reason, 'REASON_CONTAINER_LIMITATION_MEMORY');
  assert.match(s.message!, /^Memory limit exceeded: Requested: 96MB Maximum Used: [0-9]+(B|KB|MB)\n\nMEMORY STATISTICS: \n(.|\n)*\nrss [0-9]+\n/);
  const mem = s.limitation!.resources![0]!;
  assert.equal(mem.name, 'mem');
  assert.ok(mem.scalar!.value > 90 && mem.scalar!.value <= 96.01, `max usage ${mem.scalar!.value} MB`);
  assert.equal(s.executor_id?.value, 'hog');
  assert.deepEqual(leftovers(), []);
});

test('a Spark executor over its container\'s memory is killed by the agent; the driver says why and the job finishes on a replacement executor', { skip, timeout: 120_000 }, async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300, isolation: 'cgroups/cpu,cgroups/mem' } }).start();
  const warnings: string[] = [];
  const stopWatching = onWarning((_, m) => warnings.push(m));
  // One executor at a time (spark.cores.max 1): the job can only finish on a new one.
  const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('container-oom')
    .set('spark.executor.cores', '1').set('spark.cores.max', '1').set('spark.executor.memory', '256m').set('spark.ui.enabled', 'false'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    await waitFor(() => sc.executorIds.length === 1, 20_000, 'the first executor');
    const first = sc.executorIds[0];
    // The first attempt of partition 0 fills off-heap memory (Buffers, outside the task thread's heap limit) past
    // the container's 672 MB (256 MB + 384 MB overhead + the command executor's 32 MB); its retry does not.
    const sum = await sc.parallelize([1, 2, 3, 4], 4).map((x) => {
      const t = TaskContext.get()!;
      if (t.partitionId === 0 && t.attemptNumber === 0) {
        const hoard: Buffer[] = [];
        for (let i = 0; i < 64; i++) hoard.push(Buffer.alloc(32 << 20, i));
      }
      return x;
    }).reduce((a, b) => a + b);
    assert.equal(sum, 10, 'the job finished');
    await waitFor(() => events.some((e) => e.type === 'executorRemoved' && e.executorId === first), 5000, 'the first executor removed');
    assert.ok(sc.executorIds.length === 1 && sc.executorIds[0] !== first, `a replacement executor ran the retry (${sc.executorIds.join(', ')})`);
    // The driver's connection usually closes before Mesos' status arrives: the warning comes from that status.
    await waitFor(() => warnings.some((w) => w.startsWith(`Executor ${first} `)), 10_000, `the driver's warning about executor ${first}; warnings: ${warnings.join(' | ')}`);
    const why = warnings.find((w) => w.startsWith(`Executor ${first} `))!;
    assert.match(why, /^Executor [0-9]+ on 127\.0\.0\.1 ended \(TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY, SOURCE_AGENT\): Memory limit exceeded: Requested: 672MB Maximum Used: [0-9]+(B|KB|MB);/);
    assert.doesNotMatch(why, /MEMORY STATISTICS/, 'one line of Mesos\' message, not its statistics');
    assert.match(why, /raise spark\.executor\.memory or spark\.mesos\.executor\.memoryOverhead/);
    assert.ok(!warnings.some((w) => w.includes('ended before registering')), 'it had registered: not reported as a launch failure');
  } finally {
    stopWatching();
    await sc.stop();
    await c.stop();
  }
  assert.deepEqual(leftovers(), []);
});

test('an agent that cannot use cgroups (not root) says so at start and in /flags, and runs tasks unisolated', { skip: unprivilegedSkip(fileURLToPath(new URL('../../', import.meta.url))) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-nonroot-'));
  chmodSync(dir, 0o777);
  const c = await new MiniCluster({ agents: 0, master: { allocationIntervalMs: 50 } }).start();
  const a = new AgentProcess({
    master: `${c.master.endpoint.host}:${c.master.endpoint.port}`, resources: 'cpus:1;mem:256', workDir: join(dir, 'work'), host: '127.0.0.1',
    extraArgs: ['--isolation', 'cgroups/cpu,cgroups/mem'], wrap: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'],
  });
  try {
    await a.start();
    assert.match(a.output, /cgroups isolation unavailable \(cgroups isolation needs root\): containers run unisolated/);
    const flags = (await (await fetch(`${a.url}/flags`)).json()) as { flags: Record<string, string> };
    assert.equal(flags.flags.isolation, 'cgroups/cpu,cgroups/mem');
    assert.equal(flags.flags.cgroups_unavailable, 'cgroups isolation needs root');
  } finally {
    await a.stop();
    await c.stop();
  }
  assert.ok(!alive(a.pid!));
});
