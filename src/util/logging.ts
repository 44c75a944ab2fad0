import { pino, type Logger } from 'pino';

/**
 * One structured logger for the library. Level from SPARK_MESOS_LOG_LEVEL (default `info`, `silent` in tests
 * unless asked for). Logs go to stderr so a job's own stdout stays clean.
 */
const defaultLevel = process.env.SPARK_MESOS_LOG_LEVEL ?? (process.env.NODE_TEST_CONTEXT ? 'silent' : 'info');

const root: Logger = pino({ level: defaultLevel, base: { pid: process.pid } }, pino.destination(2));

export type { Logger };

export function getLogger(name: string): Logger {
  return root.child({ logger: name });
}

/**
 * A place tests can observe warnings that Spark only logs (skipped volume specs and similar): the warning is
 * logged and also handed to every registered listener.
 */
type WarningListener = (logger: string, message: string) => void;
const warningListeners = new Set<WarningListener>();

export function onWarning(listener: WarningListener): () => void {
  warningListeners.add(listener);
  return () => warningListeners.delete(listener);
}

export function warn(logger: Logger, loggerName: string, message: string): void {
  logger.warn(message);
  for (const l of warningListeners) l(loggerName, message);
}
