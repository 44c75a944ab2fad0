/** The file system of a path, by its scheme; remote clients load only when a path needs them. */
import type { FileSystem } from './FileSystem.js';
import { LocalFileSystem } from './LocalFileSystem.js';
import { parsePath } from './uri.js';
import { IllegalArgumentException } from '../util/errors.js';

export async function fileSystemFor(path: string, io: Record<string, string> = {}): Promise<FileSystem> {
  const p = parsePath(path);
  switch (p.scheme) {
    case 'file':
      return new LocalFileSystem();
    case 'http':
    case 'https': {
      const { HttpFileSystem } = await import('./HttpFileSystem.js');
      return new HttpFileSystem();
    }
    case 's3a': {
      const { S3FileSystem } = await import('./S3FileSystem.js');
      return S3FileSystem.forBucket(p.authority, io);
    }
    default:
      throw new IllegalArgumentException(`cannot read '${path}': ${p.scheme}:// is not supported`);
  }
}
