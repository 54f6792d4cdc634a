import type { InstanceAssignment } from '@libs/queues';

/** What the master answers about this agent's node (Kontena's node JSON, the fields an agent uses). */
export interface MasterNode {
  /** `<grid>/<name>`. */
  id: string;
  name: string;
  node_number: number;
  grid: { name: string };
  /** Only after a grid-token registration: the agent's credential from then on. */
  node_token?: string;
}

export type AgentCredential = { kind: 'grid'; token: string } | { kind: 'node'; token: string };

/** A refusal with Kontena's close code (docs/architecture.md, "Agent registration"). */
export class MasterRefusal extends Error {
  constructor(
    readonly status: number,
    readonly closeCode: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'MasterRefusal';
  }
}

/**
 * The agent's side of the api: registration (`PUT /v1/nodes/:agent_node_id`), its service pods (pulled as
 * Kontena's agent did every 30 s) and its instances' secrets. Never a bearer token: Kontena's agent headers.
 */
export class MasterApi {
  constructor(
    private readonly baseUrl: string,
    private readonly version: string,
    private readonly timeoutMs = 15_000,
  ) {}

  async register(
    agentNodeId: string,
    credential: AgentCredential,
    info: Record<string, unknown>,
  ): Promise<MasterNode> {
    return this.request<MasterNode>('PUT', `/v1/nodes/${encodeURIComponent(agentNodeId)}`, credential, info);
  }

  async servicePods(nodeId: string, nodeToken: string): Promise<InstanceAssignment[]> {
    const answer = await this.request<{ service_pods: InstanceAssignment[] }>(
      'GET',
      `/v1/nodes/${nodeId}/service_pods`,
      {
        kind: 'node',
        token: nodeToken,
      },
    );
    return answer.service_pods;
  }

  /** The values of the secrets one instance reads, by secret name. Never logged. */
  async secrets(nodeId: string, nodeToken: string, instanceId: string): Promise<Record<string, string>> {
    const answer = await this.request<{ secrets: { name: string; value: string | null }[] }>(
      'GET',
      `/v1/nodes/${nodeId}/secrets?instance=${encodeURIComponent(instanceId)}`,
      { kind: 'node', token: nodeToken },
    );
    const values: Record<string, string> = {};
    for (const secret of answer.secrets) if (secret.value !== null) values[secret.name] = secret.value;
    return values;
  }

  private async request<T>(
    method: string,
    path: string,
    credential: AgentCredential,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'kontena-version': this.version,
      [credential.kind === 'grid' ? 'kontena-grid-token' : 'kontena-node-token']: credential.token,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const answer = (parsed ?? {}) as { error?: unknown; close_code?: number };
      const message = typeof answer.error === 'string' ? answer.error : JSON.stringify(answer.error ?? text);
      throw new MasterRefusal(
        response.status,
        answer.close_code,
        `${method} ${path.split('?')[0]}: ${response.status} ${message}`,
      );
    }
    return parsed as T;
  }
}
