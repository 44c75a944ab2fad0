/**
 * The driver's side of a job writing to S3: refuses an existing output prefix, and otherwise removes what a job
 * whose driver died there left (its pending uploads to part names, its records under `_temporary/`); at job commit
 * completes the multipart upload of the one attempt per partition whose result the driver accepted (the first to
 * finish), aborts the uploads every other attempt recorded under `_temporary/<job>/`, then writes `_SUCCESS` and
 * removes the records.
 * Until an upload is completed no object exists under its final name, so readers never see partial output.
 */
import { SparkException } from '../util/errors.js';
import type { S3FileSystem } from './S3FileSystem.js';
import { keyIn } from './S3TaskOutput.js';
import { SUCCESS, TEMP_DIR, newJobId, type JobCommitter, type TaskCommitMessage } from './commitProtocol.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('S3JobCommitter');

/** Runs `f` over `items`, `n` at a time. */
async function forEachLimited<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await f(items[i++]!);
  }));
}

export class S3JobCommitter implements JobCommitter {
  private jobId: string | undefined;

  constructor(
    private readonly fs: S3FileSystem,
    /** The output "directory": a key prefix without its trailing slash ('' for the bucket's root). */
    private readonly dirKey: string,
    private readonly uri: string,
  ) {}

  private get prefix(): string {
    return this.dirKey === '' ? '' : `${this.dirKey}/`;
  }

  private get recordsPrefix(): string {
    if (!this.jobId) throw new Error('setupJob() was not called');
    return keyIn(this.dirKey, `${TEMP_DIR}/${this.jobId}/`);
  }

  async setupJob(): Promise<string> {
    const temp = `${this.prefix}${TEMP_DIR}/`;
    const { keys, prefixes } = await this.fs.listTop(this.prefix);
    // Only a dead job's temporary area may be there: anything else is someone's output.
    if (keys.length > 0 || prefixes.some((p) => p !== temp) || (this.dirKey !== '' && (await this.fs.head(this.dirKey)))) {
      throw new SparkException(`Output directory ${this.uri} already exists`);
    }
    await this.removeLeftovers(temp);
    this.jobId = newJobId();
    return this.jobId;
  }

  /**
   * What a job whose driver died left: its attempts' uploads to the output's part names (recorded under
   * `_temporary/` or not) and the records. The output holds no object, so every such upload is a leftover.
   */
  private async removeLeftovers(temp: string): Promise<void> {
    const records = await this.fs.listKeys(temp);
    const uploads = new Map<string, string>();
    for (const r of await this.recordsIn(records.map((o) => o.key))) uploads.set(r.uploadId, r.key);
    try {
      // Direct children only: for an output at the bucket's root, uploads deeper down belong to other outputs.
      for (const u of await this.fs.listUploads(this.prefix)) if (!u.key.slice(this.prefix.length).includes('/')) uploads.set(u.uploadId, u.key);
    } catch (err) {
      log.warn({ output: this.uri, err: (err as Error).message }, 'could not list pending uploads; aborting the recorded ones only');
    }
    await forEachLimited([...uploads], 8, ([uploadId, key]) => this.abortQuietly(key, uploadId));
    await this.fs.deleteKeys(records.map((o) => o.key));
    if (uploads.size > 0 || records.length > 0) log.info({ output: this.uri, aborted: uploads.size, records: records.length }, 'removed what an earlier job left');
  }

  /** The uploads this job's attempts recorded. */
  private async recordedUploads(): Promise<{ record: string; key: string; uploadId: string }[]> {
    return this.recordsIn((await this.fs.listKeys(this.recordsPrefix)).map((o) => o.key));
  }

  /** The uploads record objects name; an object that is not a record (not ours) is skipped. */
  private async recordsIn(keys: string[]): Promise<{ record: string; key: string; uploadId: string }[]> {
    const out: { record: string; key: string; uploadId: string }[] = [];
    await forEachLimited(keys, 16, async (record) => {
      const text = await this.fs.getText(record);
      let r: { key?: unknown; uploadId?: unknown };
      try {
        r = JSON.parse(text) as typeof r;
      } catch {
        return;
      }
      if (typeof r.key === 'string' && typeof r.uploadId === 'string') out.push({ record, key: r.key, uploadId: r.uploadId });
    });
    return out;
  }

  async commitJob(messages: TaskCommitMessage[]): Promise<void> {
    const chosen = new Set<string>();
    await forEachLimited(messages, 8, async (m) => {
      if (!m.upload) throw new SparkException(`partition ${m.partition} reported no S3 upload to commit`);
      chosen.add(m.upload.uploadId);
      await this.fs.completeUpload(m.upload.key, m.upload.uploadId, m.upload.parts);
    });
    const records = await this.recordedUploads();
    // An upload that cannot be aborted is invisible all the same: warn, and let a bucket lifecycle rule collect it.
    await forEachLimited(records.filter((r) => !chosen.has(r.uploadId)), 8, (r) => this.abortQuietly(r.key, r.uploadId));
    await this.fs.put(keyIn(this.dirKey, SUCCESS), '');
    await this.fs.deleteKeys(records.map((r) => r.record));
    log.info({ output: this.uri, parts: messages.length, aborted: records.length - chosen.size }, 'job output committed');
  }

  private async abortQuietly(key: string, uploadId: string): Promise<void> {
    await this.fs.abortUpload(key, uploadId).catch((err: Error) => log.warn({ output: this.uri, key, err: err.message }, 'could not abort an uncommitted upload'));
  }

  async abortJob(): Promise<void> {
    if (!this.jobId) return;
    for (const r of await this.recordedUploads()) await this.abortQuietly(r.key, r.uploadId);
    // The output did not exist before this job: remove all of it.
    await this.fs.deleteKeys((await this.fs.listKeys(this.prefix)).map((o) => o.key));
  }
}
