/** An agent link made by hand over mini-Mesos' agent protocol, for tests that play an agent themselves. */
import http from 'node:http';
import { AGENT_MESSAGE_PATH, AGENT_REGISTER_PATH, type AgentMessage, type Registration } from '../../src/minimesos/agentProtocol.js';

/**
 * Registers as an agent; resolves with the link (destroy `req` to drop it), the id the master gave, the link's id
 * (for messages sent as the agent), a promise of the link's end and what the master has sent over it so far, once
 * the REGISTERED record arrived. A refusal (any
 * status but 200) rejects.
 */
export function registerRawAgent(masterUrl: string, reg: Registration): Promise<{ req: http.ClientRequest; agentId: string; linkId: string; closed: Promise<void>; received(): string }> {
  return new Promise((resolve, reject) => {
    // A connection of its own (no keep-alive pool): a link the master closed must not be reused by the next one.
    const req = http.request(`${masterUrl}${AGENT_REGISTER_PATH}`, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`registration refused: ${res.statusCode}`));
      let buf = '';
      const closed = new Promise<void>((r) => res.once('close', () => r()));
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        const m = /"agent_id":"([^"]+)"/.exec(buf);
        const link = /"link_id":"([^"]+)"/.exec(buf);
        if (m && link) resolve({ req, agentId: m[1]!, linkId: link[1]!, closed, received: () => buf });
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end(JSON.stringify(reg));
  });
}

/** Sends a message as the agent over its link; resolves with the master's answer status (202 when taken). */
export async function sendAsAgent(masterUrl: string, agent: { agentId: string; linkId: string }, message: AgentMessage): Promise<number> {
  const res = await fetch(`${masterUrl}${AGENT_MESSAGE_PATH}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agent_id: agent.agentId, link_id: agent.linkId, message }),
  });
  await res.text();
  return res.status;
}
