import type { Command } from '../shared/decider';
import type { RegistryCreated, RegistryRemovalReason } from './registry.events';

/** POST /v1/grids/:grid/external_registries; `name` is derived from the URL (`registryName`). */
export type CreateRegistry = Command<'CreateRegistry', RegistryCreated['data']>;
export type RemoveRegistry = Command<'RemoveRegistry', { reason: RegistryRemovalReason }>;

export type RegistryCommand = CreateRegistry | RemoveRegistry;
