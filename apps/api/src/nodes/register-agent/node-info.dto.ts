import { isIP } from 'node:net';
import type { ErrorHash, NodeInfo } from '@libs/domain';
import { NODE_INFO_FIELDS } from '@libs/domain';
import { Field } from '../../common/validation/field';

/**
 * Kontena took the agent's host name as it came; we keep names usable in paths and affinities (no `/`, no
 * `:`, which marks an agent node id in `/v1/nodes/:grid/:node`) but, unlike API-created names, allow the dots
 * of fully qualified host names.
 */
export const AGENT_NODE_NAME = /^[\w.-]+$/;

export class NodeDriverDto {
  @Field({ type: 'string', required: true, example: 'local' }) name!: string;
  @Field({ type: 'string', nils: true }) version?: string | null;
}

/**
 * PUT /v1/nodes/:node_id: what the agent knows about its machine (Kontena's `/nodes/update` Docker info,
 * under the names of the node JSON). Every attribute is optional: what is absent stays as it was, `null`
 * means unknown.
 */
export class NodeInfoDto {
  @Field({
    type: 'string',
    matches: AGENT_NODE_NAME,
    description: 'The name for a new node (the host name); needed with the grid token for an unknown agent',
    example: 'misty-sun-87',
  })
  name?: string;

  @Field({
    type: 'array',
    of: { type: 'string' },
    description: "The engine's labels: a new node starts with them, an existing one keeps its own",
    example: ['region=eu-west-1'],
  })
  labels?: string[];

  @Field({ type: 'string', nils: true, example: 'Ubuntu 24.04 LTS' }) os?: string | null;
  @Field({ type: 'string', nils: true, example: '6.8.0-31-generic' }) kernel_version?: string | null;
  @Field({ type: 'string', nils: true, example: 'overlay2' }) driver?: string | null;
  @Field({ type: 'string', nils: true, example: '/var/lib/docker' }) engine_root_dir?: string | null;
  @Field({ type: 'integer', nils: true, min: 0, example: 4 }) cpus?: number | null;
  @Field({ type: 'integer', nils: true, min: 0, example: 8_254_971_904 }) mem_total?: number | null;
  @Field({ type: 'integer', nils: true, min: 0 }) mem_limit?: number | null;
  @Field({ type: 'string', nils: true, example: '52.30.169.34' }) public_ip?: string | null;
  @Field({ type: 'string', nils: true, example: '172.31.7.179' }) private_ip?: string | null;
  @Field({ type: 'string', nils: true, example: '0.1.0' }) agent_version?: string | null;
  @Field({ type: 'string', nils: true, example: '27.1.1' }) docker_version?: string | null;
  @Field({ type: 'array', of: NodeDriverDto }) network_drivers?: NodeDriverDto[];
  @Field({ type: 'array', of: NodeDriverDto }) volume_drivers?: NodeDriverDto[];

  validate(): ErrorHash | undefined {
    // Peers reach each other on these addresses (peer_ips), so they must be addresses.
    for (const [key, label] of [
      ['public_ip', 'Public Ip'],
      ['private_ip', 'Private Ip'],
    ] as const) {
      const value = this[key];
      if (typeof value === 'string' && isIP(value) === 0)
        return { [key]: `${label} isn't in the right format` };
    }
    return undefined;
  }

  /** The reported attributes, without the ones the agent did not send. */
  info(): Partial<NodeInfo> {
    const info: Partial<NodeInfo> = {};
    for (const field of NODE_INFO_FIELDS) {
      const value = this[field];
      if (value === undefined) continue;
      (info as Record<string, unknown>)[field] = Array.isArray(value)
        ? value.map((driver) => ({
            name: driver.name,
            ...(typeof driver.version === 'string' && { version: driver.version }),
          }))
        : value;
    }
    return info;
  }
}
