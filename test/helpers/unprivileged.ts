/**
 * Tests that drop to `nobody` (setpriv) need root, and a checkout that `nobody` can read: a clone in a private
 * directory (mktemp -d makes it 0700) cannot load its own modules as another user. Gives the skip reason, or false.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function unprivilegedSkip(root: string): string | false {
  if (process.getuid?.() !== 0) return 'needs root to drop privileges';
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-r', join(root, 'node_modules', 'tsx', 'package.json')]);
  return r.status === 0 ? false : `user nobody cannot read this checkout (${root}), so it cannot run its code`;
}
