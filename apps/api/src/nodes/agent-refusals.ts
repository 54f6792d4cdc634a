import { AGENT_CLOSE_CODES, AgentCloseCode, AgentRefused } from '@libs/domain';
import { DomainException, HttpProblem } from '../common/http/errors';

/**
 * Kontena refused agents by closing the websocket with a 4xxx code (kontena-behaviour.md §7). Over HTTP each
 * becomes a status; the body keeps the code and Kontena's reason: `{"error": "Invalid grid token",
 * "close_code": 4001}`. A missing name (4000) is an ordinary 422 `{"error":{"name":"Name is required"}}`.
 * Codes that only exist on a live connection (4020 clock skew, 4030/4031/4040/4041 keepalive) belong to the
 * agents' issue.
 */
const STATUS: Record<AgentCloseCode, number> = {
  [AGENT_CLOSE_CODES.missingNodeIdentity]: 422,
  [AGENT_CLOSE_CODES.invalidGridToken]: 401,
  [AGENT_CLOSE_CODES.invalidNodeToken]: 401,
  [AGENT_CLOSE_CODES.missingToken]: 401,
  [AGENT_CLOSE_CODES.nodeTokenBoundElsewhere]: 403,
  [AGENT_CLOSE_CODES.nodeHasNodeToken]: 403,
  [AGENT_CLOSE_CODES.agentNodeIdTaken]: 409,
  [AGENT_CLOSE_CODES.incompatibleVersion]: 400,
};

export function agentRefusalProblem(refusal: AgentRefused): HttpProblem {
  const status = STATUS[refusal.code];
  // 401 needs a challenge (RFC 9110); agents authenticate with Kontena's token headers, not a bearer token.
  const headers: Record<string, string> =
    status === 401 ? { 'WWW-Authenticate': 'Kontena-Agent realm="kontena_master"' } : {};
  return new HttpProblem(status, { error: refusal.message, close_code: refusal.code }, headers);
}

/** Runs an agent request, answering refusals with the mapping above; everything else passes through. */
export async function answeringRefusals<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainException && error.error instanceof AgentRefused)
      throw agentRefusalProblem(error.error);
    throw error;
  }
}
