import type { Command } from '../shared/decider';
import type { InstanceEventReported, InstanceStateReported } from './placement.events';

/** What an agent reported about an instance's state (the report worker, from `@libs/queues` reports). */
export type RecordInstanceReport = Command<'RecordInstanceReport', InstanceStateReported['data']>;

/** An instance event an agent reported, for the event logs. */
export type RecordInstanceEvent = Command<'RecordInstanceEvent', InstanceEventReported['data']>;

export type PlacementCommand = RecordInstanceReport | RecordInstanceEvent;
