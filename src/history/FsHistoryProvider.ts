/**
 * The history server's view of its log directory (Spark's FsHistoryProvider): a listing kept current by rescans
 * (new logs, grown logs, logs that completed), applications replayed on demand into status stores, at most
 * `spark.history.retainedApplications` of them kept (least recently used dropped; a grown log is replayed again),
 * and the cleaner.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { ApiSource, AppListing } from '../ui/api/ApiRouter.js';
import { describeLog, replayLog, type EventLogSource } from '../ui/eventlog/EventLogReader.js';
import { AppStatusStore, type Retention } from '../ui/status/AppStatusStore.js';
import { getLogger } from '../util/logging.js';
import { logsToDelete } from './cleaner.js';
import { attemptOf, scanLog, type LogListing } from './listing.js';
import { zip } from './zip.js';

const log = getLogger('FsHistoryProvider');

export interface ProviderOptions {
  logDir: string;
  retainedApplications: number;
  retention: Retention;
  redact(pairs: [string, string][]): [string, string][];
}

interface Loaded { store: AppStatusStore; size: number; mtime: number }

export class FsHistoryProvider {
  /** Listed logs by path. */
  private readonly listed = new Map<string, LogListing>();
  /** Logs seen but not listable (no App ID), with when they were last seen to change (the cleaner removes them too). */
  private readonly invalid = new Map<string, { size: number; mtime: number }>();
  /** Replayed applications by log path, least recently used first. */
  private readonly loaded = new Map<string, Loaded>();
  private scanning: Promise<void> | undefined;

  constructor(private readonly opts: ProviderOptions) {}

  /** Reads the log directory again; only new, grown or newly completed logs are parsed. */
  scan(now = Date.now()): Promise<void> {
    this.scanning ??= this.doScan(now).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async doScan(now: number): Promise<void> {
    let names: string[];
    try {
      names = readdirSync(this.opts.logDir);
    } catch (err) {
      log.warn({ dir: this.opts.logDir, err: (err as Error).message }, 'cannot read the log directory');
      return;
    }
    const seen = new Set<string>();
    for (const name of names) {
      const src = describeLog(join(this.opts.logDir, name));
      if (!src) continue;
      seen.add(src.path);
      const known = this.listed.get(src.path);
      if (known && known.source.size === src.size && known.source.mtime === src.mtime && known.source.inProgress === src.inProgress) continue;
      const bad = this.invalid.get(src.path);
      if (bad && bad.size === src.size && bad.mtime === src.mtime) continue;
      try {
        const l = await scanLog(src, now);
        if (l) {
          this.listed.set(src.path, l);
          this.invalid.delete(src.path);
        } else {
          this.listed.delete(src.path);
          this.invalid.set(src.path, { size: src.size, mtime: src.mtime });
        }
      } catch (err) {
        log.warn({ path: src.path, err: (err as Error).message }, 'cannot read an event log');
      }
    }
    // Logs renamed on completion (x.inprogress → x) or deleted.
    for (const p of [...this.listed.keys()]) if (!seen.has(p)) this.listed.delete(p);
    for (const p of [...this.invalid.keys()]) if (!seen.has(p)) this.invalid.delete(p);
    for (const p of [...this.loaded.keys()]) if (!seen.has(p)) this.loaded.delete(p);
  }

  /** Applications by id; attempts newest first; applications by their latest attempt's end, latest first. */
  applications(): AppListing[] {
    const byApp = new Map<string, LogListing[]>();
    for (const l of this.listed.values()) {
      const list = byApp.get(l.appId) ?? [];
      list.push(l);
      byApp.set(l.appId, list);
    }
    const apps = [...byApp.values()].map((ls) => {
      ls.sort((a, b) => b.startTime - a.startTime);
      return { id: ls[0]!.appId, name: ls[0]!.name, attempts: ls.map(attemptOf) };
    });
    return apps.sort((a, b) => b.attempts[0]!.endTime - a.attempts[0]!.endTime || b.attempts[0]!.startTime - a.attempts[0]!.startTime);
  }

  private find(appId: string, attemptId: string | undefined): LogListing | undefined {
    const ls = [...this.listed.values()].filter((l) => l.appId === appId && (attemptId === undefined || l.attemptId === attemptId));
    return ls.sort((a, b) => b.startTime - a.startTime)[0];
  }

  /** The replayed application, from the cache unless its log changed since. */
  async store(appId: string, attemptId: string | undefined): Promise<AppStatusStore | undefined> {
    const l = this.find(appId, attemptId);
    if (!l) return undefined;
    const src: EventLogSource = describeLog(l.source.path) ?? l.source;
    const cached = this.loaded.get(src.path);
    this.loaded.delete(src.path);
    if (cached && cached.size === src.size && cached.mtime === src.mtime) {
      this.loaded.set(src.path, cached);
      return cached.store;
    }
    const store = new AppStatusStore(this.opts.retention);
    const r = await replayLog(src, (e) => store.apply(e));
    log.info({ path: src.path, lines: r.lines, truncated: r.truncated }, 'replayed an application');
    this.loaded.set(src.path, { store, size: src.size, mtime: src.mtime });
    while (this.loaded.size > this.opts.retainedApplications) this.loaded.delete(this.loaded.keys().next().value!);
    return store;
  }

  /** Replayed applications held in memory (for tests and the listing page). */
  get loadedCount(): number {
    return this.loaded.size;
  }

  /** The log files of an application (attempt) as a zip, named as Spark names it. */
  async logs(appId: string, attemptId: string | undefined): Promise<{ fileName: string; body: Buffer } | undefined> {
    const ls = [...this.listed.values()].filter((l) => l.appId === appId && (attemptId === undefined || l.attemptId === attemptId));
    if (ls.length === 0) return undefined;
    const entries = ls.flatMap((l) => l.source.files.map((f) => ({ name: relative(this.opts.logDir, f) || basename(f), data: readFileSync(f) })));
    return { fileName: `eventLogs-${appId}${attemptId !== undefined ? `-${attemptId}` : ''}.zip`, body: zip(entries) };
  }

  /** Deletes logs as `spark.history.fs.cleaner.*` say; returns the deleted paths. */
  clean(now: number, maxAgeMs: number, maxNum: number): string[] {
    const all = [
      // A log's age is its last write: a log left in progress by a crashed driver ages too.
      ...[...this.listed.values()].map((l) => ({ path: l.source.path, lastUpdated: l.source.mtime, completed: l.completed })),
      ...[...this.invalid].map(([path, i]) => ({ path, lastUpdated: i.mtime, completed: false })),
    ];
    const doomed = logsToDelete(all, now, maxAgeMs, maxNum);
    for (const p of doomed) {
      try {
        rmSync(p, { recursive: true, force: true });
        log.info({ path: p }, 'deleted an old event log');
      } catch (err) {
        log.warn({ path: p, err: (err as Error).message }, 'cannot delete an event log');
      }
      this.listed.delete(p);
      this.invalid.delete(p);
      this.loaded.delete(p);
    }
    return doomed;
  }

  apiSource(): ApiSource {
    return {
      applications: () => this.applications(),
      store: (appId, attemptId) => this.store(appId, attemptId),
      logs: (appId, attemptId) => this.logs(appId, attemptId),
      redact: (p) => this.opts.redact(p),
    };
  }
}
