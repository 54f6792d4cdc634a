import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { hashToken, randomToken } from '../../common/auth/token-hash';
import { ApiConfig } from '../../config';
import { REDIS } from '../../platform/tokens';

/** One sign-in through the provider in progress: where to send the browser back, and for whom if known. */
export interface AuthorizationRequest {
  redirect_uri: string;
  /** Seconds the resulting token lives; 0 never expires. */
  expires_in: number;
  /** The invited or already signed-in user this sign-in is for. */
  user_email: string | null;
}

/** Kontena's AuthorizationRequest lives an hour (models/authorization_request.rb TTL index). */
const TTL_SECONDS = 3600;

/**
 * The `state` of sign-ins in progress (kontena-behaviour.md §8). This is a short-lived handshake, not domain
 * state, so it is kept in Redis with an expiry (like node heartbeats, DESIGN.md §5) rather than as events; the
 * sign-in itself is recorded as events (the user's identity link and the code issued). The state is a random
 * 32 bytes, stored only hashed, and taken at most once.
 */
@Injectable()
export class AuthorizationRequests {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ApiConfig,
  ) {}

  async create(request: AuthorizationRequest): Promise<string> {
    const state = randomToken(32);
    await this.redis.set(this.key(state), JSON.stringify(request), 'EX', TTL_SECONDS);
    return state;
  }

  /** The request for `state`, removed in the same step so a replayed callback finds nothing. */
  async take(state: string): Promise<AuthorizationRequest | undefined> {
    const raw = await this.redis.getdel(this.key(state));
    return raw === null ? undefined : (JSON.parse(raw) as AuthorizationRequest);
  }

  private key(state: string): string {
    return `${this.config.REDIS_PREFIX}oauth2:authorization-request:${hashToken(state)}`;
  }
}
