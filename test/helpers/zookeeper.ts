/**
 * A real ZooKeeper server (Debian's `zookeeper` package) started for a test on 127.0.0.1 and a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ZOOKEEPER_CLASSPATH = [
  '/usr/share/java/zookeeper.jar',
  '/usr/share/java/zookeeper-jute.jar',
  '/usr/share/java/slf4j-api.jar',
  '/usr/share/java/log4j-1.2.jar',
  '/usr/share/java/netty-all.jar',
  '/usr/share/java/metrics-core.jar',
  '/usr/share/java/commons-cli.jar',
  '/etc/zookeeper/conf_example',
].join(':');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether the server answers the four-letter `ruok` with `imok` (serving, not just listening). */
function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let reply = '';
    sock.setTimeout(1000);
    sock.on('connect', () => sock.write('ruok'));
    sock.on('data', (d) => (reply += d));
    sock.on('end', () => resolve(reply === 'imok'));
    sock.on('close', () => resolve(reply === 'imok'));
    sock.on('error', () => resolve(false));
    sock.on('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

export interface ZooKeeperServer {
  port: number;
  /** The server process (tests freeze it with SIGSTOP to simulate a partition). */
  pid: number;
  connectString: string;
  stop(): Promise<void>;
}

export async function startZooKeeper(): Promise<ZooKeeperServer> {
  if (!existsSync('/usr/share/java/zookeeper.jar')) throw new Error('ZooKeeper is not installed: run scripts/install-system-deps.sh');
  const dir = mkdtempSync(join(tmpdir(), 'zk-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'zoo.cfg'),
    `tickTime=500\nminSessionTimeout=1000\ndataDir=${dir}/data\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=ruok\n`,
  );
  const proc: ChildProcess = spawn('java', ['-Dzookeeper.jmx.log4j.disable=true', '-cp', ZOOKEEPER_CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg')], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const deadline = Date.now() + 20_000;
  while (!(await ruok(port))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill('SIGKILL');
      throw new Error('ZooKeeper did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    pid: proc.pid!,
    connectString: `127.0.0.1:${port}`,
    async stop() {
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
