/**
 * A real S3-protocol server for tests: s3rver on loopback in a child process (test/fixtures/io/s3-server.ts, which
 * adds the AbortMultipartUpload s3rver lacks), with its own directory and buckets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './io.js';

export interface TestS3 {
  endpoint: string;
  /** `spark.hadoop.fs.s3a.*` settings reaching it (s3rver's fixed test credentials). */
  conf: Record<string, string>;
  /** The same settings as the file systems take them (without the `spark.hadoop.` prefix). */
  io: Record<string, string>;
  /** Multipart uploads started and neither completed nor aborted. */
  pendingUploads(bucket: string): string[];
  /** s3rver's directory of the pending uploads of `bucket` (one subdirectory each). */
  uploadsDir(bucket: string): string;
  stop(): Promise<void>;
}

export async function startS3(buckets: string[]): Promise<TestS3> {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/io/s3-server.ts', import.meta.url)), dir, ...buckets], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await new Promise<{ port: number; uploads: Record<string, string> }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before it was ready`)));
  });
  const endpoint = `http://127.0.0.1:${ready.port}`;
  const conf = {
    'spark.hadoop.fs.s3a.endpoint': endpoint,
    'spark.hadoop.fs.s3a.path.style.access': 'true',
    'spark.hadoop.fs.s3a.access.key': 'S3RVER',
    'spark.hadoop.fs.s3a.secret.key': 'S3RVER',
  };
  return {
    endpoint,
    conf,
    io: Object.fromEntries(Object.entries(conf).map(([k, v]) => [k.slice('spark.hadoop.'.length), v])),
    pendingUploads(bucket) {
      try {
        return readdirSync(ready.uploads[bucket]!);
      } catch {
        return [];
      }
    },
    uploadsDir: (bucket) => ready.uploads[bucket]!,
    async stop() {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
