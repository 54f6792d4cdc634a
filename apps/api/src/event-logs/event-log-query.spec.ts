import fc from 'fast-check';
import type { EventLogEntry } from '@libs/read-model';
import { compareEntryIds, entryIdBefore, normaliseEntryId } from './event-log-ids';
import { LIMIT_DEFAULT, LIMIT_MAX, parseEventLogQuery, parseGridFilters } from './event-log-query';
import { parseTime } from '../common/http/query-params';

const parse = (query: Record<string, unknown>, headers: { accept?: string; lastEventId?: string } = {}) =>
  parseEventLogQuery(query, headers);
const value = (query: Record<string, unknown>, headers = {}) => {
  const parsed = parse(query, headers);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};
const errors = (query: Record<string, unknown>, headers = {}) => {
  const parsed = parse(query, headers);
  if (parsed.ok) throw new Error('expected a refusal');
  return parsed.errors;
};

describe('event log query parameters (kontena-behaviour.md §6)', () => {
  it('defaults to the last 100 entries, not following', () => {
    expect(value({})).toEqual({
      limit: 100,
      from: undefined,
      sinceMs: undefined,
      follow: false,
      serverSentEvents: false,
    });
  });

  it.each([
    ['50', 50],
    ['0', LIMIT_DEFAULT],
    ['-5', LIMIT_DEFAULT],
    ['', LIMIT_DEFAULT],
    ['10000', 10_000],
    ['10001', LIMIT_MAX],
    ['99999999999999999999', LIMIT_MAX],
    [' 7 ', 7],
    [['5', '9'], 9],
  ])('limit %j → %d', (limit, expected) => {
    expect(value({ limit }).limit).toBe(expected);
  });

  it.each([['abc'], ['1.5'], ['12abc'], [{ a: '1' }]])('refuses limit %j with a message', (limit) => {
    expect(errors({ limit })).toEqual({ limit: 'Limit must be an integer' });
  });

  it('follows with any value of follow, as Kontena', () => {
    expect(value({ follow: 'true' }).follow).toBe(true);
    expect(value({ follow: '' }).follow).toBe(true);
    expect(value({ follow: 'false' }).follow).toBe(true);
  });

  it('answers Server-Sent Events, always following, when the client accepts them', () => {
    expect(value({}, { accept: 'text/event-stream' })).toMatchObject({
      follow: true,
      serverSentEvents: true,
    });
    expect(value({ follow: '1' }, { accept: 'application/json' })).toMatchObject({
      follow: true,
      serverSentEvents: false,
    });
  });

  it('takes from as an entry id, normalised', () => {
    expect(value({ from: '1700000000000-3' }).from).toBe('1700000000000-3');
    expect(value({ from: '1700000000000' }).from).toBe('1700000000000-0');
    expect(value({ from: '' }).from).toBeUndefined();
  });

  it.each([
    ['5a0c1f2e3d4b5a6978123456'],
    ['1-2-3'],
    ['-1'],
    ['1700000000000-99999999999999999999'],
    ['1-18446744073709551616'],
    ['9999999999999999-0'],
  ])('refuses from %j', (from) => {
    expect(errors({ from })).toEqual({ from: 'From must be an event log id, such as 1700000000000-0' });
  });

  it('resumes SSE after Last-Event-ID, which wins over from', () => {
    expect(value({ from: '5-0' }, { accept: 'text/event-stream', lastEventId: '9-1' }).from).toBe('9-1');
    expect(value({ from: '5-0' }, { accept: 'text/event-stream' }).from).toBe('5-0');
    // Not an EventSource: the header means nothing.
    expect(value({ from: '5-0' }, { lastEventId: '9-1' }).from).toBe('5-0');
    expect(errors({}, { accept: 'text/event-stream', lastEventId: 'x' })).toEqual({
      last_event_id: 'Last-Event-ID must be an event log id, such as 1700000000000-0',
    });
  });

  it('takes since as an ISO time, strictly after, ignored with from', () => {
    expect(value({ since: '2017-01-01T12:00:00Z' }).sinceMs).toBe(Date.parse('2017-01-01T12:00:00Z'));
    expect(value({ since: '2017-01-01T12:00:00Z', from: '1-0' }).sinceMs).toBeUndefined();
  });

  it.each([
    ['2017-01-01', '2017-01-01T00:00:00.000Z'],
    ['2017-01-01T12:30', '2017-01-01T12:30:00.000Z'],
    ['2017-01-01 12:30:15', '2017-01-01T12:30:15.000Z'],
    ['2017-01-01T12:30:15.123456Z', '2017-01-01T12:30:15.123Z'],
    ['2017-01-01T12:30:15+02:00', '2017-01-01T10:30:15.000Z'],
    ['2017-01-01T12:30:15-0130', '2017-01-01T14:00:15.000Z'],
    ['2017-01-01T12:30:15+02', '2017-01-01T10:30:15.000Z'],
    ['2017-01-01 12:30:15 UTC', '2017-01-01T12:30:15.000Z'],
    ['2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
  ])('since %j is %s', (since, iso) => {
    expect(parseTime(since)).toBe(Date.parse(iso));
  });

  it.each([
    ['yesterday'],
    ['2017-02-30'],
    ['2017-13-01'],
    ['2017-01-01T24:00:00Z'],
    ['2017-01-01T12:00:00+25:00'],
    ['1483228800'],
  ])('refuses since %j', (since) => {
    expect(errors({ since })).toEqual({
      since: 'Since must be an ISO 8601 time, such as 2017-01-01T12:00:00Z',
    });
  });

  it('reports every malformed parameter at once', () => {
    expect(Object.keys(errors({ limit: 'x', from: 'y', since: 'z' })).sort()).toEqual([
      'from',
      'limit',
      'since',
    ]);
  });

  it('never throws, whatever the query', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('limit', 'from', 'since', 'follow', 'x'),
          fc.oneof(fc.string(), fc.array(fc.string()), fc.object()),
        ),
        fc.option(fc.string()),
        (query, lastEventId) => {
          const parsed = parse(query, { accept: 'text/event-stream', lastEventId: lastEventId ?? undefined });
          if (parsed.ok) {
            expect(parsed.value.limit).toBeGreaterThanOrEqual(1);
            expect(parsed.value.limit).toBeLessThanOrEqual(LIMIT_MAX);
          }
        },
      ),
    );
  });
});

describe('event log ids', () => {
  it('orders ids numerically and finds the one just before', () => {
    expect(compareEntryIds('9-0', '10-0')).toBe(-1);
    expect(compareEntryIds('10-2', '10-10')).toBe(-1);
    expect(compareEntryIds('10-2', '10-2')).toBe(0);
    expect(entryIdBefore('10-2')).toBe('10-1');
    expect(entryIdBefore('10-0')).toBe('9-18446744073709551615');
    expect(entryIdBefore('0-0')).toBe('0-0');
  });

  it('nothing lies between an id and the one before it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n - 1n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        (ms, seq) => {
          const id = `${ms}-${seq}`;
          const before = entryIdBefore(id);
          expect(compareEntryIds(before, id)).toBe(-1);
          expect(normaliseEntryId(before)).toBe(before);
        },
      ),
    );
  });
});

describe('grid log filters (grid_event_logs.rb)', () => {
  const entry = (...relationships: [string, string][]): EventLogEntry => ({
    created_at: '2026-01-01T00:00:00.000Z',
    severity: 1,
    type: 't',
    message: 'm',
    meta: null,
    relationships: relationships.map(
      ([type, id]) => ({ type, id }) as EventLogEntry['relationships'][number],
    ),
  });
  const redis = entry(['grid', 'g'], ['stack', 'g/null'], ['service', 'g/null/redis'], ['node', 'g/n1']);
  const api = entry(['grid', 'g'], ['stack', 'g/web'], ['service', 'g/web/api'], ['node', 'g/n2']);
  const grid = entry(['grid', 'g']);
  const filter = (query: Record<string, unknown>) => {
    const parsed = parseGridFilters('g', query);
    if (!parsed.ok) throw new Error('refused');
    return parsed.value;
  };
  const matching = (query: Record<string, unknown>) =>
    [redis, api, grid].filter((e) => filter(query)?.(e) ?? true);

  it('keeps everything without filters', () => {
    expect(filter({})).toBeUndefined();
    expect(matching({ limit: '5' })).toHaveLength(3);
  });

  it('matches any listed name of a kind, and every listed kind', () => {
    expect(matching({ nodes: 'n1,n2' })).toEqual([redis, api]);
    expect(matching({ stacks: 'web' })).toEqual([api]);
    expect(matching({ stacks: 'null' })).toEqual([redis]);
    expect(matching({ services: 'web/api, null/redis' })).toEqual([redis, api]);
    expect(matching({ services: 'redis' })).toEqual([redis]);
    expect(matching({ stacks: 'web', nodes: 'n1' })).toEqual([]);
  });

  it('matches nothing for unknown names, or an empty list, as Kontena', () => {
    expect(matching({ nodes: 'ghost' })).toEqual([]);
    expect(matching({ stacks: '' })).toEqual([]);
    expect(matching({ services: 'nope/none' })).toEqual([]);
  });

  it('refuses a filter that is not a list', () => {
    expect(parseGridFilters('g', { nodes: { a: 'b' } })).toEqual({
      ok: false,
      errors: { nodes: 'Nodes must be a comma-separated list' },
    });
  });
});
