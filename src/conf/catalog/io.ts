/**
 * Input and output keys: Hadoop-style `spark.hadoop.fs.s3a.*` settings of the S3 store.
 * The catalog's `Input and output` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';


/** Spark hands `spark.hadoop.X` to Hadoop as `X`; our stores read them the same way (`src/io/ioSettings.ts`). */
export const HADOOP_PREFIX = 'spark.hadoop.';
export const S3A_ENDPOINT = entry({ key: 'spark.hadoop.fs.s3a.endpoint', type: 'string', category: 'Input and output', defaultDoc: 'AWS for the region',
  doc: 'S3 endpoint for `s3a://` and `s3://` paths: a URL (`http://127.0.0.1:9000`) or a host name (then `https` unless `spark.hadoop.fs.s3a.connection.ssl.enabled=false`).' });
export const S3A_ENDPOINT_REGION = entry({ key: 'spark.hadoop.fs.s3a.endpoint.region', type: 'string', category: 'Input and output', defaultDoc: 'env `AWS_REGION`, else `us-east-1`',
  doc: 'Region requests are signed for.' });
export const S3A_PATH_STYLE_ACCESS = entry({ key: 'spark.hadoop.fs.s3a.path.style.access', type: 'boolean', default: 'false', category: 'Input and output',
  doc: 'Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key` (needed by most S3-compatible servers).' });
export const S3A_CONNECTION_SSL_ENABLED = entry({ key: 'spark.hadoop.fs.s3a.connection.ssl.enabled', type: 'boolean', default: 'true', category: 'Input and output',
  doc: 'Use https for an endpoint given without a scheme.' });
export const S3A_ACCESS_KEY = entry({ key: 'spark.hadoop.fs.s3a.access.key', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_ACCESS_KEY_ID`, else the credentials file',
  doc: 'S3 access key id. With neither this nor the environment, the profile `AWS_PROFILE` (default `default`) of the credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`) is used, on the driver and on each executor.' });
export const S3A_SECRET_KEY = entry({ key: 'spark.hadoop.fs.s3a.secret.key', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_SECRET_ACCESS_KEY`, else the credentials file',
  doc: 'S3 secret access key; never logged or shown in errors.' });
export const S3A_SESSION_TOKEN = entry({ key: 'spark.hadoop.fs.s3a.session.token', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_SESSION_TOKEN`',
  doc: 'Session token of temporary credentials.' });
export const S3A_BLOCK_SIZE = entry({ key: 'spark.hadoop.fs.s3a.block.size', type: 'bytes', unit: 'b', default: '32m', min: 1024 * 1024, category: 'Input and output',
  doc: 'Largest input split of an S3 object (S3 has no blocks; Hadoop reports this size for splitting).' });
export const S3A_MULTIPART_SIZE = entry({ key: 'spark.hadoop.fs.s3a.multipart.size', type: 'bytes', unit: 'b', default: '64m', min: 5 * 1024 * 1024, category: 'Input and output',
  doc: 'Part size of the multipart uploads task output is written with (S3\'s minimum is 5m).' });
export const S3A_FAST_UPLOAD_ACTIVE_BLOCKS = entry({ key: 'spark.hadoop.fs.s3a.fast.upload.active.blocks', type: 'int', default: '4', min: 1, category: 'Input and output',
  doc: 'Parts of one task\'s output uploaded at the same time.' });
