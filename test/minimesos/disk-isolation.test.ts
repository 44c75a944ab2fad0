import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskLimitation, diskQuota, parseDu } from '../../src/minimesos/agent/DiskIsolator.js';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import type { Resource } from '../../src/mesos/wire/resources.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { isType, nextEvent } from '../helpers/events.js';

const disk = (mb: number): Resource => ({ name: 'disk', type: 'SCALAR', scalar: { value: mb } });

test('parseDu: du -k -s output in bytes', () => {
  const cases: [string, number | undefined][] = [['2049\t/x/sandbox/\n', 2049 * 1024], ['0\t/x\n', 0], ['du: cannot access', undefined], ['', undefined]];
  for (const [out, want] of cases) assert.equal(parseDu(out), want, out);
});

test('diskQuota: the disk resources, without persistent volumes or MOUNT disks', () => {
  const volume: Resource = { ...disk(5), disk: { persistence: { id: 'v' } } };
  const mount: Resource = { ...disk(7), disk: { source: { type: 'MOUNT' } } };
  assert.deepEqual(diskQuota([{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, disk(1), volume, mount, disk(2)]), [disk(1), disk(2)]);
});

test('diskLimitation: Mesos message and reason when enforced and over quota only', () => {
  const cases: [number, Resource[], boolean, string | undefined][] = [
    [2049 * 1024, [disk(1)], true, 'Disk usage (2049KB) exceeds quota (1MB)'],
    [1024 * 1024, [disk(1)], true, undefined],
    [3 * 1024 * 1024, [disk(1), disk(1)], true, 'Disk usage (3MB) exceeds quota (2MB)'],
    [2049 * 1024, [disk(1)], false, undefined],
    [2049 * 1024, [], true, undefined],
  ];
  for (const [usage, quota, enforce, message] of cases) {
    const l = diskLimitation(usage, quota, enforce);
    assert.equal(l?.message, message, `${usage} / ${JSON.stringify(quota)} / ${enforce}`);
    if (l) {
      assert.equal(l.reason, 'REASON_CONTAINER_LIMITATION_DISK');
      assert.deepEqual(l.resources, quota);
    }
  }
});

/**
 * Runs a command task writing 3 MB into a sandbox of 1 MB disk; returns its terminal status and the largest sandbox
 * usage the agent measured while it ran.
 */
async function writeThreeMb(enforce: boolean): Promise<{ status: TaskStatus; maxUsage: number | undefined }> {
  const c = await new MiniCluster({
    agents: 1, resources: 'cpus:2;mem:1024;disk:100',
    agent: { isolation: 'posix/cpu,posix/mem,disk/du', enforceContainerDiskQuota: enforce, containerDiskWatchIntervalMs: 100 },
  }).start();
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'disk' } }).start();
  try {
    assert.equal(c.agents[0]!.flags().enforce_container_disk_quota, String(enforce));
    assert.equal(c.agents[0]!.flags().container_disk_watch_interval, '0.1secs');
    const events = client.events();
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    await client.call(Calls.accept([offer.id], [Operations.launch([{
      name: 'writer', task_id: { value: 'writer' }, agent_id: offer.agent_id,
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 64 } }, disk(1)],
      command: { value: 'head -c 3145728 /dev/zero > blob && sleep 2' },
    }])]));
    let containerId: string | undefined;
    let maxUsage: number | undefined;
    const poll = setInterval(() => {
      const u = containerId ? c.agents[0]!.containerDiskUsage(containerId) : undefined;
      if (u !== undefined) maxUsage = Math.max(maxUsage ?? 0, u);
    }, 50);
    try {
      const done = await nextEvent(events, (e) => e.type === 'UPDATE' && ['TASK_FINISHED', 'TASK_FAILED'].includes(e.update.status.state), 15_000,
        async (e) => {
          if (e.type !== 'UPDATE') return;
          containerId ??= e.update.status.container_status?.container_id?.value;
          await client.call(Calls.acknowledge(e.update.status));
        });
      return { status: done.type === 'UPDATE' ? done.update.status : (undefined as never), maxUsage };
    } finally {
      clearInterval(poll);
    }
  } finally {
    await client.teardown().catch(() => undefined);
    await c.stop();
  }
}

test('disk/du with enforcement: a sandbox over its disk fails the task with REASON_CONTAINER_LIMITATION_DISK', async () => {
  const { status: s } = await writeThreeMb(true);
  assert.equal(s.state, 'TASK_FAILED');
  assert.equal(s.source, 'SOURCE_AGENT');
  assert.equal(s.reason, 'REASON_CONTAINER_LIMITATION_DISK');
  assert.match(s.message ?? '', /^Disk usage \([0-9]+KB\) exceeds quota \(1MB\)$/);
  assert.deepEqual(s.limitation, { resources: [disk(1)] });
});

test('disk/du without enforcement: usage is measured only, the task finishes', async () => {
  const { status: s, maxUsage } = await writeThreeMb(false);
  assert.equal(s.state, 'TASK_FINISHED');
  // Measured all the same: the 3 MB written, over the 1 MB quota nothing enforces.
  assert.ok(maxUsage !== undefined && maxUsage >= 3 * 1024 * 1024, `measured usage ${maxUsage}`);
});

test('mini-cluster agent flags: --isolation disk/du --enforce-container-disk-quota --container-disk-watch-interval reach the agent process', async () => {
  const c = await new MiniCluster({
    agents: 1, agentProcesses: true, resources: 'cpus:1;mem:256;disk:10',
    agentArgs: ['--isolation', 'disk/du', '--enforce-container-disk-quota', '--container-disk-watch-interval', '500ms'],
  }).start();
  try {
    const { flags } = (await (await fetch(`${c.agentProcesses[0]!.url}/flags`)).json()) as { flags: Record<string, string> };
    assert.equal(flags.isolation, 'disk/du');
    assert.equal(flags.enforce_container_disk_quota, 'true');
    assert.equal(flags.container_disk_watch_interval, '0.5secs');
  } finally {
    await c.stop();
  }
});
