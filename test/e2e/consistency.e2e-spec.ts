import { dumpPrefix, RunningSystem, startApp, startSystem, testRedis } from '@libs/testing';
import { EventStoreDBClient } from '@eventstore/db-client';
import {
  comparePositions,
  CURRENT_SCHEMA_VERSION,
  headOfAll,
  positionFromString,
  toEventData,
} from '@libs/eventstore';
import { crossIndexes, currentGeneration, FINISHED_DEPLOYS_KEPT, ReadModelKeys } from '@libs/read-model';

/**
 * The read side's guarantees (issue 3, DESIGN.md §4): read-your-writes under concurrency, byte-identical
 * rebuilds, and a projector killed mid-load that ends equal to a fresh rebuild.
 */
describe('read-model consistency', () => {
  let system: RunningSystem;
  let client: EventStoreDBClient;
  const redis = testRedis();

  beforeAll(async () => {
    system = await startSystem();
    client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  }, 60_000);
  afterAll(async () => {
    await client?.dispose();
    redis.disconnect();
    await system?.stop();
  }, 30_000);

  /** Replays `$all` into a fresh generation and switches to it; the old one is kept for comparison. */
  async function rebuild(): Promise<void> {
    const run = startApp('projector', { ...system.env, LOG_LEVEL: 'warn' }, 'rebuild');
    const code = await run.exited;
    if (code !== 0) throw new Error(`rebuild exited ${code}:\n${run.logs.join('\n')}`);
  }

  async function waitForProjectorAt(generation: number): Promise<void> {
    const head = await headOfAll(client);
    const keys = new ReadModelKeys(system.redisPrefix, generation);
    for (let i = 0; i < 300; i++) {
      const raw = await redis.get(keys.checkpoint);
      if (raw && head && comparePositions(positionFromString(raw), head) >= 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`projector did not reach ${head?.commit} in generation ${generation}`);
  }

  /**
   * Every read-model key and value of a generation, keyed without the generation prefix. The checkpoint is
   * left out: a live projector may stand on a later filter checkpoint than a replay, with the same models.
   */
  const snapshot = async (generation: number) => {
    const all = await dumpPrefix(redis, new ReadModelKeys(system.redisPrefix, generation).root);
    all.delete('checkpoint');
    return all;
  };

  it('reads its own writes: 1,000 create-then-get pairs from 20 concurrent clients, zero stale reads', async () => {
    let stale = 0;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, clientNo) => {
        for (let i = 0; i < 50; i++) {
          const name = `ryw-${clientNo}-${i}`;
          const created = await system.admin.post('/v1/grids', { name });
          if (created.status !== 201) failures.push(`${name}: ${created.status} ${created.text}`);
          const read = await system.admin.get(`/v1/grids/${name}`);
          if (read.status !== 200 || read.body.name !== name) stale++;
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(stale).toBe(0);
    expect((await system.admin.get('/v1/grids')).body.grids.filter((g: { name: string }) => g.name.startsWith('ryw-'))).toHaveLength(1_000);
  }, 300_000);

  it('rebuilds read models byte-identical to the live ones', async () => {
    await system.admin.put('/v1/grids/ryw-0-0', { default_affinity: ['label==x'] });
    await system.admin.delete('/v1/grids/ryw-0-1');
    // A service with more finished deploys than the read models keep, and two still waiting: what the projector
    // trims (documents, indexes, the finished deploys' stream guards) must be trimmed alike by a replay.
    const service = 'ryw-0-0/null/history';
    const created = await system.admin.post('/v1/grids/ryw-0-0/services', { name: 'history', image: 'redis:7', stateful: false });
    expect(created.status).toBe(201);
    const deploys: string[] = [];
    for (let n = 0; n < FINISHED_DEPLOYS_KEPT + 5; n++) {
      const scaled = await system.admin.post(`/v1/services/${service}/scale`, { instances: (n % 3) + 1 });
      expect(scaled.status).toBe(200);
      deploys.push(scaled.body.id);
    }
    // Nothing runs deploys here: finish all but the last two as the reconciler would, in order.
    const metadata = {
      actor: { kind: 'system', component: 'test' },
      occurredAt: new Date().toISOString(),
      schemaVersion: CURRENT_SCHEMA_VERSION,
    } as const;
    for (const id of deploys.slice(0, -2))
      await client.appendToStream(`deploy-${id}`, [
        toEventData({ type: 'ServiceDeployStarted', data: {} }, metadata),
        toEventData({ type: 'ServiceDeployFinished', data: { state: 'success', reason: null } }, metadata),
      ]);

    const live = await currentGeneration(redis, system.redisPrefix);
    await waitForProjectorAt(live);
    const liveKeys = new ReadModelKeys(system.redisPrefix, live);
    const finished = deploys.slice(0, -2);
    expect(await redis.zrange(liveKeys.index(crossIndexes.serviceFinishedDeploys(service)), 0, -1)).toEqual(
      finished.slice(-FINISHED_DEPLOYS_KEPT),
    );
    expect(await redis.zrange(liveKeys.index(crossIndexes.serviceUnfinishedDeploys(service)), 0, -1)).toEqual(
      deploys.slice(-2),
    );
    expect(await redis.exists(liveKeys.streamRevision(`deploy-${finished[0]}`))).toBe(0);
    expect(await redis.exists(liveKeys.streamRevision(`deploy-${finished[finished.length - 1]}`))).toBe(1);
    expect((await system.admin.get(`/v1/services/${service}/deploys/${finished[0]}`)).status).toBe(404);
    expect((await system.admin.get(`/v1/services/${service}/deploys/${finished[3]}`)).body.state).toBe('success');
    const before = await snapshot(live);

    await rebuild();
    const rebuilt = await currentGeneration(redis, system.redisPrefix);
    expect(rebuilt).toBe(live + 1);
    const after = await snapshot(rebuilt);
    expect(after.size).toBeGreaterThan(3_000);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, value] of before) expect({ key, value: after.get(key) }).toEqual({ key, value });

    // The api followed the switch: it reads from the new generation.
    expect((await system.admin.get('/v1/grids/ryw-0-0')).body.default_affinity).toEqual(['label==x']);
  }, 120_000);

  it('ends equal to a fresh rebuild after the projector is killed with SIGKILL under load', async () => {
    const projector = system.apps.get('projector')!;
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        const name = `crash-${n++}`;
        // Mutating requests may time out waiting for read-your-writes while the projector is down.
        await system.admin.request('POST', '/v1/grids', { body: { name }, timeoutMs: 30_000 });
        await system.admin.request('PUT', `/v1/grids/${name}`, { body: { trusted_subnets: ['10.0.0.0/8'] }, timeoutMs: 30_000 });
      }
      return n;
    })();
    await new Promise((r) => setTimeout(r, 1_500));
    await projector.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    await system.startApp('projector');
    await new Promise((r) => setTimeout(r, 1_500));
    writing = false;
    expect(await writes).toBeGreaterThan(10);

    const live = await currentGeneration(redis, system.redisPrefix);
    await waitForProjectorAt(live);
    const afterCrash = await snapshot(live);
    await rebuild();
    const fresh = await snapshot(await currentGeneration(redis, system.redisPrefix));
    expect([...fresh.keys()].sort()).toEqual([...afterCrash.keys()].sort());
    for (const [key, value] of afterCrash) expect({ key, value: fresh.get(key) }).toEqual({ key, value });
  }, 180_000);
});
