import { cpus, networkInterfaces, platform, release, totalmem, type } from 'node:os';
import { readFileSync } from 'node:fs';

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text);
    if (pretty) return pretty[1];
  } catch {
    // not Linux, or no os-release
  }
  return `${type()} ${platform()}`;
}

/** The first non-internal IPv4 address, for `private_ip` (Kontena's agent took the engine host's). */
export function privateAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return null;
}

/**
 * What the agent reports about its machine (Kontena's `/nodes/update`), under the node JSON's names. The
 * process and hollow runtimes have no engine: `driver` and `docker_version` stay null.
 */
export function nodeInfo(options: {
  name: string;
  labels: string[];
  agentVersion: string;
  publicIp?: string;
  privateIp?: string;
}): Record<string, unknown> {
  const privateIp = options.privateIp ?? privateAddress() ?? '127.0.0.1';
  return {
    name: options.name,
    labels: options.labels,
    os: osName(),
    kernel_version: release(),
    cpus: cpus().length,
    mem_total: totalmem(),
    public_ip: options.publicIp ?? privateIp,
    private_ip: privateIp,
    agent_version: options.agentVersion,
    docker_version: null,
    driver: null,
    network_drivers: [],
    volume_drivers: [{ name: 'local' }],
  };
}
