import { Command, Decider, DecisionContext, DomainEvent, fold, isDomainError } from '@libs/domain';
import { DomainError } from '@libs/domain';

/**
 * Given/when/then for deciders (STYLE.md, after emmett's DeciderSpecification):
 *
 *   spec.given([GridCreated…]).when(UpdateGrid…).then([GridUpdated…])
 *   spec.given([]).when(RemoveGrid…).thenFails(NotFound)
 *
 * Plain functions over plain data, so tests need no Nest and no I/O.
 */
export function deciderSpecification<State, C extends Command, E extends DomainEvent>(
  decider: Decider<State, C, E>,
  defaultContext: DecisionContext,
) {
  return {
    given(history: readonly E[]) {
      return {
        when(command: C, context: Partial<DecisionContext> = {}) {
          const result = decider.decide(command, fold(decider, history), { ...defaultContext, ...context });
          return {
            result,
            then(expected: readonly E[]) {
              if (isDomainError(result)) throw new Error(`expected events, got ${result.constructor.name}: ${result.message}`);
              expect(result).toEqual(expected);
            },
            thenFails<T extends DomainError>(kind: abstract new (...args: never[]) => T, check?: (error: T) => void) {
              if (!isDomainError(result)) throw new Error(`expected ${kind.name}, got events ${JSON.stringify(result)}`);
              expect(result).toBeInstanceOf(kind);
              check?.(result as T);
            },
          };
        },
      };
    },
  };
}

export const testContext: DecisionContext = {
  now: new Date('2026-11-22T12:00:00.000Z'),
  actor: { kind: 'user', userId: 'u-admin', email: 'admin' },
};
