/**
 * Kontena's validation error body: a field name mapped to a message, a list of messages, or a nested
 * hash (kontena-behaviour.md §3), e.g. `{"services":{"redis":{"env":["Env[0] isn't in the right format"]}}}`.
 */
export type ErrorValue = string | (ErrorValue | null)[] | ErrorHash;
export type ErrorHash = { [field: string]: ErrorValue };

/**
 * Why a command was refused. Each kind maps to exactly one HTTP answer, in one place (the API's error
 * filter), so deciders never know about HTTP.
 */
export abstract class DomainError {
  abstract readonly kind: 'validation' | 'not-found' | 'forbidden' | 'conflict' | 'unavailable';
  abstract readonly message: string;
}

/** 422 `{"error": errors}`: the input is well-formed but not acceptable. */
export class ValidationFailed extends DomainError {
  readonly kind = 'validation';
  constructor(readonly errors: ErrorHash) {
    super();
  }
  get message(): string {
    return JSON.stringify(this.errors);
  }
  static of(field: string, message: string): ValidationFailed {
    return new ValidationFailed({ [field]: message });
  }
}

/** 404 with Kontena's body for the resource (`{"error":"Not found"}` unless a variation is given). */
export class NotFound extends DomainError {
  readonly kind = 'not-found';
  constructor(readonly message = 'Not found', readonly body: object = { error: message }) {
    super();
  }
}

/** 403 `{"error":"Access denied"}` or a variation such as "Operation not allowed". */
export class Forbidden extends DomainError {
  readonly kind = 'forbidden';
  constructor(readonly message = 'Access denied') {
    super();
  }
}

/**
 * The aggregate changed under the caller (a pinned `If-Match` revision no longer holds): 412.
 * Never produced by deciders; the command handler raises it.
 */
export class RevisionConflict extends DomainError {
  readonly kind = 'conflict';
  constructor(readonly expected: bigint, readonly actual: bigint | 'no_stream') {
    super();
  }
  get message(): string {
    return `expected revision ${this.expected}, stream is at ${this.actual}`;
  }
}

/** 503: a dependency needed for this command is not configured (e.g. no VAULT_KEY for secrets). */
export class Unavailable extends DomainError {
  readonly kind = 'unavailable';
  constructor(readonly message: string) {
    super();
  }
}
