import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubSecrets } from '../../src/minimesos/scrubSecrets.js';
import { base64Fragments, secretForms } from '../helpers/secrets.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('state JSON loses every secret value and keeps what a secret is', () => {
  const cases: [string, unknown, unknown][] = [
    ['VALUE secret in an environment variable',
      { name: 'PW', type: 'SECRET', secret: { type: 'VALUE', value: { data: b64('pw') } } },
      { name: 'PW', type: 'SECRET', secret: { type: 'VALUE' } }],
    ['REFERENCE secret keeps its name',
      { name: 'PW', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/db/pass', key: 'k' } } },
      { name: 'PW', type: 'SECRET', secret: { type: 'REFERENCE', reference: { name: '/db/pass', key: 'k' } } }],
    ['a SECRET variable with a stray plain value',
      { name: 'PW', type: 'SECRET', value: 'pw', secret: { type: 'VALUE', value: { data: b64('pw') } } },
      { name: 'PW', type: 'SECRET', secret: { type: 'VALUE' } }],
    ['plain variables stay',
      { name: 'A', type: 'VALUE', value: 'shown' },
      { name: 'A', type: 'VALUE', value: 'shown' }],
    ['file secret in a volume',
      { volumes: [{ container_path: 'f', mode: 'RO', source: { type: 'SECRET', secret: { type: 'VALUE', value: { data: b64('pw') } } } }] },
      { volumes: [{ container_path: 'f', mode: 'RO', source: { type: 'SECRET', secret: { type: 'VALUE' } } }] }],
    ['image pull secret',
      { mesos: { image: { type: 'DOCKER', docker: { name: 'img', config: { type: 'VALUE', value: { data: b64('{}') } } } } } },
      { mesos: { image: { type: 'DOCKER', docker: { name: 'img', config: { type: 'VALUE' } } } } }],
    ['a secret without a type', { secret: { value: { data: b64('pw') } } }, { secret: {} }],
    ['labels, scalars and text are not secrets',
      { labels: [{ key: 'k', value: 'v' }], scalar: { value: 2 }, text: { value: 't' }, data: 'task-data' },
      { labels: [{ key: 'k', value: 'v' }], scalar: { value: 2 }, text: { value: 't' }, data: 'task-data' }],
    ['non-objects', [1, 'two', null, true], [1, 'two', null, true]],
  ];
  for (const [what, input, want] of cases) assert.deepEqual(scrubSecrets(input), want, what);
  const input = { a: { secret: { type: 'VALUE', value: { data: 'x' } } } };
  scrubSecrets(input);
  assert.deepEqual(input, { a: { secret: { type: 'VALUE', value: { data: 'x' } } } }, 'the input is not changed');
});

test('the forms a secret is looked for in: plain, JSON-escaped, base64 at any alignment', () => {
  const secret = 'ab"c\\defgh';
  const forms = secretForms(secret);
  assert.ok(forms.includes(secret) && forms.includes('ab\\"c\\\\defgh'));
  for (const prefix of ['', 'x', 'xy', 'xyz{"k":"']) {
    const blob = b64(`${prefix}${secret}"}`);
    assert.ok(base64Fragments(secret).some((f) => blob.includes(f)), `found inside base64 of '${prefix}…'`);
  }
  assert.ok(forms.some((f) => b64(JSON.stringify({ k: secret })).includes(f)), 'found inside base64 of JSON holding it');
});
