import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { AccessDeniedError, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { GossipClient } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ServerFeaturesClient } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { ClusterInfo } from '@eventstore/db-client/generated/gossip_pb';
import type { SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { credentials } from '@grpc/grpc-js';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { clientFor, collect, disposeAll, testEvents, track, uniqueStream } from './support';

afterAll(disposeAll);

function unary<T>(call: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value!))));
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('an insecure server', () => {
  let server: RunningEventStore;
  beforeAll(async () => {
    server = await startEventStore({ memory: true });
  });
  afterAll(() => server?.stop());

  it('advertises exactly what it implements in ServerFeatures', async () => {
    const features = new ServerFeaturesClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const supported = await unary<SupportedMethods>((cb) => features.getSupportedMethods(new Empty(), cb));
    features.close();
    expect(supported.getEventStoreServerVersion()).toBe('24.10.4');
    const methods = supported
      .getMethodsList()
      .map((m) => `${m.getServiceName()}/${m.getMethodName()}[${m.getFeaturesList().join(',')}]`);
    expect(methods.sort()).toEqual(
      [
        'event_store.client.gossip.gossip/read[]',
        'event_store.client.server_features.serverfeatures/getsupportedmethods[]',
        'event_store.client.streams.streams/append[]',
        'event_store.client.streams.streams/batchappend[]',
        'event_store.client.streams.streams/delete[]',
        'event_store.client.streams.streams/read[position,events]',
        'event_store.client.streams.streams/tombstone[]',
      ].sort(),
    );
  });

  it('answers gossip as a single alive leader at its own address', async () => {
    const gossip = new GossipClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const info = await unary<ClusterInfo>((cb) => gossip.read(new Empty(), cb));
    gossip.close();
    const [member, ...others] = info.getMembersList();
    expect(others).toEqual([]);
    expect(member.getIsAlive()).toBe(true);
    expect(member.getState()).toBe(8); // Leader
    expect(member.getHttpEndPoint()!.getAddress()).toBe('127.0.0.1');
    expect(member.getHttpEndPoint()!.getPort()).toBe(server.port);
    expect(member.getInstanceId()!.hasStructured()).toBe(true);
  });

  it.each([
    ['esdb+discover://', (port: number) => `esdb+discover://127.0.0.1:${port}?tls=false`],
    [
      'a multi-host string with a dead node',
      (port: number, dead: number) =>
        `esdb://127.0.0.1:${dead},127.0.0.1:${port}?tls=false&maxDiscoverAttempts=3`,
    ],
  ])('is found through gossip discovery with %s', async (_name, url) => {
    const dead = await freePort();
    const client = clientFor(server, url(server.port, dead));
    const stream = uniqueStream('discovered');
    await client.appendToStream(stream, testEvents(2));
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });
});

describe('a TLS server with authentication', () => {
  let server: RunningEventStore;
  const endpoint = () => ({ endpoint: `localhost:${server.port}` });
  const secureClient = (user?: { username: string; password: string }) =>
    track(new EventStoreDBClient(endpoint(), { rootCertificate: server.tls!.rootCertificate }, user));

  beforeAll(async () => {
    server = await startEventStore({ tls: true });
  });
  afterAll(() => server?.stop());

  it('serves the default admin over TLS, through BatchAppend and Append', async () => {
    const client = secureClient({ username: 'admin', password: 'changeit' });
    const stream = uniqueStream('tls');
    await client.appendToStream(stream, testEvents(1));
    await client.appendToStream(stream, testEvents(1), {
      credentials: { username: 'admin', password: 'changeit' },
    });
    expect(await collect(client.readStream(stream))).toHaveLength(2);
    expect((await collect(client.readAll({ maxCount: 1 }))).length).toBe(1);
  });

  it('accepts credentials in the connection string', async () => {
    const client = track(
      EventStoreDBClient.connectionString(
        `esdb://admin:changeit@localhost:${server.port}?tls=true&tlsCAFile=${server.tls!.caFile}`,
      ),
    );
    await client.appendToStream(uniqueStream('tls'), testEvents(1));
  });

  it.each([
    ['a wrong password', { username: 'admin', password: 'nope' }],
    ['an unknown user', { username: 'mallory', password: 'changeit' }],
    ['no credentials at all', undefined],
  ])('answers %s with AccessDeniedError on every operation', async (_name, user) => {
    const client = secureClient(user);
    const stream = uniqueStream('denied');
    expect(await failure(client.appendToStream(stream, testEvents(1)))).toBeInstanceOf(AccessDeniedError);
    expect(
      await failure(
        client.appendToStream(stream, testEvents(1), { credentials: user ?? { username: '', password: '' } }),
      ),
    ).toBeInstanceOf(AccessDeniedError);
    expect(await failure(collect(client.readStream(stream)))).toBeInstanceOf(AccessDeniedError);
    expect(await failure(collect(client.readAll({ maxCount: 1 })))).toBeInstanceOf(AccessDeniedError);
    expect(await failure(client.deleteStream(stream))).toBeInstanceOf(AccessDeniedError);
  });

  it('lets per-call credentials override bad default ones', async () => {
    const client = secureClient({ username: 'admin', password: 'wrong' });
    const stream = uniqueStream('override');
    await client.appendToStream(stream, jsonEvent({ type: 'X', data: {} }), {
      credentials: { username: 'admin', password: 'changeit' },
    });
    expect(
      await collect(client.readStream(stream, { credentials: { username: 'admin', password: 'changeit' } })),
    ).toHaveLength(1);
  });

  it('gives a non-admin user its own streams but not system streams or $all', async () => {
    const ops = secureClient({ username: 'ops', password: 'changeit' });
    const stream = uniqueStream('ops');
    await ops.appendToStream(stream, testEvents(1));
    expect(await collect(ops.readStream(stream))).toHaveLength(1);
    expect(await failure(collect(ops.readAll({ maxCount: 1 })))).toBeInstanceOf(AccessDeniedError);
    expect(await failure(collect(ops.readStream('$users')))).toBeInstanceOf(AccessDeniedError);
  });
});

describe('configuration', () => {
  const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'eventstore', 'src', 'main.js');
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [main], {
      env: { ...process.env, EVENTSTORE_MEMORY: 'true', ...env },
      encoding: 'utf8',
      timeout: 10_000,
    });

  it.each([
    [{ EVENTSTORE_PORT: 'abc' }, /EVENTSTORE_PORT/],
    [{ EVENTSTORE_PORT: '70000' }, /EVENTSTORE_PORT/],
    [
      { EVENTSTORE_MEMORY: 'true', EVENTSTORE_CERT_FILE: '/etc/hostname' },
      /EVENTSTORE_CERT_FILE and EVENTSTORE_KEY_FILE/,
    ],
    [{ EVENTSTORE_CERT_FILE: '/nope.crt', EVENTSTORE_KEY_FILE: '/nope.key' }, /does not exist/],
  ])('stops with a clear message on %o', (env, message) => {
    const result = run(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
