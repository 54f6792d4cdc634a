import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function packageVersion(): string {
  for (const up of ['..', '../..', '../../..', '../../../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { version: string })
        .version;
    } catch {
      continue;
    }
  }
  return '0.0.0';
}

/** Sent as `Kontena-Version`: the master admits agents of its own major.minor (kontena-behaviour.md §7). */
export const AGENT_VERSION = packageVersion();
