import type { Command } from '../shared/decider';
import type { ServiceChanges, ServiceDefinition } from './service.definition';

/**
 * Input is already validated for shape and against other resources (the API's DTOs and handlers read the
 * read models for links, secrets, certificates); the decider enforces what depends on the service itself.
 */
/** `stack_revision`: the stack revision a stack deploy created the service from. */
export type CreateService = Command<
  'CreateService',
  { grid: string; stack: string; name: string; definition: ServiceDefinition; stack_revision?: number }
>;

/**
 * PUT: only the given attributes. `env` is the requested list; the decider merges it with the current one.
 * `stack_revision` is set when a stack deploy applies its revision to the service.
 */
export type UpdateService = Command<
  'UpdateService',
  { changes: ServiceChanges; force: boolean; stack_revision?: number }
>;

/** Ids come from the caller: deciders have no randomness. */
export type ScaleService = Command<'ScaleService', { instances: number; deploy_id: string }>;
export type DeployService = Command<
  'DeployService',
  { deploy_id: string; force: boolean; stack_deploy_id: string | null }
>;
export type StartService = Command<'StartService', Record<string, never>>;
export type StopService = Command<'StopService', Record<string, never>>;
export type RestartService = Command<'RestartService', Record<string, never>>;
export type AddServiceEnv = Command<'AddServiceEnv', { env: string }>;
export type RemoveServiceEnv = Command<'RemoveServiceEnv', { key: string }>;
export type RescheduleServiceInstance = Command<'RescheduleServiceInstance', { instance_number: number }>;
/** `linked_from`: names of the services that link to this one, read by the caller from the read models. */
export type RemoveService = Command<'RemoveService', { linked_from: string[] }>;

export type ServiceCommand =
  | CreateService
  | UpdateService
  | ScaleService
  | DeployService
  | StartService
  | StopService
  | RestartService
  | AddServiceEnv
  | RemoveServiceEnv
  | RescheduleServiceInstance
  | RemoveService;
