import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { RecordIODecoder } from '../recordio.js';
import { decodeJson } from '../wire/decode.js';
import { getLogger } from '../../util/logging.js';

const log = getLogger('recordStream');

/**
 * Reads a RecordIO stream of JSON events (a scheduler or executor subscription) until it ends, fails, or `onEvent`
 * returns a reason to stop. Malformed events are logged and skipped. Resolves with why the stream ended.
 */
export function consumeEvents<S extends z.ZodType>(
  res: IncomingMessage,
  schema: S,
  what: string,
  signal: AbortSignal,
  onEvent: (e: z.infer<S>) => string | void,
  onBytes?: () => void,
): { ended: Promise<string>; finish: (why: string) => void } {
  const decoder = new RecordIODecoder();
  let done = false;
  let resolveEnded!: (why: string) => void;
  const ended = new Promise<string>((r) => (resolveEnded = r));
  const finish = (why: string) => {
    if (done) return;
    done = true;
    res.destroy();
    resolveEnded(why);
  };
  signal.addEventListener('abort', () => finish('closed'), { once: true });
  res.on('data', (chunk: Buffer) => {
    if (done) return;
    onBytes?.();
    let records: Buffer[];
    try {
      records = decoder.push(chunk);
    } catch (err) {
      return finish(`bad stream: ${(err as Error).message}`);
    }
    for (const r of records) {
      let event: z.infer<S>;
      try {
        event = decodeJson(schema, r.toString('utf8'), what);
      } catch (err) {
        log.error({ err }, `dropping a malformed ${what}`);
        continue;
      }
      const stop = onEvent(event);
      if (stop !== undefined) return finish(stop);
      if (done) return;
    }
  });
  res.on('end', () => finish('stream ended'));
  res.on('error', (err) => finish(`stream error: ${err.message}`));
  res.on('close', () => finish('stream closed'));
  return { ended, finish };
}
