/**
 * mini-Mesos masters and agents in processes of their own (`spark-mesos mini-cluster --role master|agent`), as real
 * ones are: an agent registers with the master over HTTP, and killing its process is a real agent crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { getLogger } from '../util/logging.js';

const log = getLogger('minimesos.AgentProcess');

/** `node [--import tsx] <cli main>`: how to run this installation's `spark-mesos` command. */
export function cliCommand(): { command: string; args: string[] } {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const main = new URL(`../cli/main.${fromSource ? 'ts' : 'js'}`, here).pathname;
  return { command: process.execPath, args: [...(fromSource ? ['--import', 'tsx'] : []), main] };
}

/** A `spark-mesos` process that is ready once its output matches a line. */
export class CliProcess {
  private proc: ChildProcess | undefined;
  private out = '';
  private exited: Promise<void> | undefined;

  constructor(
    private readonly argv: string[],
    private readonly ready: RegExp,
    private readonly run: { wrap?: string[]; env?: NodeJS.ProcessEnv } = {},
  ) {}

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Output so far (stdout and stderr), for diagnostics. */
  get output(): string {
    return this.out;
  }

  /** Starts the process; resolves with the match of the ready line. */
  async start(timeoutMs = 30_000): Promise<RegExpExecArray> {
    const { command, args } = cliCommand();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.run.env };
    // NODE_TEST_CONTEXT would make the child act as a test subprocess.
    delete env.NODE_TEST_CONTEXT;
    for (const [k, v] of Object.entries(this.run.env ?? {})) if (v === undefined) delete env[k];
    const full = [...(this.run.wrap ?? []), command, ...args, ...this.argv];
    // A restart (same arguments, e.g. an agent recovering its work dir) must not match the last run's ready line.
    this.out = '';
    const p = spawn(full[0]!, full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = p;
    this.exited = new Promise((r) => p.once('exit', () => r()));
    const ready = new Promise<RegExpExecArray>((resolve, reject) => {
      p.stdout!.on('data', (c: Buffer) => {
        this.out += c.toString();
        const m = this.ready.exec(this.out);
        if (m) resolve(m);
      });
      p.stderr!.on('data', (c: Buffer) => (this.out += c.toString()));
      p.once('exit', (code, signal) => reject(new Error(`process exited (${signal ?? code}) before it was ready: ${this.out.slice(-2000)}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([ready, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`not ready within ${timeoutMs} ms: ${this.out.slice(-2000)}`)), timeoutMs)))]);
    } catch (err) {
      await this.kill();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A clean stop (SIGTERM), then SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM', 10_000);
    if (this.alive) await this.kill();
  }

  /** A crash (SIGKILL): what it started keeps running, as on a real host. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 5000);
  }

  private async signal(sig: NodeJS.Signals, waitMs: number): Promise<void> {
    if (!this.alive) return;
    this.proc!.kill(sig);
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, waitMs).unref())]);
  }
}

export interface AgentProcessOptions {
  /** `host:port` or `zk://...` of the master. */
  master: string;
  resources: string;
  attributes?: string;
  workDir: string;
  host: string;
  hostname?: string;
  /** Extra `mini-cluster --role agent` arguments (e.g. isolation flags). */
  extraArgs?: string[];
  /** Runs the command through this prefix (e.g. entering a network namespace). */
  wrap?: string[];
  /** Environment changes (undefined removes a variable). */
  env?: NodeJS.ProcessEnv;
}

export class AgentProcess extends CliProcess {
  /** Set from the agent's startup line. */
  id: string | undefined;
  url: string | undefined;

  constructor(readonly opts: AgentProcessOptions) {
    super(['mini-cluster', '--role', 'agent', '--exit-with-parent', '--master', opts.master, '--host', opts.host, '--resources', opts.resources, '--work-dir', opts.workDir,
      ...(opts.hostname ? ['--hostname', opts.hostname] : []), ...(opts.attributes ? ['--attributes', opts.attributes] : []), ...(opts.extraArgs ?? [])],
    /mini-mesos agent (\S+) at (\S+) registered/, { ...(opts.wrap ? { wrap: opts.wrap } : {}), ...(opts.env ? { env: opts.env } : {}) });
  }

  /** Starts the process and resolves once the agent registered. */
  override async start(timeoutMs = 30_000): Promise<RegExpExecArray> {
    const m = await super.start(timeoutMs);
    this.id = m[1];
    this.url = m[2];
    log.info({ agent: this.id, pid: this.pid }, 'agent process started');
    return m;
  }
}

export class MasterProcess extends CliProcess {
  constructor(opts: { host: string; port: number; hostname?: string; extraArgs?: string[]; wrap?: string[]; env?: NodeJS.ProcessEnv }) {
    super(['mini-cluster', '--role', 'master', '--exit-with-parent', '--host', opts.host, '--port', String(opts.port), ...(opts.hostname ? ['--hostname', opts.hostname] : []), ...(opts.extraArgs ?? [])],
      /mini-mesos master at (\S+)/, { ...(opts.wrap ? { wrap: opts.wrap } : {}), ...(opts.env ? { env: opts.env } : {}) });
  }
}
