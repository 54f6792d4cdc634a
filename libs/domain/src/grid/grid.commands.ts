import type { Command } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';
import type { GridSettings } from './grid.events';
import type { ClaimNodeNumberInput } from './node-claims';

/** Input is already validated for shape (the API's DTOs); the decider enforces what depends on state. */
export type CreateGrid = Command<
  'CreateGrid',
  GridSettings & {
    name: string;
    initial_size: number;
    subnet: string;
    supernet: string;
    data_key_id: string;
    token: SealedValue;
    token_hash: string;
    creator: string;
  }
>;
export type UpdateGrid = Command<'UpdateGrid', Partial<GridSettings>>;
export type AssignGridUser = Command<'AssignGridUser', { email: string }>;
/**
 * `userRemoved`: the user is being deleted (DELETE /v1/users/:email), so they leave even a grid they are the
 * last user of; only master_admins reach such a grid afterwards.
 */
export type UnassignGridUser = Command<'UnassignGridUser', { email: string; userRemoved?: boolean }>;
/** Whether the grid still has nodes or services is read by the caller: those live in other streams. */
export type RemoveGrid = Command<'RemoveGrid', { hasNodes: boolean; hasServices: boolean }>;

/** Seats a new node: the lowest free number, and its (possibly renamed) unique name (see `node-claims.ts`). */
export type ClaimNodeNumber = Command<'ClaimNodeNumber', ClaimNodeNumberInput>;
/** Records the agent node id an existing node is bound to through its node token. */
export type ClaimNodeAgent = Command<'ClaimNodeAgent', { node: string; agent_node_id: string }>;
/** Frees a removed node's number, name and agent node id. */
export type ReleaseNodeNumber = Command<'ReleaseNodeNumber', { node: string }>;

export type GridCommand = CreateGrid | UpdateGrid | AssignGridUser | UnassignGridUser | RemoveGrid | ClaimNodeNumber | ClaimNodeAgent | ReleaseNodeNumber;
