import type { Request } from 'express';

/**
 * Kontena's `params_from_anywhere` (oauth2_api.rb): JSON, form or query parameters, strings stripped, blank
 * values absent. Numbers and booleans in a JSON body count as their text (`expires_in: 7200`).
 */
export function oauthParams(request: Request): Record<string, string | undefined> {
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? request.body : {};
  const merged: Record<string, unknown> = { ...(request.query as Record<string, unknown>), ...body };
  return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, text(v)]));
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The request's bearer token, if it sent one. */
export function bearerOf(request: Request): string | undefined {
  const header = request.headers.authorization;
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}
