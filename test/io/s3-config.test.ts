/** S3 settings as S3A reads them, globs over keys, the credentials file: pure functions, tables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { s3Settings } from '../../src/io/s3Config.js';
import { parseCredentialsFile } from '../../src/io/awsCredentialsFile.js';
import { globToRegExp, literalPrefix } from '../../src/io/glob.js';
import { parsePath, splitPaths } from '../../src/io/uri.js';

const keys = { 'fs.s3a.access.key': 'AKIDCONF', 'fs.s3a.secret.key': 'conf-secret-value' };
const noFile = { HOME: '/nonexistent-home' };

test('endpoint, path style, region and sizes, with per-bucket overrides', () => {
  const s = s3Settings({ ...keys, 'fs.s3a.endpoint': 'minio.local:9000', 'fs.s3a.path.style.access': 'true', 'fs.s3a.multipart.size': '8m' }, 'b', noFile);
  assert.equal(s.endpoint, 'https://minio.local:9000');
  assert.equal(s.forcePathStyle, true);
  assert.equal(s.region, 'us-east-1');
  assert.equal(s.partSize, 8 * 1024 * 1024);
  assert.equal(s.blockSize, 32 * 1024 * 1024);
  assert.equal(s.activeBlocks, 4);
  assert.equal(s3Settings({ ...keys, 'fs.s3a.endpoint': 'h:1', 'fs.s3a.connection.ssl.enabled': 'false' }, 'b', noFile).endpoint, 'http://h:1');
  assert.equal(s3Settings({ ...keys, 'fs.s3a.endpoint': 'http://127.0.0.1:4568' }, 'b', noFile).endpoint, 'http://127.0.0.1:4568');
  assert.equal(s3Settings(keys, 'b', { ...noFile, AWS_REGION: 'eu-west-3' }).region, 'eu-west-3');
  assert.equal(s3Settings({ ...keys, 'fs.s3a.endpoint.region': 'ap-south-1' }, 'b', { ...noFile, AWS_REGION: 'eu-west-3' }).region, 'ap-south-1');
  const perBucket = { ...keys, 'fs.s3a.endpoint': 'http://a:1', 'fs.s3a.bucket.logs.endpoint': 'http://b:2', 'fs.s3a.bucket.logs.path.style.access': 'true' };
  assert.equal(s3Settings(perBucket, 'data', noFile).endpoint, 'http://a:1');
  assert.equal(s3Settings(perBucket, 'logs', noFile).endpoint, 'http://b:2');
  assert.equal(s3Settings(perBucket, 'logs', noFile).forcePathStyle, true);
  assert.throws(() => s3Settings({ ...keys, 'fs.s3a.path.style.access': 'maybe' }, 'b', noFile), /spark\.hadoop\.fs\.s3a\.path\.style\.access/);
  assert.throws(() => s3Settings({ ...keys, 'fs.s3a.multipart.size': '1m' }, 'b', noFile), /spark\.hadoop\.fs\.s3a\.multipart\.size/);
});

test('credentials: configuration, then environment, then the credentials file; errors name keys, never secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awscred-'));
  const file = join(dir, 'credentials');
  writeFileSync(file, '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n\n[profile other]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=other-secret\naws_session_token=tok\n');
  const env = { HOME: '/nonexistent-home', AWS_SHARED_CREDENTIALS_FILE: file };
  const envKeys = { AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
  assert.deepEqual(s3Settings(keys, 'b', { ...env, ...envKeys }).credentials, { accessKeyId: 'AKIDCONF', secretAccessKey: 'conf-secret-value' });
  assert.equal(s3Settings({}, 'b', { ...env, ...envKeys }).credentialsSource, 'environment');
  assert.deepEqual(s3Settings({}, 'b', env).credentials, { accessKeyId: 'AKIDFILE', secretAccessKey: 'file-secret' });
  assert.deepEqual(s3Settings({}, 'b', { ...env, AWS_PROFILE: 'other' }).credentials, { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret', sessionToken: 'tok' });
  assert.throws(() => s3Settings({ 'fs.s3a.access.key': 'AKIDCONF' }, 'b', env), (e: Error) => /spark\.hadoop\.fs\.s3a\.secret\.key is missing/.test(e.message) && !e.message.includes('AKIDCONF'));
  assert.throws(() => s3Settings({ 'fs.s3a.secret.key': 'conf-secret-value' }, 'b', env), (e: Error) => /access\.key is missing/.test(e.message) && !e.message.includes('conf-secret-value'));
  assert.throws(() => s3Settings({}, 'b', { HOME: '/nonexistent-home', AWS_PROFILE: 'nope', AWS_SHARED_CREDENTIALS_FILE: file }), /no S3 credentials for bucket 'b': set spark\.hadoop\.fs\.s3a\.access\.key .* or profile 'nope' in/);
  assert.equal(parseCredentialsFile('; comment\n[x]\naws_access_key_id=a\n', 'x'), undefined, 'a profile without a secret gives nothing');
});

test('Hadoop globs over keys, literal prefixes, path parsing and lists', () => {
  const table: [string, string, boolean][] = [
    ['in/*.gz', 'in/a.gz', true], ['in/*.gz', 'in/sub/a.gz', false], ['in/part-?', 'in/part-1', true],
    ['in/{a,b}/x', 'in/b/x', true], ['in/{a,b}/x', 'in/c/x', false], ['in/[ab]*', 'in/bz', true], ['in/[!ab]*', 'in/az', false],
    ['in/[^ab]*', 'in/cz', true], ['in/a.b', 'in/aXb', false], ['in/\\*', 'in/*', true], ['d/{x,y{1,2}}', 'd/y2', true],
  ];
  for (const [glob, key, ok] of table) assert.equal(globToRegExp(glob).test(key), ok, `${glob} ~ ${key}`);
  assert.equal(literalPrefix('data/2024-*/x'), 'data/2024-');
  assert.equal(literalPrefix('data/x'), 'data/x');
  assert.throws(() => globToRegExp('a/{b'), /unclosed '\{'/);
  assert.deepEqual(parsePath('s3://bkt/a/b'), { scheme: 's3a', authority: 'bkt', path: 'a/b' });
  assert.deepEqual(parsePath('file:///tmp/x'), { scheme: 'file', authority: '', path: '/tmp/x' });
  assert.deepEqual(parsePath('file:/tmp/x'), { scheme: 'file', authority: '', path: '/tmp/x' });
  assert.deepEqual(parsePath('https://h:8/f.txt?x=1'), { scheme: 'https', authority: 'h:8', path: '/f.txt?x=1' });
  assert.throws(() => parsePath('webhdfs://nn:9870/data'), /webhdfs:\/\/ paths are not supported \(no well-kept WebHDFS client/);
  assert.throws(() => parsePath('ftp://h/x'), /unsupported scheme 'ftp'/);
  assert.deepEqual(splitPaths('a, s3a://b/{x,y}/z ,c'), ['a', 's3a://b/{x,y}/z', 'c']);
});
