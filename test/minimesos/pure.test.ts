import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttributesSpec, parseResourcesSpec } from '../../src/minimesos/specs.js';
import { add, contains, forRole, normalize, subtract, toV0, isAllocatable } from '../../src/minimesos/resources.js';
import { validateId, validateTask } from '../../src/minimesos/validation.js';
import { parseSchedulerCall, parseExecutorCall, isValidUuidBytes } from '../../src/minimesos/callParsing.js';
import type { Resource } from '../../src/mesos/wire/resources.js';

test('agent --resources and --attributes specs', () => {
  assert.deepEqual(parseResourcesSpec('cpus:4;mem:4096;ports:[31000-32000,33000-33001];gpus:1;cpus(prod):2;zones:{a,b}'), [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' },
    { name: 'mem', type: 'SCALAR', scalar: { value: 4096 }, role: '*' },
    { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }, { begin: 33000, end: 33001 }] }, role: '*' },
    { name: 'gpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
    { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'prod' },
    { name: 'zones', type: 'SET', set: { item: ['a', 'b'] }, role: '*' },
  ]);
  assert.deepEqual(parseAttributesSpec('os:centos7;zone:us-east-1a;rack:[1-10];level:3.5;tags:{a,b}'), [
    { name: 'os', type: 'TEXT', text: { value: 'centos7' } },
    { name: 'zone', type: 'TEXT', text: { value: 'us-east-1a' } },
    { name: 'rack', type: 'RANGES', ranges: { range: [{ begin: 1, end: 10 }] } },
    { name: 'level', type: 'SCALAR', scalar: { value: 3.5 } },
    { name: 'tags', type: 'SET', set: { item: ['a', 'b'] } },
  ]);
  for (const [bad, re] of [['cpus', /bad entry 'cpus'/], ['cpus:lots', /cpus: expected a non-negative number/], ['gpus:1.5', /gpus: expected a whole number/], ['ports:[5-1]', /ends before it begins/], ['ports:[a-b]', /bad range/]] as const) {
    assert.throws(() => parseResourcesSpec(bad), re, bad);
  }
});

const s = (name: string, value: number, role = '*'): Resource => ({ name, type: 'SCALAR', scalar: { value }, role });
const p = (ranges: [number, number][], role = '*'): Resource => ({ name: 'ports', type: 'RANGES', ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) }, role });

test('resource arithmetic keeps roles apart and splits ranges', () => {
  const pool = [s('cpus', 4), s('cpus', 2, 'prod'), s('mem', 1024), p([[31000, 31010]])];
  assert.ok(contains(pool, [s('cpus', 4), s('cpus', 2, 'prod')]));
  assert.ok(!contains(pool, [s('cpus', 5)]), 'unreserved cpus cannot borrow reserved ones');
  assert.ok(!contains(pool, [s('cpus', 1, 'dev')]));
  assert.deepEqual(subtract(pool, [s('cpus', 1.5), p([[31005, 31005]])]), [s('cpus', 2.5), s('cpus', 2, 'prod'), s('mem', 1024), p([[31000, 31004], [31006, 31010]])]);
  assert.equal(subtract(pool, [p([[30000, 30000]])]), undefined);
  assert.deepEqual(add([s('cpus', 0.1)], [s('cpus', 0.2)]), [s('cpus', 0.3)]);
  assert.deepEqual(normalize([p([[1, 2]]), p([[3, 5]]), s('cpus', 0)]), [p([[1, 5]])]);
  assert.deepEqual(forRole(pool, 'dev').map((r) => r.role), ['*', '*', '*']);
  assert.deepEqual(toV0(pool), { cpus: 6, gpus: 0, mem: 1024, disk: 0, ports: '[31000-31010]' });
  assert.ok(isAllocatable([s('cpus', 0.01)]));
  assert.ok(isAllocatable([s('mem', 32)]));
  assert.ok(!isAllocatable([s('mem', 31), s('cpus', 0.001)]));
});

test('id and task validation', () => {
  assert.equal(validateId('TaskID', 'ok-1'), undefined);
  for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\nb', 'x'.repeat(256)]) assert.ok(validateId('TaskID', bad), JSON.stringify(bad));
  const ctx = { agentId: 'A', activeTaskIds: new Set(['dup']), unreachableTaskIds: new Set(['gone']), knownExecutors: new Map(), available: [s('cpus', 1), s('mem', 100)] };
  const base = { name: 't', agent_id: { value: 'A' }, resources: [s('cpus', 1)], command: { value: 'true' } };
  assert.deepEqual(validateTask({ ...base, task_id: { value: 't' } }, ctx), [undefined, [s('cpus', 1)]]);
  assert.equal(validateTask({ ...base, task_id: { value: 'dup' } }, ctx)[0], 'Task has duplicate ID: dup');
  assert.equal(validateTask({ ...base, task_id: { value: 'gone' } }, ctx)[0], 'Task reuses the ID of an unreachable task: gone');
  assert.equal(validateTask({ ...base, task_id: { value: 't' }, agent_id: { value: 'B' } }, ctx)[0], 'Task uses invalid agent: B');
  assert.equal(validateTask({ ...base, task_id: { value: 't' }, resources: [] }, ctx)[0], 'Task uses no resources');
  assert.equal(validateTask({ ...base, task_id: { value: 't' }, resources: [s('gpus', 0.5)] }, ctx)[0], "The 'gpus' resource must be an unsigned integer");
  const exec = { executor_id: { value: 'e' }, command: { value: 'x' }, resources: [s('mem', 100)] };
  assert.deepEqual(validateTask({ name: 't', task_id: { value: 't' }, agent_id: { value: 'A' }, resources: [s('cpus', 1)], executor: exec }, ctx)[1], [s('cpus', 1), s('mem', 100)], 'a new executor needs its own resources');
  assert.match(validateTask({ name: 't', task_id: { value: 't' }, agent_id: { value: 'A' }, resources: [s('cpus', 1)], executor: { executor_id: { value: 'e' } } }, ctx)[0]!, /'ExecutorInfo.command' must be set/);
  const known = { ...ctx, knownExecutors: new Map([['e', { ...exec, command: { value: 'other' } }]]) };
  assert.match(validateTask({ name: 't', task_id: { value: 't' }, agent_id: { value: 'A' }, resources: [s('cpus', 1)], executor: exec }, known)[0]!, /not compatible/);
});

test('call parsing: stout leniencies and the validation messages', () => {
  const ok = parseSchedulerCall('{"type":"DECLINE","framework_id":{"value":"F"},"decline":{"offer_ids":[{"value":"o"}],"filters":{"refuse_seconds":"120"}},"nothing":null}');
  assert.ok(ok.ok);
  if (ok.ok && ok.call.type === 'DECLINE') assert.equal(ok.call.decline.filters?.refuse_seconds, 120);
  assert.deepEqual(parseSchedulerCall('{"type":"SUBSCRIBE","framework_id":{"value":"A"},"subscribe":{"framework_info":{"user":"u","name":"n","id":{"value":"B"}}}}'), {
    ok: false, status: 400, message: "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'",
  });
  const missing = parseSchedulerCall('{"type":"SUBSCRIBE","subscribe":{"framework_info":{"name":"n"}}}');
  assert.ok(!missing.ok && missing.message === 'Failed to convert JSON into Call protobuf: Missing required fields: subscribe.framework_info.user');
  assert.ok(isValidUuidBytes('AAECAwQFRgeICQoLDA0ODw=='));
  assert.ok(!isValidUuidBytes('AAEC'));
  const upd = (extra: string) => parseExecutorCall(`{"type":"UPDATE","framework_id":{"value":"F"},"executor_id":{"value":"E"},"update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING"${extra}}}}`);
  assert.deepEqual(upd(',"source":"SOURCE_EXECUTOR"'), { ok: false, status: 400, message: "Failed to validate Executor::Call: Expecting 'uuid' to be present" });
  assert.deepEqual(upd(',"source":"SOURCE_AGENT","uuid":"AAECAwQFRgeICQoLDA0ODw=="'), { ok: false, status: 400, message: "Failed to validate Executor::Call: Received wrong 'source'" });
  assert.ok(upd(',"source":"SOURCE_EXECUTOR","uuid":"AAECAwQFRgeICQoLDA0ODw=="').ok);
  const noExec = parseExecutorCall('{"type":"HEARTBEAT","framework_id":{"value":"F"}}');
  assert.ok(!noExec.ok && /Missing required fields: executor_id/.test(noExec.message));
});

test('ExecutorInfos are compared as messages: the same fields in another order are the same executor', async () => {
  const { sameExecutor } = await import('../../src/minimesos/validation.js');
  const a = { executor_id: { value: 'S1' }, name: 'x', source: 'spark', command: { value: 'run', environment: { variables: [{ name: 'A', value: '1' }] } }, container: { type: 'MESOS' as const } };
  const b = { container: { type: 'MESOS' as const }, command: { environment: { variables: [{ value: '1', name: 'A' }] }, value: 'run' }, source: 'spark', name: 'x', executor_id: { value: 'S1' } };
  assert.equal(sameExecutor(a, b), true);
  assert.equal(sameExecutor(a, { ...b, name: 'y' }), false);
  assert.equal(sameExecutor(a, { ...a, command: { ...a.command, environment: { variables: [{ name: 'A', value: '2' }] } } }), false);
});
