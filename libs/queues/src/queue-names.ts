/**
 * Every BullMQ queue in the system (DESIGN.md §6). BullMQ forbids `:` in queue names and job ids; our
 * ids use `/`, which it allows.
 */
export const QUEUES = {
  /** "reconcile service X": one job per service id, coalesced with `keepLastIfActive`. */
  reconcile: 'reconcile',
  /** Instance states and instance events from agents: never dropped, they become events. */
  reports: 'agent-reports',
  /** Work for one node's agent; `nodeId` is `<grid>/<node>`. */
  agent: (nodeId: string) => `agent-${nodeId}`,
} as const;

/** BullMQ keys live under the deployment's Redis prefix, so two deployments or test files never meet. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/** Deterministic job ids: a retry or a reconciler restart can never enqueue the same work twice. */
export const jobIds = {
  reconcile: (serviceId: string) => `reconcile/${serviceId}`,
  /**
   * `generation` numbers the decision (placement, desired state) within the instance's placement stream: a
   * stop after a start is a new job, while a repeated pass sends the same one again (BullMQ keeps finished
   * jobs' ids for the retention period and drops the duplicate).
   */
  ensureInstance: (instanceId: string, deployRev: string, generation: number) => `ensure/${instanceId}/${deployRev}/${generation}`,
  removeInstance: (instanceId: string, deployRev: string) => `remove/${instanceId}/${deployRev}`,
  restartInstance: (instanceId: string, requestId: string) => `restart/${instanceId}/${requestId}`,
};
