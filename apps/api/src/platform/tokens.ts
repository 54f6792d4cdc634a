/** Injection token of the request-path Redis connection. */
export const REDIS = Symbol('REDIS');
