import {
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  Command,
  Decider,
  DecisionContext,
  DomainError,
  DomainEvent,
  isDomainError,
  RevisionConflict,
} from '@libs/domain';
import { AggregateCache, Fold, Folded } from './aggregate-cache';
import { CURRENT_SCHEMA_VERSION, EventMetadata, toEventData } from './envelope';
import { KeyedMutex } from './keyed-mutex';
import type { AllPosition } from './positions';

/** The expected revision of an append to a stream this process last saw at `revision` (none: not yet created). */
const expectedOf = (revision: bigint | undefined) => (revision === undefined ? NO_STREAM : revision);

/** The request context a command carries into its events' metadata (DESIGN.md §3). */
export type CommandMetadata = Omit<EventMetadata, 'occurredAt' | 'schemaVersion' | 'actor'>;

export interface HandleCommandOptions {
  /**
   * The revision the client pinned with `If-Match`. A conflict then surfaces as `RevisionConflict` (412)
   * instead of being retried: the client asked not to overwrite what it has not seen.
   */
  expectedRevision?: bigint | 'no_stream';
  /** Attempts on a version conflict when nothing is pinned. */
  maxAttempts?: number;
}

export interface CommandOutcome<State, E extends DomainEvent> {
  /** Events appended by this command (empty when the decision was "nothing to change"). */
  events: readonly E[];
  /** The state after the command. */
  state: State;
  /** The stream's revision after the command; `undefined` while the stream does not exist. */
  revision: bigint | undefined;
  /**
   * The append's `$all` position (for a multi-event append, the one position the server answers with,
   * eventstoredb-protocol.md §3.2); absent when nothing was appended. Read-your-writes waits on the stream's
   * revision instead, which is exact however many events were appended.
   */
  position?: AllPosition;
}

/** Stream read while folding; a stream that does not exist yet is simply empty. */
async function readFrom<State, E extends DomainEvent>(
  client: EventStoreDBClient,
  stream: string,
  decider: Pick<Decider<State, never, E>, 'evolve'>,
  from: { state: State; revision: bigint | undefined },
): Promise<{ state: State; revision: bigint | undefined }> {
  let { state, revision } = from;
  try {
    const events = client.readStream(stream, {
      fromRevision: revision === undefined ? START : revision + 1n,
    });
    for await (const { event } of events) {
      if (!event || !event.isJson) continue;
      state = decider.evolve(state, { type: event.type, data: event.data } as unknown as E);
      revision = event.revision;
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return { state, revision };
}

/**
 * The one generic command handler (STYLE.md, after emmett's handleCommand): read and fold, decide,
 * append with the loaded revision as the expected revision, and on a version conflict start over a
 * bounded number of times, unless the caller pinned a revision. Folded states are cached, so a process
 * that wrote an aggregate last decides on it without reading it again (one round trip per command).
 */
export class AggregateCommandHandler {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly cache: AggregateCache = new AggregateCache(),
  ) {}

  /** What this process folded of the stream so far, or the fold's initial state before any event. */
  private cachedOrNew<State>(stream: string, fold: { initialState: State; evolve: Fold }): Folded<State> {
    return this.cache.get<State>(stream, fold.evolve) ?? { state: fold.initialState, revision: undefined };
  }

  /** The aggregate's current state, without deciding anything. */
  async load<State, E extends DomainEvent>(
    stream: string,
    decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>,
  ): Promise<State> {
    const cached = this.cachedOrNew<State>(stream, decider);
    const loaded = await readFrom(this.client, stream, decider, cached);
    this.cache.set(stream, decider.evolve, loaded);
    return loaded.state;
  }

  /**
   * Appends events decided elsewhere (a reconcile pass plans several streams at once) with the revision they
   * were decided on as the expected one, and folds them into the cached state when it is still at that
   * revision: the next `load` then reads nothing back, where it used to fetch and decode every event the
   * process had just written. A conflict surfaces as `WrongExpectedVersionError`, for the caller to decide on.
   * Runs under the stream's lock, so a `handleBatch` on the same stream waits and starts from this state.
   */
  append<State, E extends DomainEvent>(
    stream: string,
    fold: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>,
    expectedRevision: bigint | undefined,
    events: readonly E[],
    metadata: EventMetadata,
  ): Promise<{ revision: bigint; position?: AllPosition }> {
    return this.mutex.run(stream, async () => {
      const result = await this.client.appendToStream(
        stream,
        events.map((event) => toEventData(event, metadata)),
        { expectedRevision: expectedOf(expectedRevision) },
      );
      // On a cache miss this is the new stream's state, which fits only an append that created the stream.
      const cached = this.cachedOrNew<State>(stream, fold);
      if (cached.revision === expectedRevision)
        this.cache.set(stream, fold.evolve, {
          state: events.reduce(fold.evolve, cached.state),
          revision: result.nextExpectedRevision,
        });
      return { revision: result.nextExpectedRevision, position: result.position };
    });
  }

  handle<State, C extends Command, E extends DomainEvent>(
    stream: string,
    decider: Decider<State, C, E>,
    command: C,
    context: DecisionContext & { metadata?: CommandMetadata },
    options: HandleCommandOptions = {},
  ): Promise<CommandOutcome<State, E> | DomainError> {
    return this.mutex.run(stream, () => this.decideAndAppend(stream, decider, command, context, options));
  }

  /**
   * Several commands on one stream decided one after another (each sees the events of those before it) and
   * appended together, with one expected revision: many agents' reports on one service cost one append, not
   * one each. Each command gets its own outcome; a refused command appends nothing and does not stop the rest.
   * Conflicts start the whole batch over on fresh state, as `handle` does.
   */
  handleBatch<State, C extends Command, E extends DomainEvent>(
    stream: string,
    decider: Decider<State, C, E>,
    commands: readonly { command: C; context: DecisionContext & { metadata?: CommandMetadata } }[],
    options: Pick<HandleCommandOptions, 'maxAttempts'> = {},
  ): Promise<(CommandOutcome<State, E> | DomainError)[]> {
    return this.mutex.run(stream, () =>
      this.decideAndAppendBatch(stream, decider, commands, options.maxAttempts ?? 8),
    );
  }

  private async decideAndAppendBatch<State, C extends Command, E extends DomainEvent>(
    stream: string,
    decider: Decider<State, C, E>,
    commands: readonly { command: C; context: DecisionContext & { metadata?: CommandMetadata } }[],
    maxAttempts: number,
  ): Promise<(CommandOutcome<State, E> | DomainError)[]> {
    for (let attempt = 1; ; attempt++) {
      // As in `handle`: the first attempt assumes the cached state, and only an append confirms it; a batch
      // that decided nothing (or refused something) on an assumption is decided again on what a read shows.
      const cached = this.cachedOrNew<State>(stream, decider);
      const decideAll = (from: { state: State; revision: bigint | undefined }) => {
        let state = from.state;
        const events: { event: E; metadata: EventMetadata }[] = [];
        const outcomes = commands.map(({ command, context }) => {
          const decision = decider.decide(command, state, context);
          if (isDomainError(decision)) return decision;
          const metadata: EventMetadata = {
            ...context.metadata,
            actor: context.actor,
            occurredAt: context.now.toISOString(),
            schemaVersion: CURRENT_SCHEMA_VERSION,
          };
          for (const event of decision) events.push({ event, metadata });
          state = decision.reduce(decider.evolve, state);
          return { events: decision, state };
        });
        return { state, events, outcomes };
      };
      let loaded = attempt === 1 ? cached : await readFrom(this.client, stream, decider, cached);
      let decided = decideAll(loaded);
      if (attempt === 1 && (decided.events.length === 0 || decided.outcomes.some(isDomainError))) {
        loaded = await readFrom(this.client, stream, decider, cached);
        decided = decideAll(loaded);
      }
      this.cache.set(stream, decider.evolve, loaded);
      if (decided.events.length === 0) {
        return decided.outcomes.map((o) => (isDomainError(o) ? o : { ...o, revision: loaded.revision }));
      }
      try {
        const result = await this.client.appendToStream(
          stream,
          decided.events.map(({ event, metadata }) => toEventData(event, metadata)),
          { expectedRevision: expectedOf(loaded.revision) },
        );
        this.cache.set(stream, decider.evolve, {
          state: decided.state,
          revision: result.nextExpectedRevision,
        });
        return decided.outcomes.map((o) =>
          isDomainError(o) ? o : { ...o, revision: result.nextExpectedRevision, position: result.position },
        );
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        this.cache.delete(stream);
        if (attempt >= maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private async decideAndAppend<State, C extends Command, E extends DomainEvent>(
    stream: string,
    decider: Decider<State, C, E>,
    command: C,
    context: DecisionContext & { metadata?: CommandMetadata },
    options: HandleCommandOptions,
  ): Promise<CommandOutcome<State, E> | DomainError> {
    const pinned = options.expectedRevision;
    const maxAttempts = pinned === undefined ? (options.maxAttempts ?? 8) : 1;

    for (let attempt = 1; ; attempt++) {
      // First attempt without a pin: assume what this process last saw (or, knowing nothing, that the stream
      // is new) instead of reading. An assumption is only ever appended with its own expected revision, so a
      // stale one fails the append and the next attempt reads; refusals and no-ops are confirmed by a read.
      const assumed = attempt === 1 && pinned === undefined;
      const cached = this.cachedOrNew<State>(stream, decider);
      let { state, revision } = assumed ? cached : await readFrom(this.client, stream, decider, cached);
      let decision = decider.decide(command, state, context);
      if (assumed && (isDomainError(decision) || decision.length === 0)) {
        ({ state, revision } = await readFrom(this.client, stream, decider, cached));
        decision = decider.decide(command, state, context);
      }
      this.cache.set(stream, decider.evolve, { state, revision });

      if (pinned !== undefined && (pinned === 'no_stream' ? revision !== undefined : revision !== pinned)) {
        return new RevisionConflict(pinned === 'no_stream' ? -1n : pinned, revision ?? 'no_stream');
      }
      if (isDomainError(decision)) return decision;
      if (decision.length === 0) return { events: [], state, revision };

      const metadata: EventMetadata = {
        ...context.metadata,
        actor: context.actor,
        occurredAt: context.now.toISOString(),
        schemaVersion: CURRENT_SCHEMA_VERSION,
      };
      try {
        const result = await this.client.appendToStream(
          stream,
          decision.map((event) => toEventData(event, metadata)),
          { expectedRevision: expectedOf(revision) },
        );
        const next = decision.reduce(decider.evolve, state);
        this.cache.set(stream, decider.evolve, { state: next, revision: result.nextExpectedRevision });
        return {
          events: decision,
          state: next,
          revision: result.nextExpectedRevision,
          position: result.position,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        this.cache.delete(stream);
        if (pinned !== undefined) {
          const actual = typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no_stream';
          return new RevisionConflict(pinned === 'no_stream' ? -1n : pinned, actual);
        }
        if (attempt >= maxAttempts) throw error;
        // Jittered back-off so writers contending for one stream do not collide again in lock-step.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }
}
