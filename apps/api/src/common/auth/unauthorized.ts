import { HttpProblem } from '../http/errors';

/**
 * 401 with the OAuth2 bearer challenge. Kontena answered 403 here; the public API reference (and the
 * issue) say 401 for a missing or invalid token, which is also what RFC 6750 asks for.
 */
export function unauthorized(description: 'Invalid token' | 'Token expired'): HttpProblem {
  return new HttpProblem(
    401,
    { error: 'invalid_token', error_description: description },
    { 'WWW-Authenticate': `Bearer realm="kontena_master", error="invalid_token", error_description="${description}"` },
  );
}

export function accessDenied(message = 'Access denied'): HttpProblem {
  return new HttpProblem(403, { error: message });
}
