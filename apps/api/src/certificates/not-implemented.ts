import { HttpProblem } from '../common/http/errors';

/**
 * Let's Encrypt (ACME v1, which Kontena used, is shut down) is not built yet. Every certificate and
 * domain authorization route still checks its input (422), the token (401) and the grid (403/404), then
 * says plainly that the feature is missing rather than pretending with empty lists.
 */
export function letsEncryptNotImplemented(): HttpProblem {
  return new HttpProblem(501, { error: "Not implemented: Let's Encrypt certificates are not supported yet" });
}
