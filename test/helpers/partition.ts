/**
 * A TCP relay on loopback in front of a server, which a test can cut (every connection dropped, new ones refused)
 * and restore: a network partition between a client and a server that keeps running, so the server's own clock
 * decides (e.g. ZooKeeper expires the sessions it stopped hearing from) with no race at the end of the cut.
 */
import net from 'node:net';

export interface Partition {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function partitionable(targetPort: number): Promise<Partition> {
  let cut = false;
  const live = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) return void client.destroy();
    const up = net.connect({ host: '127.0.0.1', port: targetPort });
    live.add(client);
    live.add(up);
    client.pipe(up);
    up.pipe(client);
    const drop = () => {
      client.destroy();
      up.destroy();
      live.delete(client);
      live.delete(up);
    };
    client.on('error', drop);
    up.on('error', drop);
    client.on('close', drop);
    up.on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      cut = true;
      for (const s of [...live]) s.destroy();
    },
    restore() {
      cut = false;
    },
    close() {
      for (const s of [...live]) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
