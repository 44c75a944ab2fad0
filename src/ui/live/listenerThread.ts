/**
 * The driver's listener thread (Spark delivers listener events on threads of their own, off the scheduler's): it
 * applies the scheduler's events to the application's status and event log, and answers the UI's requests, in the
 * order the scheduling thread sent them, so a request sees every event sent before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getLogger } from '../../util/logging.js';
import { ListenerBatchReader, type ListenerBatch } from './listenerBatch.js';
import type { SparkListenerEvent } from '../../scheduler/events.js';
import type { SparkEvent } from '../events/sparkEvents.js';
import { LiveStatus, type LiveStatusOptions, type UiAnswer, type UiRequest } from './LiveStatus.js';

export type ToListenerThread =
  | { t: 'start'; appId: string; events: SparkEvent[] }
  | { t: 'batch'; batch: ListenerBatch }
  | { t: 'ui'; id: number; req: UiRequest }
  | { t: 'flush'; id: number }
  | { t: 'stop'; id: number; time: number; dropped: number };

export type FromListenerThread =
  | { t: 'applied'; events: number }
  | { t: 'ui'; id: number; answer: UiAnswer }
  | { t: 'done'; id: number }
  | { t: 'kill'; what: 'job' | 'stage'; id: number };

const log = getLogger('SparkUI');
const port = parentPort!;
const reply = (m: FromListenerThread) => port.postMessage(m);
const live = new LiveStatus(workerData as LiveStatusOptions, {
  killJob: (id) => reply({ t: 'kill', what: 'job', id }),
  killStage: (id) => reply({ t: 'kill', what: 'stage', id }),
});

const reader = new ListenerBatchReader();
const apply = (e: SparkListenerEvent) => live.apply(e);

// Messages are handled one at a time, in order: a UI request waits for the events sent before it.
let chain = Promise.resolve();

async function handle(m: ToListenerThread): Promise<void> {
  switch (m.t) {
    case 'start':
      live.start(m.appId, m.events);
      return;
    case 'batch': {
      reader.each(m.batch, apply);
      // The batch counts against the capacity until its lines are written too, so a slow disk holds events back
      // (bounded) while UI requests, next on this chain, are answered at once.
      const events = m.batch.kinds.length;
      void live.pumpLog().finally(() => reply({ t: 'applied', events }));
      return;
    }
    case 'ui':
      reply({ t: 'ui', id: m.id, answer: await live.answer(m.req) });
      return;
    case 'flush':
      await live.eventLog?.flushed();
      reply({ t: 'done', id: m.id });
      return;
    case 'stop':
      await live.stop(m.time, m.dropped);
      reply({ t: 'done', id: m.id });
      return;
  }
}

port.on('message', (m: ToListenerThread) => {
  chain = chain.then(() => handle(m)).catch((err: Error) => {
    // A failure of one message must not stop the thread: the UI and log go on with the next.
    log.warn({ err: err.message, message: m.t }, 'listener thread: a message failed');
    if (m.t === 'batch') reply({ t: 'applied', events: m.batch.kinds.length });
    else if (m.t === 'ui') reply({ t: 'ui', id: m.id, answer: { kind: 'page', r: { status: 500, text: `internal error: ${err.message}` } } });
    else if (m.t !== 'start') reply({ t: 'done', id: m.id });
  });
});
