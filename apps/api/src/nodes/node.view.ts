import type { NodeDoc } from '@libs/read-model';

/**
 * Kontena's node JSON (`views/v1/host_nodes/_host_node.json.jbuilder`) from the read model. Differences on
 * purpose: the `grid` object leaves out the grid token (Kontena showed it to every grid user; GET
 * /v1/grids/:grid shows it to those who may administer the grid), and `updated` is Kontena's
 * `updated?` (connected and reported since).
 */
export function renderNode(doc: NodeDoc): Record<string, unknown> {
  const grid = doc.grid;
  return {
    id: doc.id,
    node_id: doc.node_id,
    connected: doc.connected,
    updated: doc.connected && doc.updated,
    availability: doc.availability,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
    connected_at: doc.connected_at,
    last_seen_at: doc.last_seen_at,
    disconnected_at: doc.disconnected_at,
    status: doc.status,
    has_token: doc.has_token,
    name: doc.name,
    os: doc.os,
    engine_root_dir: doc.engine_root_dir,
    driver: doc.driver,
    network_drivers: doc.network_drivers,
    volume_drivers: doc.volume_drivers,
    kernel_version: doc.kernel_version,
    labels: doc.labels,
    mem_total: doc.mem_total,
    mem_limit: doc.mem_limit,
    cpus: doc.cpus,
    public_ip: doc.public_ip,
    private_ip: doc.private_ip,
    overlay_ip: doc.overlay_ip,
    agent_version: doc.agent_version,
    docker_version: doc.docker_version,
    peer_ips: doc.peer_ips,
    node_number: doc.node_number,
    initial_member: doc.initial_member,
    grid: {
      id: grid.id,
      name: grid.name,
      initial_size: grid.initial_size,
      stats: { statsd: grid.stats.statsd },
      ...(grid.logs ? { logs: { forwarder: grid.logs.forwarder, opts: grid.logs.opts } } : {}),
      trusted_subnets: grid.trusted_subnets,
      subnet: grid.subnet,
      supernet: grid.supernet,
    },
    // Kontena renders an empty object until the agent has sent stats (the agents' issue fills it).
    resource_usage: doc.resource_usage ?? {},
  };
}

/** `views/v1/host_nodes/token.json.jbuilder`. */
export function renderNodeToken(doc: NodeDoc, token: string): { id: string; token: string } {
  return { id: doc.id, token };
}
