/**
 * The Mesos fetcher: brings each CommandInfo URI into the sandbox (local paths, file:// and http(s)://), with the
 * `output_file`, `executable`, `extract` (default true) and `cache` flags.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join, isAbsolute } from 'node:path';
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CommandURI } from '../mesos/wire/container.js';

const run = promisify(execFile);
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2|tar\.xz|txz|zip|gz)$/i;

function download(url: string, to: string, redirects = 5): Promise<void> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, (res) => {
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        return download(new URL(res.headers.location, url).toString(), to, redirects - 1).then(resolve, reject);
      }
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode} fetching ${url}`));
      }
      const tmp = `${to}.part`;
      const out = createWriteStream(tmp);
      res.pipe(out);
      out.on('finish', () => {
        renameSync(tmp, to);
        resolve();
      });
      out.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`timed out fetching ${url}`)));
  });
}

async function obtain(uri: string, to: string): Promise<void> {
  if (/^https?:\/\//.test(uri)) return download(uri, to);
  const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
  if (!isAbsolute(path)) throw new Error(`relative URI '${uri}' needs --frameworks_home, which this agent does not have`);
  if (!existsSync(path)) throw new Error(`'${uri}' does not exist`);
  copyFileSync(path, to);
}

async function extract(file: string, into: string): Promise<void> {
  if (/\.zip$/i.test(file)) await run('unzip', ['-o', '-q', file, '-d', into]);
  else if (/\.gz$/i.test(file) && !/\.tar\.gz$/i.test(file)) await run('gzip', ['-d', '-f', '-k', file]);
  else await run('tar', ['-xf', file, '-C', into]);
}

export async function fetchUris(uris: readonly CommandURI[], sandbox: string, cacheDir: string): Promise<void> {
  for (const u of uris) {
    const name = u.output_file ?? basename(u.value.replace(/[?#].*$/, ''));
    const target = join(sandbox, name);
    mkdirSync(dirname(target), { recursive: true });
    if (u.cache) {
      mkdirSync(cacheDir, { recursive: true });
      const cached = join(cacheDir, createHash('sha256').update(u.value).digest('hex'));
      if (!existsSync(cached)) await obtain(u.value, cached);
      copyFileSync(cached, target);
    } else {
      await obtain(u.value, target);
    }
    if (u.executable) chmodSync(target, 0o755);
    else if ((u.extract ?? true) && ARCHIVE.test(name)) await extract(target, sandbox);
  }
}
