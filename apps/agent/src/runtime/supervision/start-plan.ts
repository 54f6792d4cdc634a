import { changedFields } from '../instance-spec';
import type { InstanceSpec, InstanceStatus } from '../runtime';

/** What `start(spec)` has to do about what already exists for the instance, so that it is idempotent. */
export type StartPlan =
  | { action: 'create' }
  /** Running this spec (or busy starting it): nothing to do. */
  | { action: 'keep' }
  /** This spec, but not running (stopped, exited, waiting out a back-off): start it now. */
  | { action: 'start' }
  /** Another spec: replace it. `changed` names the fields when the old spec is known, else `['spec']`. */
  | { action: 'replace'; changed: string[] };

export interface ExistingInstance {
  spec_hash: string;
  status: InstanceStatus;
  /** Known when this runtime started it; an adopted instance has only its hash. */
  spec: InstanceSpec | null;
}

const UP: ReadonlySet<InstanceStatus> = new Set(['starting', 'running', 'restarting']);

export function planStart(
  existing: ExistingInstance | null,
  desired: InstanceSpec,
  desiredHash: string,
): StartPlan {
  if (!existing) return { action: 'create' };
  if (existing.spec_hash !== desiredHash) {
    const changed = existing.spec ? changedFields(existing.spec, desired) : [];
    return { action: 'replace', changed: changed.length > 0 ? changed : ['spec'] };
  }
  return UP.has(existing.status) ? { action: 'keep' } : { action: 'start' };
}
