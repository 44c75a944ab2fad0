/**
 * `s3a://` (and `s3://`) paths through the AWS SDK's S3 client: listing by prefix (a key, a "directory" of keys, or
 * a glob) and ranged reads, plus the object operations the committer uses. Clients are cached per configuration.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectsCommand, GetObjectCommand,
  HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { FileStatus, FileSystem } from './FileSystem.js';
import { s3Settings, type S3Settings } from './s3Config.js';
import { globToRegExp, literalPrefix } from './glob.js';
import { baseName, hasGlob, isHidden, parsePath } from './uri.js';

const clients = new Map<string, S3Client>();

export interface ObjectInfo {
  key: string;
  size: number;
}

export class S3FileSystem implements FileSystem {
  private constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly settings: S3Settings,
  ) {}

  /** The file system of `bucket` with `io` settings (`fs.s3a.*`, prefix removed). */
  static forBucket(bucket: string, io: Record<string, string>): S3FileSystem {
    const s = s3Settings(io, bucket);
    // The cache key is a digest: settings include secrets, which stay out of any printable string.
    const id = createHash('sha256').update(JSON.stringify([s.endpoint, s.forcePathStyle, s.region, s.credentials])).digest('hex');
    let client = clients.get(id);
    if (!client) {
      // The SDK warns on Node 20 about its releases after January 2027; package-lock.json pins the one we test.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      client = new S3Client({
        ...(s.endpoint ? { endpoint: s.endpoint } : {}),
        forcePathStyle: s.forcePathStyle,
        region: s.region,
        credentials: s.credentials,
        // Checksums only where S3 requires them: S3-compatible servers often reject the newer trailing checksums.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 5,
      });
      clients.set(id, client);
    }
    return new S3FileSystem(client, bucket, s);
  }

  private uri(key: string): string {
    return `s3a://${this.bucket}/${key}`;
  }

  /** Every object under `prefix` (no delimiter: the whole tree), in key order. */
  async listKeys(prefix: string, delimiter?: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const r = await this.call(`list ${this.uri(prefix)}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of r.Contents ?? []) if (o.Key !== undefined) out.push({ key: o.Key, size: o.Size ?? 0 });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** The objects and the "subdirectories" (common prefixes, with their trailing `/`) directly under `prefix`. */
  async listTop(prefix: string): Promise<{ keys: string[]; prefixes: string[] }> {
    const keys: string[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.call(`list ${this.uri(prefix)}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of r.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      for (const p of r.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return { keys, prefixes };
  }

  /** Multipart uploads started under `prefix` and neither completed nor aborted. */
  async listUploads(prefix: string): Promise<{ key: string; uploadId: string }[]> {
    const out: { key: string; uploadId: string }[] = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    do {
      const r = await this.call(`list uploads under ${this.uri(prefix)}`, () =>
        this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(idMarker ? { UploadIdMarker: idMarker } : {}) })));
      for (const u of r.Uploads ?? []) if (u.Key !== undefined && u.UploadId !== undefined) out.push({ key: u.Key, uploadId: u.UploadId });
      const more = r.IsTruncated === true && (r.NextKeyMarker ?? '') !== '';
      keyMarker = more ? r.NextKeyMarker : undefined;
      idMarker = more ? r.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return out;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: r.ContentLength ?? 0 };
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw wrap(`head ${this.uri(key)}`, err);
    }
  }

  async list(path: string): Promise<FileStatus[]> {
    const key = parsePath(path).path;
    const status = (o: ObjectInfo): FileStatus => ({ path: this.uri(o.key), size: o.size, rangeable: true });
    // Directory markers (keys ending in /) and hidden names are not data, as in FileInputFormat.
    const visible = (o: ObjectInfo) => !o.key.endsWith('/') && !isHidden(baseName(o.key));
    if (hasGlob(key)) {
      const re = globToRegExp(key.replace(/\/+$/, ''));
      // A glob matches files, or (visible) directories whose direct children are then taken.
      const dirMatch = (d: string) => re.test(d) && !isHidden(baseName(d));
      return (await this.listKeys(literalPrefix(key)))
        .filter((o) => visible(o) && (re.test(o.key) || dirMatch(o.key.slice(0, o.key.lastIndexOf('/')))))
        .map(status);
    }
    if (key !== '' && !key.endsWith('/')) {
      const one = await this.head(key);
      if (one) return [status(one)];
    }
    const dir = key === '' || key.endsWith('/') ? key : `${key}/`;
    return (await this.listKeys(dir, '/')).filter(visible).map(status);
  }

  async open(path: string, start: number, end?: number): Promise<Readable> {
    const key = parsePath(path).path;
    const range = start > 0 || end !== undefined ? `bytes=${start}-${end !== undefined ? end - 1 : ''}` : undefined;
    const r = await this.call(`read ${this.uri(key)}`, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: range } : {}) })));
    return r.Body as Readable;
  }

  // ---------------------------------------------------------------------------------------------- for the committer

  async put(key: string, text: string): Promise<void> {
    const body = Buffer.from(text);
    await this.call(`write ${this.uri(key)}`, () => this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.length })));
  }

  async getText(key: string): Promise<string> {
    const r = await this.call(`read ${this.uri(key)}`, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    return r.Body!.transformToString();
  }

  async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      await this.call(`delete under ${this.uri('')}`, () => this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })));
    }
  }

  async createUpload(key: string): Promise<string> {
    const r = await this.call(`start upload of ${this.uri(key)}`, () => this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key })));
    return r.UploadId!;
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
    const r = await this.call(`upload part ${partNumber} of ${this.uri(key)}`, () =>
      this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length })));
    return r.ETag!;
  }

  async completeUpload(key: string, uploadId: string, parts: { PartNumber: number; ETag: string }[]): Promise<void> {
    await this.call(`complete upload of ${this.uri(key)}`, () =>
      this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      // Already completed or aborted: nothing left to remove.
      if ((err as { name?: string }).name === 'NoSuchUpload') return;
      throw wrap(`abort upload of ${this.uri(key)}`, err);
    }
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw wrap(what, err);
    }
  }
}

/** An SDK error as `<what>: <code> (<status>): <message>`; SDK errors carry no credentials. */
function wrap(what: string, err: unknown): Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return new Error(`S3 ${what} failed: ${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`);
}
