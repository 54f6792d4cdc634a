import fc from 'fast-check';
import { DEFAULT_METRICS_WINDOW_MS, parseMetricsQuery } from './metrics/metrics-query';
import { parseTime, scalar } from '../common/http/query-params';
import { parseStatsQuery } from './stats/stats-query';

const now = new Date('2017-01-01T13:15:00Z');

describe('times in query strings', () => {
  it.each([
    ['2017-01-01T12:15:00.00Z', '2017-01-01T12:15:00.000Z'],
    ['2017-01-01T12:15:00Z', '2017-01-01T12:15:00.000Z'],
    ['2017-01-01T12:15Z', '2017-01-01T12:15:00.000Z'],
    ['2017-01-01', '2017-01-01T00:00:00.000Z'],
    ['2017-01-01 12:00:00 UTC', '2017-01-01T12:00:00.000Z'],
    ['2017-01-01T14:15:00+02:00', '2017-01-01T12:15:00.000Z'],
    ['2017-01-01T10:15:00-0200', '2017-01-01T12:15:00.000Z'],
    // `+02:00` sent unencoded: the `+` arrives as a space.
    ['2017-01-01T14:15:00 02:00', '2017-01-01T12:15:00.000Z'],
    ['2017-01-01T12:15:00.123456Z', '2017-01-01T12:15:00.123Z'],
  ])('reads %s', (raw, iso) => {
    expect(new Date(parseTime(raw)!).toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2017-02-30T00:00:00Z',
    '2017-01-01T24:00:00Z',
    '2017-13-01',
    '1488000000',
    '2017-01-01T12:00:00+25:00',
    '',
  ])('refuses %j', (raw) => {
    expect(parseTime(raw)).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (raw) => void parseTime(raw)));
  });

  it('takes the last of repeated parameters, as Rack', () => {
    expect(scalar(['a', 'b'])).toBe('b');
    expect(scalar(undefined)).toBeUndefined();
    expect(scalar({ nested: 'x' })).toBeNull();
  });
});

describe('stats parameters', () => {
  it('sorts by cpu and lists every container by default', () => {
    expect(parseStatsQuery({})).toEqual({ ok: true, value: { sort: 'cpu', limit: undefined } });
    expect(parseStatsQuery({ sort: '', limit: '' })).toEqual({
      ok: true,
      value: { sort: 'cpu', limit: undefined },
    });
  });

  it.each(['cpu', 'memory', 'rx_bytes', 'tx_bytes'])('sorts by %s', (sort) => {
    expect(parseStatsQuery({ sort, limit: '5' })).toEqual({ ok: true, value: { sort, limit: 5 } });
  });

  it('says what is wrong with a sort or limit it cannot use', () => {
    expect(parseStatsQuery({ sort: 'disk', limit: 'abc' })).toEqual({
      ok: false,
      errors: {
        sort: 'Sort must be one of cpu, memory, rx_bytes, tx_bytes',
        limit: 'Limit must be a positive integer',
      },
    });
    for (const limit of ['0', '-1', '1.5', ['x', { a: 1 }]])
      expect(parseStatsQuery({ limit }).ok).toBe(false);
  });
});

describe('metrics parameters', () => {
  it('defaults to the hour before now', () => {
    expect(parseMetricsQuery({}, now)).toEqual({
      ok: true,
      value: { fromMs: now.getTime() - DEFAULT_METRICS_WINDOW_MS, toMs: now.getTime() },
    });
  });

  it('takes an hour before `to` when only `to` is given', () => {
    const to = Date.parse('2017-01-01T10:00:00Z');
    expect(parseMetricsQuery({ to: '2017-01-01T10:00:00Z' }, now)).toEqual({
      ok: true,
      value: { fromMs: to - DEFAULT_METRICS_WINDOW_MS, toMs: to },
    });
  });

  it('takes both ends', () => {
    expect(parseMetricsQuery({ from: '2017-01-01T12:00:00Z', to: '2017-01-01 12:15:00 UTC' }, now)).toEqual({
      ok: true,
      value: { fromMs: Date.parse('2017-01-01T12:00:00Z'), toMs: Date.parse('2017-01-01T12:15:00Z') },
    });
  });

  it('refuses times it cannot read, and a window that ends before it starts', () => {
    expect(parseMetricsQuery({ from: 'yesterday', to: 'now' }, now)).toEqual({
      ok: false,
      errors: {
        from: 'From must be an ISO 8601 time, such as 2017-01-01T12:15:00Z',
        to: 'To must be an ISO 8601 time, such as 2017-01-01T12:15:00Z',
      },
    });
    expect(parseMetricsQuery({ from: '2017-01-01T12:00:01Z', to: '2017-01-01T12:00:00Z' }, now)).toEqual({
      ok: false,
      errors: { from: 'From must not be after To' },
    });
  });
});
