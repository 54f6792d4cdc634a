/** Kontena's node numbers: at most 254 nodes per grid, one per host address of a /24 (`Grid::NODE_NUMBERS`). */
export const NODE_NUMBERS = { first: 1, last: 254 } as const;

/** The lowest node number no claim holds, or `undefined` when the grid is full (kontena-behaviour.md §7). */
export function lowestFreeNodeNumber(taken: Iterable<number>): number | undefined {
  const used = new Set(taken);
  for (let n = NODE_NUMBERS.first; n <= NODE_NUMBERS.last; n++) if (!used.has(n)) return n;
  return undefined;
}

/** Initial members form the grid's etcd cluster: `node_number <= grid.initial_size` (§7). */
export function isInitialMember(nodeNumber: number, initialSize: number): boolean {
  return nodeNumber <= initialSize;
}

/**
 * The node's address on the grid's overlay network: `IPAddr(grid.subnet) | node_number` (§7), so node 3 of
 * `10.81.0.0/16` is `10.81.0.3`. Grids are created with IPv4 subnets (the overlay is IPv4); any other
 * subnet yields `null` rather than a made-up address.
 */
export function overlayIp(subnet: string, nodeNumber: number): string | null {
  const [address] = subnet.split('/');
  const octets = address.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return null;
  const base = octets.reduce((value, octet) => value * 256 + Number(octet), 0);
  // Bitwise OR on the unsigned 32-bit value, as Ruby's IPAddr#| does.
  const combined = (base | nodeNumber) >>> 0;
  return [24, 16, 8, 0].map((shift) => (combined >>> shift) & 255).join('.');
}
