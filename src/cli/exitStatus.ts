import { constants as osConstants } from 'node:os';

/**
 * The exit status a shell gives a child that ended with `code` or was killed by `signal`: the code, or 128 + the
 * signal's number (SIGTERM → 143, SIGKILL → 137); 1 when neither is known.
 */
export function shellExitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal) {
    const n = osConstants.signals[signal];
    return n !== undefined ? 128 + n : 1;
  }
  return 1;
}
