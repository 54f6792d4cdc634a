import type { ConfigValue } from '@libs/domain';
import { HttpProblem } from '../common/http/errors';

/** A config body is a JSON hash of keys to values (Kontena's `parse_json_body`); anything else is not a config. */
export function configBody(body: unknown): Record<string, ConfigValue | null> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpProblem(400, { error: 'Invalid json' });
  return body as Record<string, ConfigValue | null>;
}
