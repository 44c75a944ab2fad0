/**
 * How fast the scheduler client turns OFFERS events into typed offers.
 *  1. Decode throughput: RecordIO framing + JSON + schema validation of an OFFERS event with 1,000 offers,
 *     as offers per second, next to JSON.parse alone on the same bytes (the baseline, measured in this run).
 *  2. End to end: one 1,000-offer OFFERS event written by an HTTP server on loopback until the SchedulerClient
 *     yields it, next to the same bytes read over the same connection and JSON.parse'd.
 * Run: npx tsx bench/offers.ts
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { RecordIODecoder, encodeRecord } from '../src/mesos/recordio.js';
import { decodeJson } from '../src/mesos/wire/decode.js';
import { SchedulerEvent } from '../src/mesos/wire/scheduler.js';
import { SchedulerClient } from '../src/mesos/client/SchedulerClient.js';

const N = 1000;
function offer(i: number) {
  return {
    id: { value: `5e1f-O${i}` },
    framework_id: { value: '5e1f-0000' },
    agent_id: { value: `5e1f-S${i}` },
    hostname: `agent-${i}.example`,
    url: { scheme: 'http', address: { hostname: `agent-${i}.example`, ip: `10.0.${i >> 8}.${i & 255}`, port: 5051 }, path: '/slave(1)' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 8 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 31744 }, role: '*' },
      { name: 'disk', type: 'SCALAR', scalar: { value: 400000 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 2 }, role: 'spark', reservation: { principal: 'spark' } },
    ],
    attributes: [
      { name: 'os', type: 'TEXT', text: { value: 'centos7' } },
      { name: 'zone', type: 'TEXT', text: { value: `us-east-1${'abc'[i % 3]}` } },
      { name: 'rack', type: 'SCALAR', scalar: { value: i % 40 } },
    ],
  };
}
const event = JSON.stringify({ type: 'OFFERS', offers: { offers: Array.from({ length: N }, (_, i) => offer(i)) } });
const framed = encodeRecord(event);
const chunks: Buffer[] = [];
for (let i = 0; i < framed.length; i += 16 * 1024) chunks.push(framed.subarray(i, i + 16 * 1024));

function timeIt(fn: () => void, minMs = 1500): number {
  for (let i = 0; i < 3; i++) fn();
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    runs++;
  }
  return (performance.now() - t0) / runs;
}

const ours = timeIt(() => {
  const d = new RecordIODecoder();
  for (const c of chunks) for (const r of d.push(c)) decodeJson(SchedulerEvent, r.toString('utf8'), 'event');
});
const headerLength = framed.indexOf(10) + 1;
const baseline = timeIt(() => {
  JSON.parse(Buffer.concat(chunks).subarray(headerLength).toString('utf8'));
});

// End to end over loopback HTTP.
async function endToEnd(rounds: number): Promise<{ client: number; raw: number }> {
  let res: http.ServerResponse | undefined;
  const server = http.createServer((req, r) => {
    req.resume();
    res = r;
    r.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'bench' });
    r.write(encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: '5e1f-0000' }, heartbeat_interval_seconds: 15 } })));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const client = new SchedulerClient({ master: `127.0.0.1:${port}`, frameworkInfo: { user: 'bench', name: 'bench' } }).start();
  const events = client.events();
  await events.next();
  let clientMs = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    res!.write(framed);
    const e = await events.next();
    clientMs += performance.now() - t0;
    if (e.value?.type !== 'OFFERS' || e.value.offers.offers?.length !== N) throw new Error('bad event');
  }
  await client.close();
  server.closeAllConnections();
  // Baseline: the same bytes over a plain streaming response, JSON.parse'd when whole.
  let rawMs = 0;
  const raw = http.createServer((req, r) => {
    req.resume();
    res = r;
    r.writeHead(200);
    r.write('ok');
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
  const rawPort = (raw.address() as { port: number }).port;
  await new Promise<void>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: rawPort, method: 'POST', agent: false }, (incoming) => {
      let buf: Buffer[] = [];
      let got = 0;
      let i = 0;
      let t0 = 0;
      const next = () => {
        if (i++ >= rounds) {
          incoming.destroy();
          return resolve();
        }
        buf = [];
        got = 0;
        t0 = performance.now();
        res!.write(framed);
      };
      incoming.once('data', () => {
        incoming.on('data', (c: Buffer) => {
          buf.push(c);
          got += c.length;
          if (got === framed.length) {
            const b = Buffer.concat(buf);
            JSON.parse(b.subarray(b.indexOf(10) + 1).toString('utf8'));
            rawMs += performance.now() - t0;
            next();
          }
        });
        next();
      });
    });
    req.end();
  });
  raw.closeAllConnections();
  server.close();
  raw.close();
  return { client: clientMs / rounds, raw: rawMs / rounds };
}

const e2e = await endToEnd(30);
const mb = (framed.length / 1024 / 1024).toFixed(2);
console.log(`OFFERS event: ${N} offers, ${mb} MiB of JSON`);
console.log(`decode (RecordIO + JSON + validation): ${ours.toFixed(2)} ms/event = ${Math.round((N / ours) * 1000).toLocaleString('en')} offers/s`);
console.log(`baseline JSON.parse alone:             ${baseline.toFixed(2)} ms/event = ${Math.round((N / baseline) * 1000).toLocaleString('en')} offers/s`);
console.log(`ratio ours / JSON.parse: ${(ours / baseline).toFixed(2)}x the time`);
console.log(`end to end over loopback HTTP, SchedulerClient: ${e2e.client.toFixed(2)} ms per 1,000-offer event`);
console.log(`end to end baseline, raw read + JSON.parse:    ${e2e.raw.toFixed(2)} ms`);
console.log(`ratio: ${(e2e.client / e2e.raw).toFixed(2)}x`);
