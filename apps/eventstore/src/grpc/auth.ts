import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import {
  ALL_STREAM,
  isMetastream,
  isSystemStream,
  originalStreamOf,
  userStream,
} from '../domain/stream-names';
import type { LogReader } from '../storage/log-reader';
import { hashPassword, StoredUser } from '../storage/system-events';
import { rpcErrors } from './rpc-errors';

export interface Principal {
  readonly login: string;
  readonly groups: readonly string[];
}

/** Who is calling: nobody in particular, or an authenticated user. */
export type Caller =
  { readonly kind: 'anonymous' } | { readonly kind: 'user'; readonly principal: Principal };

/** Insecure mode (`--insecure`): no authentication and everything is allowed. */
export type Access = { readonly enabled: false } | { readonly enabled: true; readonly users: UserDirectory };

const ANONYMOUS: Caller = { kind: 'anonymous' };

/**
 * Basic authentication against the users in the log (`$user-<login>`), as the internal
 * authentication provider does. Verified credentials are remembered, so PBKDF2 runs once per
 * client rather than once per call.
 */
export class UserDirectory {
  private readonly verified = new Map<string, Principal>();

  constructor(private readonly reader: LogReader) {}

  /** The caller behind a request's metadata; wrong or unknown credentials are UNAUTHENTICATED. */
  authenticate(metadata: Metadata): Caller {
    const header = metadata.get('authorization')[0];
    if (header === undefined) return ANONYMOUS;
    const known = this.verified.get(String(header));
    if (known) return { kind: 'user', principal: known };
    const principal = this.verify(String(header));
    if (!principal) throw rpcErrors.unauthenticated();
    if (this.verified.size >= 1000) this.verified.clear();
    this.verified.set(String(header), principal);
    return { kind: 'user', principal };
  }

  private verify(header: string): Principal | undefined {
    const match = /^Basic\s+(.+)$/i.exec(header.trim());
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const login = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = this.storedUser(login);
    if (!user || user.disabled) return undefined;
    const expected = Buffer.from(user.hash, 'base64');
    const actual = Buffer.from(hashPassword(password, Buffer.from(user.salt, 'base64')), 'base64');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    return { login, groups: user.groups };
  }

  private storedUser(login: string): StoredUser | undefined {
    if (login === '') return undefined;
    const event = this.reader.lastEvent(userStream(login));
    if (!event || !event.isJson) return undefined;
    try {
      const user = JSON.parse(Buffer.from(event.data).toString('utf8')) as StoredUser;
      return typeof user.hash === 'string' && typeof user.salt === 'string' && Array.isArray(user.groups)
        ? user
        : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The caller for a request, or UNAUTHENTICATED when its credentials are wrong. */
export function callerOf(access: Access, metadata: Metadata): Caller {
  return access.enabled ? access.users.authenticate(metadata) : ANONYMOUS;
}

/**
 * Stream access with the default ACLs of a secure node (spec §3.4), simplified: anonymous callers
 * get nothing (`AllowAnonymousStreamAccess` is off by default), `$admins` get everything, other
 * users get user streams and their metastreams but not system streams or `$all`. Per-stream `$acl`
 * metadata is not enforced.
 */
export function assertStreamAccess(access: Access, caller: Caller, stream: string): void {
  if (!access.enabled) return;
  if (caller.kind === 'anonymous') throw rpcErrors.accessDenied();
  if (caller.principal.groups.includes('$admins')) return;
  const target = isMetastream(stream) ? originalStreamOf(stream) : stream;
  if (target === ALL_STREAM || isSystemStream(target)) throw rpcErrors.accessDenied();
}
