/**
 * How a checkpointed command task's end survives an agent restart. Mesos runs command tasks under a command
 * executor process that outlives the task and reports its end itself; here a small shell stands in for it: it
 * runs the command, writes the wait status to a file in the sandbox, and ends the same way the command did.
 */

/** The file in the sandbox that holds the command's exit status (as the shell reports it: 128 + n for signal n). */
export const COMMAND_STATUS_FILE = '.command_status';

/**
 * The argv that runs `argv` and records its status in `statusFile`, then ends as the command did (re-raising its
 * signal). The shell outlives a SIGTERM sent to the container's process group (a no-op trap, set after the command
 * started so the command keeps the default handling): the command shuts down in its own time, as without the
 * wrapper. (As a background job of a non-interactive shell the command ignores SIGINT; the agent never sends it.)
 */
export function commandStatusWrapper(statusFile: string, argv: string[]): string[] {
  const script = [
    '"$@" & c=$!',
    'trap : TERM INT HUP',
    'while :; do wait "$c"; s=$?; kill -0 "$c" 2>/dev/null || break; done',
    'echo "$s" > "$0"',
    'trap - TERM INT HUP',
    'if [ "$s" -gt 128 ] && [ "$s" -lt 160 ]; then kill -s "$(kill -l "$s")" $$; fi',
    'exit "$s"',
  ].join('\n');
  return ['/bin/sh', '-c', script, statusFile, ...argv];
}

/** How the command ended, from the status file's text: an exit code, a signal, or unknown (no or bad file). */
export function parseCommandStatus(text: string | undefined): { code: number | null; signal: NodeJS.Signals | null } | undefined {
  const s = text?.trim();
  if (!s || !/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > 128 && n < 160) {
    const name = SIGNALS[n - 128];
    if (name) return { code: null, signal: name };
  }
  return { code: n, signal: null };
}

const SIGNALS: Record<number, NodeJS.Signals> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 10: 'SIGUSR1',
  11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
};
