import { containerName } from '@libs/queues';

/** An instance id `<grid>/<stack>/<service>/<n>` taken apart: every scope a line or a sample belongs to. */
export interface InstanceRef {
  id: string;
  grid: string;
  stack: string;
  service: string;
  /** `<grid>/<stack>`: the `null` stack too, which Kontena's stack routes answer for. */
  stackId: string;
  /** `<grid>/<stack>/<service>`. */
  serviceId: string;
  number: number;
  /** Kontena's container name, `<stack>.<service>-<n>` (`<service>-<n>` in the `null` stack). */
  containerName: string;
}

export interface NodeRef {
  id: string;
  grid: string;
  name: string;
}

const NUMBER = /^[1-9]\d{0,5}$/;

/** The instance an agent names, or `undefined` when the id is not one. */
export function parseInstanceId(id: unknown): InstanceRef | undefined {
  if (typeof id !== 'string') return undefined;
  const parts = id.split('/');
  if (parts.length !== 4 || parts.some((part) => part === '') || !NUMBER.test(parts[3])) return undefined;
  const [grid, stack, service, n] = parts;
  const number = Number(n);
  return {
    id,
    grid,
    stack,
    service,
    stackId: `${grid}/${stack}`,
    serviceId: `${grid}/${stack}/${service}`,
    number,
    containerName: containerName({ stack, name: service }, number),
  };
}

/** The node `<grid>/<node>` that sent a report, or `undefined`. */
export function parseNodeId(id: unknown): NodeRef | undefined {
  if (typeof id !== 'string') return undefined;
  const parts = id.split('/');
  if (parts.length !== 2 || parts.some((part) => part === '')) return undefined;
  return { id, grid: parts[0], name: parts[1] };
}

/** Whether an instance may be reported by this node: a node speaks only for its own grid. */
export function sameGrid(node: NodeRef, instance: InstanceRef): boolean {
  return node.grid === instance.grid;
}
