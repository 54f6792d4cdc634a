import type { Projection } from '@libs/read-model';
import { auditLogProjection } from './audit-log.projection';
import { configProjection } from './config.projection';
import { eventLogsProjection } from './event-logs.projection';
import { gridsProjection } from './grids.projection';
import { instancesProjection } from './instances.projection';
import { registriesProjection } from './registries.projection';
import { secretsProjection } from './secrets.projection';
import { nodesProjection } from './nodes.projection';
import { servicesProjection } from './services.projection';
import { stacksProjection } from './stacks.projection';
import { tokensProjection } from './tokens.projection';
import { usersProjection } from './users.projection';
import { volumesProjection } from './volumes.projection';

/** Every read model the projector maintains; each event is offered to all of them, in this order. */
export const PROJECTIONS: readonly Projection[] = [
  usersProjection,
  tokensProjection,
  gridsProjection,
  nodesProjection,
  stacksProjection,
  servicesProjection,
  instancesProjection,
  configProjection,
  secretsProjection,
  registriesProjection,
  volumesProjection,
  auditLogProjection,
  eventLogsProjection,
];
