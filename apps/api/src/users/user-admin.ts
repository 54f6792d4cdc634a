import { HttpProblem } from '../common/http/errors';

export { isUserAdmin } from '../common/auth/grid-access';

/**
 * 403 with Kontena's users-list body. Kontena answered other user-management refusals with 400 or 422
 * `{"error":{"user":"Operation not allowed"}}`; a lack of rights is a 403 everywhere here.
 */
export function operationNotAllowed(): HttpProblem {
  return new HttpProblem(403, { error: 'Operation not allowed' });
}
