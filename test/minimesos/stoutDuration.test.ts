import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stoutDuration } from '../../src/minimesos/stoutDuration.js';

test('stoutDuration: the largest unit reached, as Mesos writes durations in flags and messages', () => {
  const cases: [number, string][] = [
    [60_000, '1mins'],
    [2000, '2secs'],
    [1500, '1.5secs'],
    [90_000, '1.5mins'],
    [250, '250ms'],
    [15 * 60_000, '15mins'],
    [3600_000, '1hrs'],
    [7 * 24 * 3600_000, '1weeks'],
    [0.5, '500us'],
    [0, '0ns'],
  ];
  for (const [ms, want] of cases) assert.equal(stoutDuration(ms), want, String(ms));
});
