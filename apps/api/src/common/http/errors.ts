import { DomainError, isDomainError } from '@libs/domain';

/** Carries a refused command out of a controller to the one place that maps it to HTTP. */
export class DomainException extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
    this.name = 'DomainException';
  }
}

/** An answer with an exact status, body and headers (Kontena's OAuth2 shapes, empty 404s, …). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'error' in body ? String((body as { error: unknown }).error) : `HTTP ${status}`);
    this.name = 'HttpProblem';
  }
}

/** Returns the value, or throws the domain error for the exception filter to answer. */
export function unwrap<T>(result: T | DomainError): T {
  if (isDomainError(result)) throw new DomainException(result);
  return result;
}
