import type Redis from 'ioredis';
import { AgentDataKeys, CONTAINER_LOG_FIELD } from '@libs/read-model';
import { deletePrefix, testRedis, uniquePrefix } from '@libs/testing';
import type { ContainerLogLine } from './container-log-lines';
import { ContainerLogWriter, IDLE_LOG_STREAM_TTL_MS } from './container-log-writer';
import { parseInstanceId } from './telemetry-ids';

/** A line as `containerLogLines` makes it; only the fields the writer and these tests look at matter. */
function line(instanceId: string, data: string): ContainerLogLine {
  const instance = parseInstanceId(instanceId)!;
  return {
    instance,
    entry: {
      name: instance.containerName,
      container_id: `${instance.grid}/node-1/${instance.containerName}`,
      instance_number: instance.number,
      service: { id: instance.serviceId, name: instance.service },
      stack: { id: instance.stackId, name: instance.stack },
      grid: { id: instance.grid, name: instance.grid },
      node: { name: 'node-1' },
      created_at: new Date().toISOString(),
      type: 'stdout',
      data,
    },
  };
}

const order = (id: string) => id.split('-').map(BigInt) as [bigint, bigint];
const before = (a: string, b: string) => {
  const [am, as] = order(a);
  const [bm, bs] = order(b);
  return am < bm || (am === bm && as < bs);
};

describe('ContainerLogWriter, against real Redis', () => {
  const prefix = uniquePrefix('log-writer');
  const keys = new AgentDataKeys(prefix);
  let redis: Redis;
  /** Script calls the writer made. */
  let scriptCalls = 0;

  const stream = async (scope: 'grid' | 'stack' | 'service', id: string) =>
    (await redis.xrange(keys.containerLogs(scope, id), '-', '+')).map(([entryId, fields]) => ({
      id: entryId,
      data: JSON.parse(fields[fields.indexOf(CONTAINER_LOG_FIELD) + 1]).data as string,
    }));

  beforeAll(async () => {
    redis = testRedis();
    // The first call of a script is EVALSHA, refused, then EVAL: load it once so every test counts calls alone.
    await new ContainerLogWriter(redis, keys).write([line('warm-up/web/api/1', 'loaded')], () => true);
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
      if (command.name === 'evalsha' || command.name === 'eval') scriptCalls++;
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof redis.sendCommand;
  });
  beforeEach(() => (scriptCalls = 0));
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis?.disconnect();
  });

  it('appends a report in calls of `linesPerCall` lines, ids rising in the lines order across the calls', async () => {
    const writer = new ContainerLogWriter(redis, keys, 3);
    const lines = [
      line('g1/web/api/1', 'a1'),
      line('g1/web/api/2', 'a2'),
      line('g1/null/db/1', 'd1'),
      line('g1/web/api/1', 'a3'),
      line('g1/null/db/1', 'd2'),
      line('g1/web/api/2', 'a4'),
      line('g1/web/api/1', 'a5'),
    ];

    const ids = await writer.write(lines, () => true);

    expect(scriptCalls).toBe(3);
    expect(ids).toHaveLength(7);
    for (let i = 1; i < ids.length; i++) expect(before(ids[i - 1], ids[i])).toBe(true);
    const grid = await stream('grid', 'g1');
    expect(grid).toEqual(lines.map((l, i) => ({ id: ids[i], data: l.entry.data })));
    expect(await stream('stack', 'g1/web')).toEqual(grid.filter((_, i) => lines[i].instance.stack === 'web'));
    expect(await stream('service', 'g1/null/db')).toEqual([grid[2], grid[4]]);
    expect(await stream('service', 'g1/web/api')).toEqual(grid.filter((e) => e.data.startsWith('a')));
    expect(await redis.get(keys.containerLogIds('g1'))).toBe(ids[6]);
    const ttl = await redis.pttl(keys.containerLogs('service', 'g1/null/db'));
    expect(ttl).toBeGreaterThan(IDLE_LOG_STREAM_TTL_MS - 60_000);
  });

  it('writes lines that are not shared to their service stream only, under ids from the same sequence', async () => {
    const writer = new ContainerLogWriter(redis, keys);
    const lines = [
      line('g2/web/api/1', 'shared'),
      line('g2/web/api/1', 'own'),
      line('g2/web/api/1', 'shared too'),
    ];

    const ids = await writer.write(lines, (l) => l.entry.data !== 'own');

    expect(scriptCalls).toBe(1);
    expect(await stream('grid', 'g2')).toEqual([
      { id: ids[0], data: 'shared' },
      { id: ids[2], data: 'shared too' },
    ]);
    expect(await stream('stack', 'g2/web')).toEqual(await stream('grid', 'g2'));
    expect(await stream('service', 'g2/web/api')).toEqual(
      lines.map((l, i) => ({ id: ids[i], data: l.entry.data })),
    );
    expect(before(ids[0], ids[1]) && before(ids[1], ids[2])).toBe(true);
  });

  it('goes on after the last id of the grid, also when that id is ahead of the clock', async () => {
    const writer = new ContainerLogWriter(redis, keys);
    const ahead = Date.now() + 60_000;
    await redis.set(keys.containerLogIds('g3'), `${ahead}-5`);

    const ids = await writer.write([line('g3/web/api/1', 'x'), line('g3/web/api/1', 'y')], () => true);

    expect(ids).toEqual([`${ahead}-6`, `${ahead}-7`]);
    const [next] = await writer.write([line('g3/web/api/2', 'z')], () => false);
    expect(next).toBe(`${ahead}-8`);
  });

  it('writes nothing and makes no call for no lines', async () => {
    const writer = new ContainerLogWriter(redis, keys);
    expect(await writer.write([], () => true)).toEqual([]);
    expect(scriptCalls).toBe(0);
  });
});
