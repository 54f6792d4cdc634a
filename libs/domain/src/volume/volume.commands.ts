import type { Command } from '../shared/decider';
import type { VolumeCreated, VolumeRemovalReason } from './volume.events';

/** POST /v1/volumes/:grid; input is validated for shape by the API, the decider checks what needs state. */
export type CreateVolume = Command<'CreateVolume', VolumeCreated['data']>;

/**
 * DELETE /v1/volumes/:grid/:name. `services` are the ids of services that mount the volume, read by the
 * caller from the services' read model (another stream), as Kontena queried Mongo.
 */
export type RemoveVolume = Command<
  'RemoveVolume',
  { name: string; services: string[]; reason: VolumeRemovalReason }
>;

export type VolumeCommand = CreateVolume | RemoveVolume;
