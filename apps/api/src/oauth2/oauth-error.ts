import type { Request } from 'express';
import { HttpProblem } from '../common/http/errors';

/** Kontena's OAuth2 endpoints answer JSON when the client speaks JSON, else form-encoded (§8 `want_json?`). */
export function wantsJson(request: Request): boolean {
  const mime = (header: string | undefined) => header?.split(';')[0].trim().toLowerCase();
  return mime(request.headers.accept) === 'application/json' || mime(request.headers['content-type']) === 'application/json';
}

/** `{error, error_description}` with the bearer challenge header, as Kontena's `mime_halt` (§3). */
export function oauthError(status: number, error: string, description: string | null = null): HttpProblem {
  const challenge = `Bearer realm="kontena_master", error="${error}"${description ? `, error_description="${description}"` : ''}`;
  return new HttpProblem(status, { error, error_description: description }, { 'WWW-Authenticate': challenge });
}
