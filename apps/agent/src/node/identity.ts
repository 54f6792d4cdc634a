import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who this agent is, kept across restarts in `<data dir>/identity.json` (mode 600: it holds the node token):
 * its agent node id (Kontena: the Docker engine id) and, once registered, its node token and node.
 */
export interface AgentIdentity {
  agentNodeId: string;
  nodeToken: string | null;
  /** `<grid>/<name>`, known after the first registration. */
  nodeId: string | null;
}

/** A Docker-engine-like id (`XXXX:XXXX:…`, twelve groups), made once per agent. */
export function newAgentNodeId(): string {
  const hex = randomBytes(24).toString('hex').toUpperCase();
  return hex.match(/.{4}/g)!.join(':');
}

export class IdentityStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'identity.json');
  }

  load(): AgentIdentity {
    if (existsSync(this.file)) {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<AgentIdentity>;
      if (typeof stored.agentNodeId === 'string') {
        return {
          agentNodeId: stored.agentNodeId,
          nodeToken: stored.nodeToken ?? null,
          nodeId: stored.nodeId ?? null,
        };
      }
    }
    const fresh: AgentIdentity = { agentNodeId: newAgentNodeId(), nodeToken: null, nodeId: null };
    this.save(fresh);
    return fresh;
  }

  /** Written whole to a temporary file, then renamed: a crash never leaves half an identity. */
  save(identity: AgentIdentity): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.file);
  }

  /** A grid token an operator dropped into the data directory (the `npm start` walkthrough). */
  gridTokenFile(): string | undefined {
    const file = join(this.dir, 'grid-token');
    if (!existsSync(file)) return undefined;
    return readFileSync(file, 'utf8').trim() || undefined;
  }
}
