import type { MappedPort, PortSpec } from './runtime';

/**
 * Host ports for an instance's container ports. Runtimes without their own network (the process runtime)
 * map every container port to a host port: the spec's `node_port`, else the port this instance had before
 * (stable across restarts and re-deploys, as a container keeps its published ports), else one the caller
 * allocates.
 */
export type PortPlan =
  | { ok: true; ports: Array<{ container_port: number; protocol: 'tcp' | 'udp'; host_port: number | null }> }
  | { ok: false; reason: string };

/** Who holds a host port on this node, other than the instance being planned. */
export type PortOwner = (protocol: 'tcp' | 'udp', hostPort: number) => string | undefined;

export function planHostPorts(ports: PortSpec[], previous: MappedPort[], ownerOf: PortOwner): PortPlan {
  const claimed = new Set<string>();
  const planned: Array<{ container_port: number; protocol: 'tcp' | 'udp'; host_port: number | null }> = [];
  for (const port of ports) {
    if (port.node_port == null) continue;
    const key = `${port.node_port}/${port.protocol}`;
    if (claimed.has(key)) return { ok: false, reason: `node port ${key} is given twice` };
    const owner = ownerOf(port.protocol, port.node_port);
    if (owner) return { ok: false, reason: `node port ${key} is already used by instance ${owner}` };
    claimed.add(key);
  }
  for (const port of ports) {
    if (port.node_port != null) {
      planned.push({
        container_port: port.container_port,
        protocol: port.protocol,
        host_port: port.node_port,
      });
      continue;
    }
    const before = previous.find(
      (p) =>
        p.container_port === port.container_port &&
        p.protocol === port.protocol &&
        !claimed.has(`${p.host_port}/${p.protocol}`) &&
        !ownerOf(p.protocol, p.host_port),
    );
    if (before) claimed.add(`${before.host_port}/${before.protocol}`);
    planned.push({
      container_port: port.container_port,
      protocol: port.protocol,
      host_port: before?.host_port ?? null,
    });
  }
  return { ok: true, ports: planned };
}

/**
 * How a process learns its ports: `PORT` is the first mapped port, `PORT_<container_port>` each one (the
 * first mapping of a container port wins). These override the spec's env: the process must listen where
 * the runtime publishes it.
 */
export function portEnvironment(ports: MappedPort[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (ports.length > 0) env.PORT = String(ports[0].host_port);
  for (const port of ports) {
    const name = `PORT_${port.container_port}`;
    if (!(name in env)) env[name] = String(port.host_port);
  }
  return env;
}

/** Where a container port answers on the host: its mapping, else the same number (host networking). */
export function hostPortFor(containerPort: number, ports: MappedPort[]): number {
  return (
    ports.find((p) => p.container_port === containerPort && p.protocol === 'tcp')?.host_port ??
    ports.find((p) => p.container_port === containerPort)?.host_port ??
    containerPort
  );
}
