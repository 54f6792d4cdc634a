/** Stream and event-type names with a meaning to the server (spec §3.5). */

export const ALL_STREAM = '$all';
export const EPOCH_INFORMATION_STREAM = '$epoch-information';
export const USERS_STREAM = '$users';

export const SystemEventTypes = {
  StreamDeleted: '$streamDeleted',
  StreamMetadata: '$metadata',
  LinkTo: '$>',
  EpochInformation: '$epoch-information',
  UserCreated: '$UserCreated',
  User: '$User',
} as const;

/** Streams whose name starts with `$` are system streams; metastreams start with `$$`. */
export function isSystemStream(stream: string): boolean {
  return stream.startsWith('$');
}

export function isMetastream(stream: string): boolean {
  return stream.startsWith('$$');
}

export function metastreamOf(stream: string): string {
  return `$$${stream}`;
}

export function originalStreamOf(metastream: string): string {
  return metastream.slice(2);
}

export function userStream(login: string): string {
  return `$user-${login}`;
}
