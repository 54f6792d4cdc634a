import { WrongExpectedVersionError } from '@eventstore/db-client';
import { Actor, DomainEvent, placementDecider, serviceDecider } from '@libs/domain';
import { AggregateCommandHandler, CURRENT_SCHEMA_VERSION, EventMetadata, streamName } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import type { Plan } from '../plan/plan-types';
import { deployProgressFold } from '../state/deploy-progress';
import { stackDeployProgressFold } from '../state/stack-deploys';
import type { AgentQueues } from './agent-queues';
import type { ReconcileRequests } from './reconcile-requests';

const RECONCILER: Actor = { kind: 'system', component: 'reconciler' };
const SCHEDULER: Actor = { kind: 'system', component: 'scheduler' };

/** Another writer appended to a stream this pass decided on: the pass is repeated on fresh state. */
export class ConcurrentChange extends Error {
  constructor(readonly stream: string) {
    super(`${stream} changed while the pass decided`);
    this.name = 'ConcurrentChange';
  }
}

/**
 * Carries out a plan (docs/reconciliation.md, step 3): appends its events, each stream with the revision the
 * pass read as the expected one (deploy streams first: they hold the decisions the placement follows), then
 * requests the scheduler's deploys, then sends the jobs. A crash in between is repaired by the next pass,
 * which sees what was recorded and sends the same jobs again under the same ids.
 */
export class PlanExecutor {
  constructor(
    /** The state loader's: what a pass appends is folded into the states the next pass starts from. */
    private readonly streams: AggregateCommandHandler,
    /** For the service decider only (its own cache: the pass folds the service's stream differently). */
    private readonly services: AggregateCommandHandler,
    private readonly agents: AgentQueues,
    private readonly requests: ReconcileRequests,
    private readonly logger: Logger,
  ) {}

  async execute(serviceId: string, now: number, plan: Plan): Promise<void> {
    const metadata: EventMetadata = {
      actor: RECONCILER,
      correlationId: serviceId,
      occurredAt: new Date(now).toISOString(),
      schemaVersion: CURRENT_SCHEMA_VERSION,
    };
    for (const [deployId, { version, events }] of plan.deployEvents) {
      await this.append(streamName('deploy', deployId), deployProgressFold, version, events, metadata);
    }
    for (const [stackDeployId, { version, events }] of plan.stackDeployEvents) {
      await this.append(
        streamName('stackdeploy', stackDeployId),
        stackDeployProgressFold,
        version,
        events,
        metadata,
      );
    }
    if (plan.placementEvents.length > 0) {
      await this.append(
        streamName('placement', serviceId),
        placementDecider,
        plan.placementVersion,
        plan.placementEvents,
        metadata,
      );
    }
    for (const { deploy_id, force } of plan.deployRequests) {
      // The scheduler loop asks for a deploy as a user would (`GridServices::Deploy.run!`); a removed service refuses.
      const outcome = await this.services.handle(
        streamName('service', serviceId),
        serviceDecider,
        { type: 'DeployService', data: { deploy_id, force, stack_deploy_id: null } },
        { now: new Date(now), actor: SCHEDULER, metadata: { correlationId: serviceId } },
      );
      if (!('events' in outcome))
        this.logger.warn({ serviceId, deploy_id, refusal: outcome.message }, 'scheduler deploy refused');
    }
    if (plan.jobs.length > 0) await this.agents.send(plan.jobs);
    if (plan.reconcileAlso.length > 0) await this.requests.requestAll(plan.reconcileAlso);
  }

  /** `version` counts the events the pass saw in the stream, so the expected revision is one less. */
  private async append<State, E extends DomainEvent>(
    stream: string,
    fold: { initialState: State; evolve: (state: State, event: E) => State },
    version: number,
    events: readonly DomainEvent[],
    metadata: EventMetadata,
  ): Promise<void> {
    try {
      await this.streams.append(
        stream,
        fold,
        version === 0 ? undefined : BigInt(version - 1),
        events as readonly E[],
        metadata,
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new ConcurrentChange(stream);
      throw error;
    }
  }
}
