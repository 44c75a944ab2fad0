/**
 * Where an executor's logs can be read: on Mesos, its sandbox's `stdout` and `stderr` through the agent's `/files`
 * endpoint (the agent's address and the sandbox come from the executor's environment). The UI's Executors page links
 * to them; the driver accepts only http(s) URLs from an executor's registration.
 */
export function mesosLogUrls(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const agent = env.MESOS_AGENT_ENDPOINT;
  const sandbox = env.MESOS_SANDBOX ?? env.MESOS_DIRECTORY;
  if (!agent || !sandbox || !/^[\w.-]+:\d+$/.test(agent)) return undefined;
  const url = (file: string) => `http://${agent}/files/download?path=${encodeURIComponent(`${sandbox.replace(/\/+$/, '')}/${file}`)}`;
  return { stdout: url('stdout'), stderr: url('stderr') };
}

/** The log URLs an executor registered with, if well-formed (names to http(s) URLs). */
export function logUrlsFrom(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, u] of Object.entries(v as Record<string, unknown>)) {
    if (typeof u === 'string' && /^https?:\/\//.test(u) && k.length < 64) out[k] = u;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
