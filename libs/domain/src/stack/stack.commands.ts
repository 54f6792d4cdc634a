import type { Command } from '../shared/decider';
import type { StackRevisionData } from './stack.events';

/** Input is validated (services, volumes, links) by the caller against the read models before it gets here. */
export type CreateStack = Command<
  'CreateStack',
  { grid: string; name: string; parent_name: string | null; labels: string[]; revision: StackRevisionData }
>;
/** PUT replaces the revision; `labels` only when given. */
export type UpdateStack = Command<'UpdateStack', { labels?: string[]; revision: StackRevisionData }>;
export type PatchStack = Command<'PatchStack', { labels?: string[] }>;
export type DeployStack = Command<
  'DeployStack',
  {
    stack_deploy_id: string;
    service_deploys: { service: string; deploy_id: string }[];
    removed_services: string[];
  }
>;
export type StopStack = Command<'StopStack', Record<string, never>>;
export type RestartStack = Command<'RestartStack', Record<string, never>>;
/** `linked_from_other_stacks`: `stack/service` names outside this stack that link into it (read models). */
export type RemoveStack = Command<'RemoveStack', { linked_from_other_stacks: string[] }>;
/** Its services are gone: the stack itself goes. */
export type FinishStackRemoval = Command<'FinishStackRemoval', Record<string, never>>;

export type StackCommand =
  | CreateStack
  | UpdateStack
  | PatchStack
  | DeployStack
  | StopStack
  | RestartStack
  | RemoveStack
  | FinishStackRemoval;
