/**
 * What a standby dispatcher says (HA with ZooKeeper): its REST API answers 503 with an ErrorResponse naming the
 * leader's REST URL (`leaderUrl`), rather than a redirect, since Spark's submission client does not follow
 * redirects and a POST body should not be replayed blindly; its UI says it is a standby and links to the leader.
 */
import type { Candidate } from './LeaderElection.js';

export interface StandbyInfo {
  /** The leading dispatcher, when one is elected. */
  leader: Candidate | undefined;
  /** A leader is elected but the URLs it published are not valid (see parseCandidate). */
  unknown?: boolean;
}

export function standbyMessage(s: StandbyInfo): string {
  if (s.leader) return `This dispatcher is a standby; the leading dispatcher takes submissions at ${s.leader.rest}.`;
  return s.unknown
    ? 'This dispatcher is a standby; unknown leader (the address it published is not valid); try again in a few seconds.'
    : 'This dispatcher is a standby and no leading dispatcher is elected yet; try again in a few seconds.';
}
