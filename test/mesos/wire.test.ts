import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mesos } from '../../src/index.js';

const { decode, decodeJson, SchedulerEvent, ExecutorEvent, SchedulerCall, MesosDecodeError } = mesos;

// Literal events in the shapes the Mesos master emits (see the reference's scheduler API section).
const OFFERS = `{"type":"OFFERS","offers":{"offers":[{
  "id":{"value":"M-O12"},"framework_id":{"value":"F-0000"},"agent_id":{"value":"M-S3"},"hostname":"agent3.example",
  "url":{"scheme":"http","address":{"hostname":"agent3.example","ip":"10.0.0.13","port":5051},"path":"/slave(1)"},
  "resources":[
    {"name":"cpus","type":"SCALAR","scalar":{"value":4.0},"role":"*"},
    {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]},"role":"*"}],
  "attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}}],
  "unavailability":{"start":{"nanoseconds":1700000000000000000}}}]}}`;

test('decodes the scheduler events as the master emits them', () => {
  const e = decodeJson(SchedulerEvent, OFFERS, 'scheduler event');
  assert.equal(e.type, 'OFFERS');
  if (e.type !== 'OFFERS') return;
  const o = e.offers.offers![0]!;
  assert.equal(o.id.value, 'M-O12');
  assert.equal(o.resources![1]!.ranges!.range![0]!.end, 32000);
  assert.equal(o.attributes![0]!.text!.value, 'r1');
  assert.equal(o.url?.path, '/slave(1)');

  const sub = decodeJson(SchedulerEvent, '{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"F-1"},"heartbeat_interval_seconds":15.0,"master_info":{"id":"m","ip":16777226,"port":5050,"hostname":"master1","address":{"hostname":"master1","ip":"10.0.0.1","port":5050}}}}', 'e');
  assert.ok(sub.type === 'SUBSCRIBED' && sub.subscribed.heartbeat_interval_seconds === 15);
  const upd = decodeJson(SchedulerEvent, '{"type":"UPDATE","update":{"status":{"task_id":{"value":"job-42"},"state":"TASK_FINISHED","source":"SOURCE_EXECUTOR","message":"Command exited with status 0","agent_id":{"value":"M-S3"},"timestamp":1718000060.5,"uuid":"AAECAwQFRgeICQoLDA0ODw==","future_field":1}}}', 'e');
  assert.ok(upd.type === 'UPDATE' && upd.update.status.state === 'TASK_FINISHED');
  assert.equal('future_field' in (upd as { update: { status: object } }).update.status, false, 'unknown fields are dropped, as Mesos does');
  for (const raw of ['{"type":"HEARTBEAT"}', '{"type":"ERROR","error":{"message":"Framework has been removed"}}', '{"type":"RESCIND","rescind":{"offer_id":{"value":"M-O12"}}}', '{"type":"FAILURE","failure":{"agent_id":{"value":"M-S3"},"executor_id":{"value":"e"},"status":256}}', '{"type":"MESSAGE","message":{"agent_id":{"value":"a"},"executor_id":{"value":"e"},"data":"cGluZw=="}}']) {
    assert.doesNotThrow(() => decodeJson(SchedulerEvent, raw, 'e'), raw);
  }
});

test('decodes executor events', () => {
  const e = decodeJson(ExecutorEvent, '{"type":"LAUNCH","launch":{"task":{"name":"job-42","task_id":{"value":"job-42"},"agent_id":{"value":"M-S3"},"resources":[],"data":"eyJ3b3JrIjoxfQ=="}}}', 'executor event');
  assert.ok(e.type === 'LAUNCH' && e.launch.task.data === 'eyJ3b3JrIjoxfQ==');
  const s = decodeJson(ExecutorEvent, '{"type":"SUBSCRIBED","subscribed":{"executor_info":{"executor_id":{"value":"exec-7"},"command":{"shell":true,"value":"./x"}},"framework_info":{"id":{"value":"F"},"user":"u","name":"n","failover_timeout":0.0,"checkpoint":false},"agent_info":{"hostname":"agent3","port":5051,"id":{"value":"S"}},"container_id":{"value":"c"}}}', 'e');
  assert.ok(s.type === 'SUBSCRIBED' && s.subscribed.agent_info.hostname === 'agent3');
});

test('malformed messages are rejected with the path of the bad field', () => {
  const cases: [string, RegExp][] = [
    ['{"type":"OFFERS","offers":[]}', /Malformed scheduler event: offers: /],
    ['{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o"},"framework_id":{"value":"f"},"agent_id":{"value":"a"}}]}}', /offers\.offers\[0\]\.hostname/],
    ['{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"state":"TASK_NAPPING"}}}', /update\.status\.state/],
    ['{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","uuid":"not base64!"}}}', /update\.status\.uuid: expected base64 text/],
    ['{"type":"NOPE"}', /type/],
    ['[1,2]', /Malformed scheduler event/],
    ['{"type":', /not JSON/],
    ['{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o"},"framework_id":{"value":"f"},"agent_id":{"value":"a"},"hostname":"h","resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":"four"}}]}]}}', /resources\[0\]\.scalar\.value/],
  ];
  for (const [raw, re] of cases) {
    assert.throws(() => decodeJson(SchedulerEvent, raw, 'scheduler event'), (e: Error) => e instanceof MesosDecodeError && re.test(e.message), raw);
  }
});

test('non-finite doubles written by Mesos as bare tokens do not break decoding', () => {
  const raw = '{"type":"LAUNCH","launch":{"task":{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"a"},"limits":{"cpus":{"value":Infinity}}}}}';
  const e = decodeJson(ExecutorEvent, raw, 'executor event');
  assert.ok(e.type === 'LAUNCH');
});

test('calls validate too (used by the simulator and for outgoing checks)', () => {
  const ok = decode(SchedulerCall, { type: 'DECLINE', framework_id: { value: 'F' }, decline: { offer_ids: [{ value: 'O' }], filters: { refuse_seconds: 120 } } }, 'call');
  assert.equal(ok.type, 'DECLINE');
  assert.throws(() => decode(SchedulerCall, { type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' } } }, 'call'), /acknowledge\.uuid/);
});
