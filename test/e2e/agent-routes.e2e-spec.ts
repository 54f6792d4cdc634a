/**
 * The api's side of the node agents (issue 4): the service pods a node is to run and the secret values its
 * instances read, both only for the agent holding that node's token.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { CURRENT_SCHEMA_VERSION, disposeClient, streamName, toEventData } from '@libs/eventstore';
import { join } from 'node:path';
import { RunningSystem, startApp, startSystem, testRedis } from '@libs/testing';

const GRID = 'agents';
const SECRET_VALUE = 'pw-3e4b7d1c9a';
const engineId = (n: number) => `${'ABCD:'.repeat(11)}${String(n).padStart(4, '0')}`;

describe('agent routes: service pods and instance secrets', () => {
  let system: RunningSystem;
  let client: EventStoreDBClient;
  let gridToken: string;
  const nodeTokens: Record<string, string> = {};
  const as = (token: string | undefined, kind: 'node' | 'grid' = 'node') => ({
    token: null,
    headers: token ? { [`kontena-${kind}-token`]: token } : {},
  });

  beforeAll(async () => {
    system = await startSystem();
    client = EventStoreDBClient.connectionString(system.eventStoreUrl);
    gridToken = (await system.admin.post('/v1/grids', { name: GRID, initial_size: 1 })).body.token;
    for (const [i, name] of ['node-a', 'node-b'].entries()) {
      const joined = await system.api.put(`/v1/nodes/${engineId(i)}`, { name }, as(gridToken, 'grid'));
      expect(joined.status).toBe(201);
      nodeTokens[name] = joined.body.node_token;
    }
    await system.admin.post(`/v1/grids/${GRID}/secrets`, { name: 'DB_PASSWORD', value: SECRET_VALUE });
    await system.admin.post(`/v1/grids/${GRID}/services`, {
      name: 'web',
      image: 'web:1',
      stateful: false,
      secrets: [{ secret: 'DB_PASSWORD', name: 'DB', type: 'env' }],
    });
    // What the reconciler records when it places instance 1 on node-a (the instances projection builds the pod).
    await client.appendToStream(streamName('placement', `${GRID}/null/web`), [
      toEventData(
        {
          type: 'InstancePlaced',
          data: {
            instance_number: 1,
            node: `${GRID}/node-a`,
            node_name: 'node-a',
            deploy_rev: 'd1',
            desired_state: 'running',
            pod: {
              service_id: `${GRID}/null/web`,
              image_name: 'web:1',
              secrets: [{ secret: 'DB_PASSWORD', name: 'DB', type: 'env' }],
            },
            at: new Date().toISOString(),
          },
        },
        {
          actor: { kind: 'system', component: 'reconciler' },
          occurredAt: new Date().toISOString(),
          schemaVersion: CURRENT_SCHEMA_VERSION,
        },
      ),
    ]);
  }, 60_000);

  afterAll(async () => {
    if (client) await disposeClient(client);
    await system?.stop();
  });

  const pods = (node: string, token?: string, kind: 'node' | 'grid' = 'node') =>
    system.api.get(`/v1/nodes/${GRID}/${node}/service_pods`, as(token, kind));

  it("answers a node's agent the pods placed on its node, as assignments", async () => {
    let answer = await pods('node-a', nodeTokens['node-a']);
    for (let i = 0; i < 50 && answer.body.service_pods?.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await pods('node-a', nodeTokens['node-a']);
    }
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      service_pods: [
        {
          instanceId: `${GRID}/null/web/1`,
          serviceId: `${GRID}/null/web`,
          instanceNumber: 1,
          deployRev: 'd1',
          desiredState: 'running',
          pod: expect.objectContaining({ image_name: 'web:1' }),
        },
      ],
    });
    expect((await pods('node-b', nodeTokens['node-b'])).body).toEqual({ service_pods: [] });
  });

  it("refuses another node's token, the grid token and no token, with Kontena's close codes", async () => {
    const other = await pods('node-a', nodeTokens['node-b']);
    expect([other.status, other.body]).toEqual([403, { error: 'Access denied' }]);
    const grid = await pods('node-a', gridToken, 'grid');
    expect([grid.status, grid.body.close_code]).toEqual([403, 4005]);
    const none = await pods('node-a');
    expect([none.status, none.body]).toEqual([401, { error: 'Missing token', close_code: 4004 }]);
    const unknown = await pods('node-a', 'not-a-token-of-any-node');
    expect([unknown.status, unknown.body.close_code]).toEqual([401, 4002]);
    // Never a user's bearer token: these are the agents' routes.
    expect((await system.admin.get(`/v1/nodes/${GRID}/node-a/service_pods`)).status).toBe(401);
  });

  it('gives an instance the values of the secrets its pod names, and records the read with the node as actor', async () => {
    const secrets = await system.api.get(
      `/v1/nodes/${GRID}/node-a/secrets?instance=${encodeURIComponent(`${GRID}/null/web/1`)}`,
      as(nodeTokens['node-a']),
    );
    expect(secrets.status).toBe(200);
    expect(secrets.body).toEqual({ secrets: [{ name: 'DB_PASSWORD', value: SECRET_VALUE }] });

    const reads = [];
    for await (const { event } of client.readStream(streamName('secret', `${GRID}/DB_PASSWORD`))) {
      if (event?.type === 'SecretRead') reads.push(event.metadata);
    }
    expect(reads).toEqual([
      expect.objectContaining({ actor: { kind: 'node', nodeId: engineId(0), grid: GRID } }),
    ]);
    expect(system.logs().join('\n')).not.toContain(SECRET_VALUE);
  });

  it('answers 404 for an instance not placed on the asking node, and refuses other nodes', async () => {
    const elsewhere = await system.api.get(
      `/v1/nodes/${GRID}/node-b/secrets?instance=${encodeURIComponent(`${GRID}/null/web/1`)}`,
      as(nodeTokens['node-b']),
    );
    expect([elsewhere.status, elsewhere.body]).toEqual([404, { error: 'Not found' }]);
    const unknown = await system.api.get(
      `/v1/nodes/${GRID}/node-a/secrets?instance=nope`,
      as(nodeTokens['node-a']),
    );
    expect(unknown.status).toBe(404);
    const other = await system.api.get(
      `/v1/nodes/${GRID}/node-a/secrets?instance=${encodeURIComponent(`${GRID}/null/web/1`)}`,
      as(nodeTokens['node-b']),
    );
    expect([other.status, other.body]).toEqual([403, { error: 'Access denied' }]);
  });

  it('runs a fleet of hollow nodes from one process, each its own node with its own heartbeat', async () => {
    const fleet = startApp('agent', {
      ...system.env,
      API_URL: system.api.baseUrl,
      GRID_TOKEN: gridToken,
      NODE_NAME: 'hollow',
      HOLLOW_NODES: '3',
      AGENT_DATA_DIR: join(system.dataDir, 'hollow'),
      HEARTBEAT_INTERVAL_MS: '200',
    });
    try {
      await fleet.waitForLog((line) => line.msg === 'agent started', 30_000);
      const nodes = (await system.admin.get(`/v1/grids/${GRID}/nodes`)).body.nodes.filter(
        (n: { name: string }) => n.name.startsWith('hollow-'),
      );
      expect(nodes.map((n: { name: string; status: string }) => [n.name, n.status]).sort()).toEqual([
        ['hollow-1', 'online'],
        ['hollow-2', 'online'],
        ['hollow-3', 'online'],
      ]);
      const redis = testRedis();
      const beats = await redis.hgetall(`${system.redisPrefix}agent:heartbeat`);
      redis.disconnect();
      expect(
        Object.keys(beats)
          .filter((id) => id.startsWith(`${GRID}/hollow-`))
          .sort(),
      ).toEqual([1, 2, 3].map((n) => `${GRID}/hollow-${n}`));
    } finally {
      await fleet.stop();
    }
  });
});
