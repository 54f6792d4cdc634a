import fc from 'fast-check';
import type { ContainerLogReport } from '@libs/queues';
import { containerLogLines, MAX_LINE_LENGTH, MAX_LINES_PER_REPORT } from './container-log-lines';
import { parseInstanceId, parseNodeId } from './telemetry-ids';

const received = new Date('2017-01-01T12:00:05Z');
const report = (entries: ContainerLogReport['entries'], nodeId = 'my-grid/node-1'): ContainerLogReport => ({
  kind: 'logs',
  nodeId,
  entries,
});

describe('telemetry ids', () => {
  it('takes instance ids apart into every scope, with Kontena container names', () => {
    expect(parseInstanceId('my-grid/web/api/2')).toEqual({
      id: 'my-grid/web/api/2',
      grid: 'my-grid',
      stack: 'web',
      service: 'api',
      stackId: 'my-grid/web',
      serviceId: 'my-grid/web/api',
      number: 2,
      containerName: 'web.api-2',
    });
    expect(parseInstanceId('my-grid/null/redis/1')?.containerName).toBe('redis-1');
  });

  it('refuses what is not an instance or node id', () => {
    for (const id of [
      'my-grid/web/api',
      'my-grid/web/api/0',
      'my-grid/web/api/x',
      'my-grid//api/1',
      'a/b/c/d/1',
      '',
      42,
      null,
    ]) {
      expect(parseInstanceId(id)).toBeUndefined();
    }
    expect(parseNodeId('my-grid/node-1')).toEqual({ id: 'my-grid/node-1', grid: 'my-grid', name: 'node-1' });
    for (const id of ['my-grid', 'my-grid/', 'a/b/c', undefined]) expect(parseNodeId(id)).toBeUndefined();
  });
});

describe('container log lines', () => {
  it("renders each line as Kontena's container log JSON, in order", () => {
    const out = containerLogLines(
      report([
        {
          instanceId: 'my-grid/web/api/2',
          stream: 'stdout',
          data: 'listening on 8080',
          at: '2017-01-01T12:00:01.5+00:00',
        },
        { instanceId: 'my-grid/null/redis/1', stream: 'stderr', data: 'oops', at: '2017-01-01T12:00:02Z' },
      ]),
      received,
    );
    expect(out.refused).toBe(0);
    expect(out.lines.map((l) => l.entry)).toEqual([
      {
        name: 'web.api-2',
        container_id: 'my-grid/node-1/web.api-2',
        instance_number: 2,
        service: { id: 'my-grid/web/api', name: 'api' },
        stack: { id: 'my-grid/web', name: 'web' },
        grid: { id: 'my-grid', name: 'my-grid' },
        node: { name: 'node-1' },
        created_at: '2017-01-01T12:00:01.500Z',
        type: 'stdout',
        data: 'listening on 8080',
      },
      expect.objectContaining({
        name: 'redis-1',
        stack: { id: 'my-grid/null', name: 'null' },
        type: 'stderr',
        created_at: '2017-01-01T12:00:02.000Z',
      }),
    ]);
  });

  it("uses the time it was received when the agent's time is unreadable, as Kontena did, or later", () => {
    const out = containerLogLines(
      report([
        { instanceId: 'my-grid/web/api/1', stream: 'stdout', data: 'x', at: 'yesterday' },
        { instanceId: 'my-grid/web/api/1', stream: 'stdout', data: 'y', at: '2017-01-01T12:00:09Z' },
      ]),
      received,
    );
    expect(out.lines.map((l) => l.entry.created_at)).toEqual([
      received.toISOString(),
      received.toISOString(),
    ]);
  });

  it("refuses lines of another grid's instances and malformed ones", () => {
    const out = containerLogLines(
      report([
        { instanceId: 'other-grid/web/api/1', stream: 'stdout', data: 'sneaky', at: received.toISOString() },
        { instanceId: 'my-grid/web/api', stream: 'stdout', data: 'no number', at: received.toISOString() },
        {
          instanceId: 'my-grid/web/api/1',
          stream: 'stdin' as 'stdout',
          data: 'x',
          at: received.toISOString(),
        },
        {
          instanceId: 'my-grid/web/api/1',
          stream: 'stdout',
          data: 7 as unknown as string,
          at: received.toISOString(),
        },
        { instanceId: 'my-grid/web/api/1', stream: 'stdout', data: 'fine', at: received.toISOString() },
      ]),
      received,
    );
    expect(out.refused).toBe(4);
    expect(out.lines.map((l) => l.entry.data)).toEqual(['fine']);
    expect(
      containerLogLines(
        report([{ instanceId: 'my-grid/web/api/1', stream: 'stdout', data: 'x', at: '' }], 'nonsense'),
        received,
      ).refused,
    ).toBe(1);
  });

  it('cuts long lines and sheds lines beyond the per-report maximum', () => {
    const long = 'x'.repeat(MAX_LINE_LENGTH + 10);
    const entries = Array.from({ length: MAX_LINES_PER_REPORT + 3 }, (_, i) => ({
      instanceId: 'my-grid/web/api/1',
      stream: 'stdout' as const,
      data: i === 0 ? long : `line ${i}`,
      at: received.toISOString(),
    }));
    const out = containerLogLines(report(entries), received);
    expect(out.lines).toHaveLength(MAX_LINES_PER_REPORT);
    expect(out.shed).toBe(3);
    expect(out.truncated).toBe(1);
    expect(out.lines[0].entry.data).toHaveLength(MAX_LINE_LENGTH);
  });

  it('never throws, whatever an agent sends', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (nodeId, entries) => {
        const out = containerLogLines(
          { kind: 'logs', nodeId, entries } as unknown as ContainerLogReport,
          received,
        );
        expect(out.lines.length + out.refused + out.shed).toBe(Array.isArray(entries) ? entries.length : 0);
      }),
    );
  });
});
