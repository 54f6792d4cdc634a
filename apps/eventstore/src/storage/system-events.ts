import { pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { ANY, exactRevision, NO_STREAM_EXPECTED } from '../domain/expected-revision';
import type { LogPosition } from '../domain/positions';
import {
  EPOCH_INFORMATION_STREAM,
  metastreamOf,
  SystemEventTypes,
  USERS_STREAM,
  userStream,
} from '../domain/stream-names';
import type { ProposedEvent, WriteCommand } from './records';

/**
 * The records a node writes by itself, so the log looks like a fresh v24 node's (spec §3.5):
 *
 * - every time it becomes leader (every start for a single node) an epoch record, which is not an
 *   event, followed by a `$epoch-information` event describing it (`EpochManager.WriteNewEpoch`);
 * - on the very first start, the default users `admin` and `ops`: `$$$user-<name>` metadata with an
 *   admin-only ACL, a `$UserCreated` event in `$user-<name>` and a `$User` event in `$users`
 *   (`UserManagementService.CreateAdminUser`/`CreateOperationsUser`).
 *
 * Like the real `DefaultAdminPassword`, the admin password only matters on the first start; later
 * the stored user is what authentication checks.
 */

export interface EpochInfo {
  readonly epochNumber: number;
  readonly epochPosition: LogPosition;
}

/** The ops password a real node starts with (`DefaultOpsPassword`). */
const DEFAULT_OPS_PASSWORD = 'changeit';

export interface PreviousEpoch extends EpochInfo {
  /** Revision of its `$epoch-information` event. */
  readonly revision: number;
}

export function epochInformationCommand(
  epoch: EpochInfo,
  previous: PreviousEpoch | undefined,
  leaderInstanceId: string,
  now: Date,
): WriteCommand {
  const dto = {
    epochPosition: epoch.epochPosition,
    epochNumber: epoch.epochNumber,
    epochId: randomUUID(),
    prevEpochPosition: previous?.epochPosition ?? -1,
    timeStamp: dotNetUtcTimestamp(now),
    leaderInstanceId,
  };
  return {
    kind: 'append',
    stream: EPOCH_INFORMATION_STREAM,
    expected: previous === undefined ? NO_STREAM_EXPECTED : exactRevision(BigInt(previous.revision)),
    events: [jsonEvent(SystemEventTypes.EpochInformation, dto)],
  };
}

export function parseEpochInformation(data: Uint8Array): EpochInfo | undefined {
  try {
    const dto = JSON.parse(Buffer.from(data).toString('utf8')) as Partial<EpochInfo>;
    if (typeof dto.epochNumber === 'number' && typeof dto.epochPosition === 'number') {
      return { epochNumber: dto.epochNumber, epochPosition: dto.epochPosition };
    }
  } catch {
    // a malformed epoch event only costs the continuity of epoch numbers
  }
  return undefined;
}

export function defaultUsersCommands(adminPassword: string): WriteCommand[] {
  return [
    ...userCommands('admin', 'Event Store Administrator', ['$admins'], adminPassword),
    ...userCommands('ops', 'Event Store Operations', ['$ops'], DEFAULT_OPS_PASSWORD),
  ];
}

function userCommands(login: string, fullName: string, groups: string[], password: string): WriteCommand[] {
  const salt = randomBytes(16);
  const user: StoredUser = {
    loginName: login,
    fullName,
    groups,
    hash: hashPassword(password, salt),
    salt: salt.toString('base64'),
    disabled: false,
  };
  const adminOnly = { $acl: { $w: '$admins', $d: '$admins', $mw: '$admins' } };
  return [
    {
      kind: 'append',
      stream: metastreamOf(userStream(login)),
      expected: ANY,
      events: [rawJsonEvent(SystemEventTypes.StreamMetadata, JSON.stringify(adminOnly))],
    },
    {
      kind: 'append',
      stream: userStream(login),
      expected: NO_STREAM_EXPECTED,
      events: [jsonEvent(SystemEventTypes.UserCreated, user)],
    },
    {
      kind: 'append',
      stream: USERS_STREAM,
      expected: ANY,
      events: [binaryEvent(SystemEventTypes.User, login)],
    },
  ];
}

/** The `$UserCreated` payload (camel-cased `UserData`). */
export interface StoredUser {
  readonly loginName: string;
  readonly fullName: string;
  readonly groups: readonly string[];
  readonly hash: string;
  readonly salt: string;
  readonly disabled: boolean;
}

/** PBKDF2 (RFC 2898) as the internal authentication provider uses it. */
export function hashPassword(password: string, salt: Buffer): string {
  return pbkdf2Sync(password, salt, 1000, 20, 'sha1').toString('base64');
}

/** Newtonsoft's indented output, which is how the real node serialises these payloads. */
function jsonEvent(type: string, payload: object): ProposedEvent {
  return rawJsonEvent(type, JSON.stringify(payload, null, 2));
}

function rawJsonEvent(type: string, json: string): ProposedEvent {
  return { id: randomUUID(), type, isJson: true, data: Buffer.from(json), metadata: new Uint8Array(0) };
}

function binaryEvent(type: string, text: string): ProposedEvent {
  return { id: randomUUID(), type, isJson: false, data: Buffer.from(text), metadata: new Uint8Array(0) };
}

/** `DateTime` in UTC as Json.NET writes it: seven fractional digits and a `Z`. */
function dotNetUtcTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
