/**
 * How an S3 client is configured from `spark.hadoop.fs.s3a.*` settings (given without the `spark.hadoop.` prefix),
 * as Hadoop's S3A does: per-bucket overrides (`fs.s3a.bucket.<bucket>.<key>`), endpoint and path-style access,
 * region, and credentials from the settings, else the environment, else the shared credentials file. Errors name
 * keys, never values of secrets.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '../conf/SparkConf.js';
import {
  HADOOP_PREFIX, S3A_ACCESS_KEY, S3A_BLOCK_SIZE, S3A_CONNECTION_SSL_ENABLED, S3A_ENDPOINT, S3A_ENDPOINT_REGION, S3A_FAST_UPLOAD_ACTIVE_BLOCKS,
  S3A_MULTIPART_SIZE, S3A_PATH_STYLE_ACCESS, S3A_SECRET_KEY, S3A_SESSION_TOKEN,
} from '../conf/catalog.js';
import { IllegalArgumentException } from '../util/errors.js';
import { parseCredentialsFile, type AwsCredentials } from './awsCredentialsFile.js';

export interface S3Settings {
  endpoint?: string;
  forcePathStyle: boolean;
  region: string;
  credentials: AwsCredentials;
  /** Where the credentials came from (for messages; never the values). */
  credentialsSource: string;
  blockSize: number;
  partSize: number;
  activeBlocks: number;
}

/** The settings that apply to `bucket`: `fs.s3a.bucket.<bucket>.X` wins over `fs.s3a.X`, as in S3A. */
export function bucketConf(io: Record<string, string>, bucket: string): SparkConf {
  const conf = new SparkConf(Object.entries(io).map(([k, v]) => [HADOOP_PREFIX + k, v] as [string, string]));
  const perBucket = `fs.s3a.bucket.${bucket}.`;
  for (const [k, v] of Object.entries(io)) if (k.startsWith(perBucket)) conf.set(`${HADOOP_PREFIX}fs.s3a.${k.slice(perBucket.length)}`, v);
  return conf;
}

export function s3Settings(io: Record<string, string>, bucket: string, env: NodeJS.ProcessEnv = process.env): S3Settings {
  const conf = bucketConf(io, bucket);
  const ssl = conf.get(S3A_CONNECTION_SSL_ENABLED);
  let endpoint = conf.get(S3A_ENDPOINT)?.trim();
  if (endpoint) {
    if (!/^[a-z]+:\/\//i.test(endpoint)) endpoint = `${ssl ? 'https' : 'http'}://${endpoint}`;
    try {
      new URL(endpoint);
    } catch {
      throw new IllegalArgumentException(`${S3A_ENDPOINT.key} should be a URL or host[:port], but was '${endpoint}'`);
    }
  }
  const { credentials, source } = resolveCredentials(conf, bucket, env);
  return {
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: conf.get(S3A_PATH_STYLE_ACCESS),
    region: conf.get(S3A_ENDPOINT_REGION) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials,
    credentialsSource: source,
    blockSize: conf.get(S3A_BLOCK_SIZE),
    partSize: conf.get(S3A_MULTIPART_SIZE),
    activeBlocks: conf.get(S3A_FAST_UPLOAD_ACTIVE_BLOCKS),
  };
}

function resolveCredentials(conf: SparkConf, bucket: string, env: NodeJS.ProcessEnv): { credentials: AwsCredentials; source: string } {
  const id = conf.get(S3A_ACCESS_KEY);
  const secret = conf.get(S3A_SECRET_KEY);
  const token = conf.get(S3A_SESSION_TOKEN);
  if (id !== undefined || secret !== undefined) {
    if (!id || !secret) throw new IllegalArgumentException(`S3 credentials for bucket '${bucket}': ${id ? S3A_SECRET_KEY.key : S3A_ACCESS_KEY.key} is missing (set both or neither)`);
    return { credentials: { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) }, source: 'configuration' };
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const t = env.AWS_SESSION_TOKEN;
    return { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(t ? { sessionToken: t } : {}) }, source: 'environment' };
  }
  const file = env.AWS_SHARED_CREDENTIALS_FILE ?? join(env.HOME ?? homedir(), '.aws', 'credentials');
  const profile = env.AWS_PROFILE ?? 'default';
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  const fromFile = text === undefined ? undefined : parseCredentialsFile(text, profile);
  if (fromFile) return { credentials: fromFile, source: `credentials file ${file} [${profile}]` };
  throw new IllegalArgumentException(
    `no S3 credentials for bucket '${bucket}': set ${S3A_ACCESS_KEY.key} and ${S3A_SECRET_KEY.key}, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or profile '${profile}' in ${file}${text === undefined ? ' (not readable)' : ''}`,
  );
}
