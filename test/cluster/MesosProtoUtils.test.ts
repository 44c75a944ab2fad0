import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MesosProtoUtils } from '../../src/index.js';

test('mesosLabels: every grammar form', () => {
  const cases: [string, [string, string][]][] = [
    ['', []],
    ['key:value', [['key', 'value']]],
    ['key:value,key2:value2', [['key', 'value'], ['key2', 'value2']]],
    ['key:value\\:value', [['key', 'value:value']]],
    ['key:value\\,value', [['key', 'value,value']]],
    ['k\\:1:v\\,1,k2:v2', [['k:1', 'v,1'], ['k2', 'v2']]],
    ['k:', [['k', '']]],
    [':v', [['', 'v']]],
    ['a:b,a:b', [['a', 'b'], ['a', 'b']]],
    ['path:C\\\\x', [['path', 'C\\\\x']]],
  ];
  for (const [input, want] of cases) {
    assert.deepEqual(MesosProtoUtils.mesosLabels(input), { labels: want.map(([key, value]) => ({ key, value })) }, input);
  }
});

test('mesosLabels: malformed labels name the piece', () => {
  const cases: [string, string][] = [
    ['a:b:c', 'Malformed label: a:b:c'],
    ['k:v,', 'Malformed label: '],
    ['a', 'Malformed label: a'],
    ['k:v,bad', 'Malformed label: bad'],
    [',k:v', 'Malformed label: '],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => MesosProtoUtils.mesosLabels(input), (e: Error) => e.name === 'SparkException' && e.message === message, input);
  }
});
