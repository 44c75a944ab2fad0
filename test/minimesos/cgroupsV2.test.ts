import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupV2Controls, cpuWeightFromShares, oomKillsV2, parseCgroupV2Support, parseMemoryMax } from '../../src/minimesos/agent/cgroupsV2.js';

test('cgroups v2 files: memory.max = the v1 hard limit, cpu.weight from cpu.shares (OCI conversion), cpu.max = quota and period', () => {
  const cases: [{ cpus: number; memMb: number }, boolean, Record<string, string>][] = [
    // Mesos' worked example: command task 0.5 cpus / 128 MB → container 0.6 cpus / 160 MB.
    [{ cpus: 0.6, memMb: 160 }, false, { 'memory.max': '167772160', 'cpu.weight': '24', 'cpu.max': 'max 100000' }],
    [{ cpus: 0.6, memMb: 160 }, true, { 'memory.max': '167772160', 'cpu.weight': '24', 'cpu.max': '60000 100000' }],
    [{ cpus: 1, memMb: 1024 }, true, { 'memory.max': '1073741824', 'cpu.weight': '39', 'cpu.max': '100000 100000' }],
    [{ cpus: 4, memMb: 928 }, false, { 'memory.max': '973078528', 'cpu.weight': '157', 'cpu.max': 'max 100000' }],
    // Floors: 32 MB of memory, 2 shares (weight 1), 1 ms of quota.
    [{ cpus: 0.001, memMb: 1 }, true, { 'memory.max': '33554432', 'cpu.weight': '1', 'cpu.max': '1000 100000' }],
  ];
  for (const [c, cfs, want] of cases) assert.deepEqual(cgroupV2Controls(c, cfs), want, `${JSON.stringify(c)} cfs=${cfs}`);
});

test('cpuWeightFromShares: v1 2…262144 onto v2 1…10000, clamped', () => {
  const cases: [number, number][] = [[2, 1], [614, 24], [1024, 39], [4096, 157], [262144, 10000], [1_000_000, 10000], [0, 1]];
  for (const [shares, weight] of cases) assert.equal(cpuWeightFromShares(shares), weight, String(shares));
});

test('memory.events oom_kill count and memory.max parsing', () => {
  assert.equal(oomKillsV2('low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n'), 1);
  assert.equal(oomKillsV2('low 0\noom 0\n'), 0);
  assert.equal(oomKillsV2(undefined), 0);
  assert.equal(parseMemoryMax('167772160\n'), 167772160);
  assert.equal(parseMemoryMax('max\n'), undefined);
  assert.equal(parseMemoryMax(undefined), undefined);
});

test('parseCgroupV2Support: the cgroup2 mount with memory and cpu controllers, or why not', () => {
  const v2 = 'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\nproc /proc proc rw 0 0\n';
  const v1 = 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n';
  assert.deepEqual(parseCgroupV2Support(v2, () => 'cpuset cpu io memory pids\n'), { available: true, root: '/sys/fs/cgroup' });
  assert.deepEqual(parseCgroupV2Support(v2, () => 'cpuset io pids\n'),
    { available: false, reason: 'the cgroups v2 hierarchy at /sys/fs/cgroup lacks the memory and cpu controllers' });
  assert.deepEqual(parseCgroupV2Support(v2, () => 'memory pids'), { available: false, reason: 'the cgroups v2 hierarchy at /sys/fs/cgroup lacks the cpu controller' });
  assert.deepEqual(parseCgroupV2Support(v2, () => undefined), { available: false, reason: 'cannot read /sys/fs/cgroup/cgroup.controllers' });
  assert.deepEqual(parseCgroupV2Support(v1, () => 'memory cpu'), { available: false, reason: 'no cgroups v2 hierarchy is mounted' });
  // Hybrid layout: the unified hierarchy has no controllers (they stay with v1).
  assert.deepEqual(parseCgroupV2Support(`${v1}cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n`, () => ''),
    { available: false, reason: 'the cgroups v2 hierarchy at /sys/fs/cgroup/unified lacks the memory and cpu controllers' });
});
