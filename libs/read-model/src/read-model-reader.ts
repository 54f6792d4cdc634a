import type Redis from 'ioredis';
import {
  DEPLOY_INSTANCES,
  DeployDoc,
  InstanceDeployDoc,
  StoredDeployDoc,
  StoredInstanceDeploy,
} from './docs/service.doc';
import { TokenDoc, tokenLookups } from './docs/token.doc';
import type { UserDoc } from './docs/user.doc';
import { ReadModelKeys } from './keys';

/**
 * Token by hash, then its user, in one round trip: every authenticated request needs both, and three
 * dependent GETs were most of a small request's latency. ARGV: 1 the access-token look-up key, 2 the
 * prefix of token documents, 3 the prefix of user documents.
 */
const TOKEN_WITH_USER = `
local id = redis.call('GET', ARGV[1])
if not id then return nil end
local token = redis.call('GET', ARGV[2] .. id)
if not token then return nil end
local user = redis.call('GET', ARGV[3] .. cjson.decode(token).user_email)
return { token, user or false }
`;

/** Reads read models; shared by projections (to update documents) and the api (to answer GETs). */
export class ReadModelReader {
  constructor(
    readonly redis: Redis,
    readonly keys: ReadModelKeys,
  ) {}

  /** An access token found by the SHA-256 hash of its value, with its user (`undefined` when unknown). */
  async tokenWithUser(
    tokenHash: string,
  ): Promise<{ token: TokenDoc; user: UserDoc | undefined } | undefined> {
    const found = (await this.redis.eval(
      TOKEN_WITH_USER,
      0,
      this.keys.lookup(tokenLookups.access, tokenHash),
      this.keys.doc('token', ''),
      this.keys.doc('user', ''),
    )) as [string, string | null] | null;
    if (!found) return undefined;
    return {
      token: JSON.parse(found[0]) as TokenDoc,
      user: found[1] ? (JSON.parse(found[1]) as UserDoc) : undefined,
    };
  }

  async doc<T>(type: string, id: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.keys.doc(type, id));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async docs<T>(type: string, ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.doc(type, id)));
    return raws.filter((raw): raw is string => raw !== null).map((raw) => JSON.parse(raw) as T);
  }

  /** One field of `hash(kind, id)`; `undefined` when absent. */
  async field(kind: string, id: string, field: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.hash(kind, id), field)) ?? undefined;
  }

  /** A service deploy with its instance deploys (`StoredDeployDoc`). */
  async deploy(id: string): Promise<DeployDoc | undefined> {
    return (await this.deploys([id]))[0];
  }

  /**
   * Service deploys with their instance deploys, those that exist, in the order asked. Documents and hashes
   * are read in one MULTI, so a deploy is never seen finished with its last instance still ongoing.
   */
  async deploys(ids: readonly string[]): Promise<DeployDoc[]> {
    if (ids.length === 0) return [];
    const multi = this.redis.multi().mget(ids.map((id) => this.keys.doc('deploy', id)));
    for (const id of ids) multi.hgetall(this.keys.hash(DEPLOY_INSTANCES, id));
    const results = (await multi.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const docs = results[0][1] as (string | null)[];
    return docs.flatMap((raw, i) =>
      raw === null
        ? []
        : [deployWithInstances(JSON.parse(raw) as StoredDeployDoc, results[i + 1][1] as Record<string, string>)],
    );
  }

  /** Ids in an index, in index order (score, then name). */
  ids(index: string, order: 'asc' | 'desc' = 'asc'): Promise<string[]> {
    const key = this.keys.index(index);
    return order === 'asc' ? this.redis.zrange(key, 0, -1) : this.redis.zrange(key, 0, -1, 'REV');
  }

  /** The ids of each index (ascending), read in one round trip. */
  async idsOfEach(indexes: readonly string[]): Promise<string[][]> {
    if (indexes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const index of indexes) pipeline.zrange(this.keys.index(index), 0, -1);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, ids]) => {
      if (error) throw error;
      return ids as string[];
    });
  }

  async has(index: string, id: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.index(index), id)) !== null;
  }

  count(index: string): Promise<number> {
    return this.redis.zcard(this.keys.index(index));
  }

  async lookup(kind: string, value: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.lookup(kind, value))) ?? undefined;
  }

  /**
   * A document together with the revision of `stream` it reflects, read in one command (MGET is atomic).
   * Reading them apart lets the projector apply an event in between, pairing an old body with a new ETag,
   * and a client pinned to that ETag would then overwrite a change it never saw (a lost update).
   */
  async docAt<T>(
    type: string,
    id: string,
    stream: string,
  ): Promise<{ doc: T | undefined; revision: bigint | undefined }> {
    const [doc, revision] = await this.redis.mget(this.keys.doc(type, id), this.keys.streamRevision(stream));
    return {
      doc: doc === null ? undefined : (JSON.parse(doc) as T),
      revision: revision === null ? undefined : BigInt(revision),
    };
  }

  /** The revision of `stream` the read models reflect, `undefined` if none. For `ETag`s, use `docAt`. */
  async revision(stream: string): Promise<bigint | undefined> {
    const raw = await this.redis.get(this.keys.streamRevision(stream));
    return raw === null ? undefined : BigInt(raw);
  }

  async checkpoint(): Promise<string | undefined> {
    return (await this.redis.get(this.keys.checkpoint)) ?? undefined;
  }
}

/**
 * A stored deploy and its hash's fields as the API shows it: instance deploys in the order they started. A deploy
 * projected before instance deploys had their own hash still carries them in the document.
 */
export function deployWithInstances(
  stored: StoredDeployDoc & { instance_deploys?: InstanceDeployDoc[] },
  fields: Record<string, string>,
): DeployDoc {
  const parts = Object.values(fields).map((raw) => JSON.parse(raw) as StoredInstanceDeploy);
  const instanceDeploys = parts
    .sort((a, b) => a.seq - b.seq)
    .map(({ instance_number, node, state, error }) => ({ instance_number, node, state, error }));
  return { ...stored, instance_deploys: parts.length > 0 ? instanceDeploys : (stored.instance_deploys ?? []) };
}
