/** Helpers for the I/O tests: child processes running TypeScript fixtures, and expected text of attempts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Starts `node --import tsx <fixture> ...args` from the repository root; `done` gives its exit and stdout. */
export function runFixture(fixture: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const e = { ...env };
  delete e.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url)), ...args], { cwd: ROOT, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** The text an attempt-writer fixture writes. */
export function attemptText(attempt: number, lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) s += `attempt ${attempt} line ${i} ${'x'.repeat(60)}\n`;
  return s;
}

/** Starts the HTTP test server fixture serving `dir` in `mode`; resolves with its port and a stop function. */
export async function startHttpFixture(dir: string, mode: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const { child, done } = runFixture('io/http-server.ts', [dir, mode]);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out).port);
    });
    void done.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  return { port, stop: async () => void (child.kill('SIGTERM'), await done) };
}
