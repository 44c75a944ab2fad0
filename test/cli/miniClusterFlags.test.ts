/** mini-cluster's master flags reach the master as its options, in-process and as a master process's arguments. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { agentArgs, agentOptions, miniClusterCommand, masterTimingArgs, masterTimings } from '../../src/cli/miniCluster.js';

test('mini-cluster: health-check and registry flags, parsed, as master options and as a master process\'s arguments', () => {
  // [flags, the master's options]
  const cases: [string[], Record<string, number>][] = [
    [[], {}],
    [['--agent-ping-timeout', '2s', '--max-agent-ping-timeouts', '3'], { agentPingTimeoutMs: 2000, maxAgentPingTimeouts: 3 }],
    [['--agent-reregister-timeout', '90s'], { agentReregisterTimeoutMs: 90_000 }],
    [['--registry-max-agent-age', '14d', '--registry-max-agent-count', '0', '--registry-gc-interval', '15min'],
      { registryMaxAgentAgeMs: 14 * 24 * 3600_000, registryMaxAgentCount: 0, registryGcIntervalMs: 900_000 }],
    [['--max-completed-tasks-per-framework', '5', '--max-unreachable-tasks-per-framework', '0'], { maxCompletedTasksPerFramework: 5, maxUnreachableTasksPerFramework: 0 }],
  ];
  for (const [flags, options] of cases) {
    const parsed = parse(flags);
    assert.deepEqual(masterTimings(parsed), options, flags.join(' '));
    // Passed on to a master process, the flags give the same options again.
    assert.deepEqual(masterTimings(parse(masterTimingArgs(parsed))), options, `again: ${flags.join(' ')}`);
  }
  assert.throws(() => parse(['--registry-gc-interval', '0s']), /--registry-gc-interval should be a positive duration/);
  assert.throws(() => parse(['--registry-max-agent-count', '-1']), /--registry-max-agent-count should be a whole number/);
  assert.throws(() => parse(['--max-unreachable-tasks-per-framework', 'many']), /--max-unreachable-tasks-per-framework should be a whole number/);
});

test('mini-cluster: agent flags, parsed, as agent options and as an agent process\'s arguments', () => {
  // [flags, the agent's options]
  const cases: [string[], Record<string, unknown>][] = [
    [[], {}],
    [['--isolation', 'cgroups/cpu,cgroups/mem', '--cgroups-enable-cfs'], { isolation: 'cgroups/cpu,cgroups/mem', cgroupsEnableCfs: true }],
    [['--isolation', 'disk/du', '--enforce-container-disk-quota', '--container-disk-watch-interval', '2s'],
      { isolation: 'disk/du', enforceContainerDiskQuota: true, containerDiskWatchIntervalMs: 2000 }],
    [['--max-completed-executors-per-framework', '3'], { maxCompletedExecutorsPerFramework: 3 }],
  ];
  for (const [flags, options] of cases) {
    const parsed = parse(flags);
    assert.deepEqual(agentOptions(parsed), options, flags.join(' '));
    assert.deepEqual(agentOptions(parse(agentArgs(parsed))), options, `again: ${flags.join(' ')}`);
  }
  assert.throws(() => parse(['--max-completed-executors-per-framework', '-2']), /--max-completed-executors-per-framework should be a whole number/);
});

function parse(flags: string[]): Record<string, unknown> {
  const cmd = miniClusterCommand();
  let opts: Record<string, unknown> = {};
  cmd.exitOverride().configureOutput({ writeErr: () => undefined }).action((o: Record<string, unknown>) => {
    opts = o;
  });
  for (const c of cmd.commands as Command[]) c.exitOverride();
  try {
    cmd.parse(flags, { from: 'user' });
  } catch (err) {
    throw new Error((err as Error).message);
  }
  return opts;
}
