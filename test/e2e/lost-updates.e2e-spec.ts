import { EventStoreDBClient } from '@eventstore/db-client';
import { fold, ServiceEvent, serviceDecider } from '@libs/domain';
import { drain, streamName } from '@libs/eventstore';
import { RunningSystem, startSystem } from '@libs/testing';

/**
 * No lost updates (issue 3): 50 concurrent updates of one service, each pinned with `If-Match` to the
 * revision its client read, either apply or get 412; the stream's revisions have no gaps, and the read
 * model matches a fold of the stream.
 */
describe('no lost updates', () => {
  let system: RunningSystem;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    system = await startSystem();
    client = EventStoreDBClient.connectionString(system.eventStoreUrl);
    await system.admin.post('/v1/grids', { name: 'lost-updates' });
    expect((await system.admin.post('/v1/grids/lost-updates/services', { name: 'api', image: 'api:1', stateful: false })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await client?.dispose();
    await system?.stop();
  }, 30_000);

  it('applies or refuses each of 50 concurrent pinned updates, with a gap-free stream the read model agrees with', async () => {
    const path = '/v1/services/lost-updates/null/api';
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        // Each client reads, then writes what it read plus its own change, pinned to what it read.
        const read = await system.admin.get(path);
        const etag = read.headers.get('etag')!;
        const updated = await system.admin.put(path, { env: [...read.body.env, `CLIENT_${n}=${n}`] }, { headers: { 'if-match': etag } });
        return { n, status: updated.status, etag, body: updated.body };
      }),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 412)).toBe(true);
    const applied = answers.filter((a) => a.status === 200);
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((a) => a.status === 412).every((a) => a.body.error === 'Precondition failed')).toBe(true);

    const events = await drain(client.readStream(streamName('service', 'lost-updates/null/api')));
    const revisions = events.map((e) => Number(e.event!.revision));
    expect(revisions).toEqual(revisions.map((_, i) => i));
    // One ServiceCreated, then exactly one ServiceUpdated per update that answered 200: none lost, none extra.
    expect(events.filter((e) => e.event!.type === 'ServiceUpdated')).toHaveLength(applied.length);

    // No update overwrote another: every applied client's variable is in the final environment, and each
    // applied update was based on the state left by the previous one.
    const finalDoc = (await system.admin.get(path)).body;
    for (const { n } of applied) expect(finalDoc.env).toContain(`CLIENT_${n}=${n}`);
    expect(finalDoc.env.filter((e: string) => e.startsWith('CLIENT_'))).toHaveLength(applied.length);

    // The read model is the fold of the stream.
    const state = fold(serviceDecider, events.map((e) => ({ type: e.event!.type, data: e.event!.data }) as ServiceEvent));
    if (state.status !== 'active') throw new Error(`service folded to ${state.status}`);
    expect({ env: finalDoc.env, revision: finalDoc.revision, image: finalDoc.image }).toEqual({ env: state.env, revision: state.revision, image: state.image });
    expect((await system.admin.get(path)).headers.get('etag')).toBe(`W/"${revisions.length - 1}"`);
  }, 120_000);
});
