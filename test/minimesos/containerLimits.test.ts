import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupLimits, containerResources, formatBytes, memoryLimitMessage, parseIsolation } from '../../src/minimesos/agent/containerLimits.js';
import type { Resource } from '../../src/mesos/wire/resources.js';

const r = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } });

test('container resources: executor + tasks, plus cpus 0.1 / mem 32 for a command task (Mesos worked example)', () => {
  const cases: [string, Resource[][], boolean, { cpus: number; memMb: number }][] = [
    ['command task 0.5 cpus, 128 MB', [[r('cpus', 0.5), r('mem', 128)]], true, { cpus: 0.6, memMb: 160 }],
    ['custom executor + two tasks', [[r('cpus', 0.1), r('mem', 32)], [r('cpus', 1), r('mem', 512)], [r('cpus', 1), r('mem', 512)]], false, { cpus: 2.1, memMb: 1056 }],
    ['Spark executor of 512m (896 MiB task)', [[r('cpus', 1), r('mem', 896)]], true, { cpus: 1.1, memMb: 928 }],
    ['no resources at all', [[]], true, { cpus: 0.1, memMb: 32 }],
  ];
  for (const [why, parts, command, want] of cases) assert.deepEqual(containerResources(parts, command), want, why);
});

test('cgroup values: memory limit = mem (≥ 32 MB), cpu.shares = 1024 × cpus (≥ 2), CFS quota only when enabled', () => {
  assert.deepEqual(cgroupLimits({ cpus: 0.6, memMb: 160 }, false), { memoryBytes: 167772160, cpuShares: 614, cfsQuotaUs: undefined });
  assert.deepEqual(cgroupLimits({ cpus: 0.6, memMb: 160 }, true), { memoryBytes: 167772160, cpuShares: 614, cfsQuotaUs: 60000 });
  assert.deepEqual(cgroupLimits({ cpus: 0.001, memMb: 1 }, true), { memoryBytes: 32 * 1024 * 1024, cpuShares: 2, cfsQuotaUs: 1000 });
  assert.deepEqual(cgroupLimits({ cpus: 4, memMb: 928 }, false), { memoryBytes: 973078528, cpuShares: 4096, cfsQuotaUs: undefined });
});

test('sizes print as stout does, and the OOM message has Mesos\' shape', () => {
  for (const [n, s] of [[167772160, '160MB'], [167776256, '163844KB'], [4097, '4097B'], [0, '0B'], [1024 ** 3, '1GB'], [2 * 1024 ** 4, '2TB']] as const) {
    assert.equal(formatBytes(n), s);
  }
  assert.equal(memoryLimitMessage(167772160, 167772160, 'cache 0\nrss 167641088\n'),
    'Memory limit exceeded: Requested: 160MB Maximum Used: 160MB\n\nMEMORY STATISTICS: \ncache 0\nrss 167641088\n');
  assert.equal(memoryLimitMessage(undefined, undefined, undefined), 'Memory limit exceeded: ');
});

test('--isolation: Mesos names and aliases; an unknown isolator is an error naming it', () => {
  assert.deepEqual([...parseIsolation('cgroups')], ['cgroups/cpu', 'cgroups/mem']);
  assert.deepEqual([...parseIsolation('posix/cpu,posix/mem')], ['posix/cpu', 'posix/mem']);
  assert.deepEqual([...parseIsolation('cgroups/mem, posix/disk')], ['cgroups/mem', 'disk/du']);
  assert.throws(() => parseIsolation('cgroups/mem,gpu/nvidia'), /--isolation: unknown isolator 'gpu\/nvidia'/);
});
