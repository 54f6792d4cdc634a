import { DomainError } from './domain-error';

/** Who asked for a change; recorded on every event (DESIGN.md §3). */
export type Actor =
  | { kind: 'user'; userId: string; email: string }
  | { kind: 'node'; nodeId: string; grid: string }
  | { kind: 'system'; component: string };

/**
 * What a decision may depend on besides the command and the state. Time and the actor come in here so a
 * decider never reads a clock (STYLE.md: pure deciders).
 */
export interface DecisionContext {
  readonly now: Date;
  readonly actor: Actor;
}

/** A domain event as deciders see it: a type and its data; the envelope is added by the event store layer. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

export interface Command<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** `decide` answers with the events to append, or why not. An empty list means "nothing to change". */
export type Decision<E extends DomainEvent> = readonly E[] | DomainError;

/**
 * An aggregate as a pure trio (STYLE.md, emmett/oskardudycz): `evolve` folds events into state and
 * `decide` turns a command into events. No I/O, no clock, no randomness.
 */
export interface Decider<State, C extends Command, E extends DomainEvent> {
  readonly initialState: State;
  evolve(state: State, event: E): State;
  decide(command: C, state: State, context: DecisionContext): Decision<E>;
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** Folds a history into state; used by the command handler and by tests. */
export function fold<State, E extends DomainEvent>(decider: Pick<Decider<State, never, E>, 'initialState' | 'evolve'>, events: readonly E[]): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}

/** Exhaustiveness guard for `switch` over a discriminated union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
