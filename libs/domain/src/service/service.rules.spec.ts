import fc from 'fast-check';
import {
  DURATION_PATTERN,
  durationSeconds,
  mergeEnv,
  nameLengthError,
  parseVolume,
  qualifiedServiceName,
  qualifyLink,
  setEnv,
  STOP_SIGNAL_PATTERN,
  volumeToString,
} from './service.rules';

describe('service rules', () => {
  it('parses the three kinds of volume definitions', () => {
    expect(parseVolume('/host:/data:ro')).toEqual({
      bind_mount: '/host',
      volume: null,
      path: '/data',
      flags: 'ro',
    });
    expect(parseVolume('vol:/data')).toEqual({ bind_mount: null, volume: 'vol', path: '/data', flags: '' });
    expect(parseVolume('/data')).toEqual({ bind_mount: null, volume: null, path: '/data', flags: null });
    expect(parseVolume('/a:/b:ro:z')).toEqual({ bind_mount: '/a', volume: null, path: '/b', flags: 'ro,z' });
    expect(parseVolume('/data:')).toEqual({ bind_mount: null, volume: null, path: '/data', flags: null });
  });

  it("rejects other volume definitions with Kontena's message", () => {
    for (const bad of ['data', 'vol:data', '/a:b', '', ':', ':/data']) {
      expect(parseVolume(bad)).toEqual({ error: `Volume definition '${bad}' not in right format` });
    }
  });

  it('renders volumes as the service JSON shows them', () => {
    expect(volumeToString({ bind_mount: '/a', volume: null, path: '/b', flags: 'ro,z' })).toBe('/a:/b:ro,z');
    expect(volumeToString({ bind_mount: null, volume: 'vol', path: '/data', flags: '' })).toBe('vol:/data');
    expect(volumeToString({ bind_mount: null, volume: null, path: '/data', flags: null })).toBe('/data');
  });

  it('normalises any parsable volume to a fixed point', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('/', ':', 'a', 'b', 'r', 'o') }), (text) => {
        const parsed = parseVolume(text);
        if ('error' in parsed) return;
        expect(parseVolume(volumeToString(parsed))).toEqual(parsed);
      }),
    );
  });

  it('converts durations to whole seconds', () => {
    expect(durationSeconds('1m23s')).toBe(83);
    expect(durationSeconds('1h')).toBe(3600);
    expect(durationSeconds('1.5s')).toBe(1);
    expect(DURATION_PATTERN.test('1m23s')).toBe(true);
    expect(DURATION_PATTERN.test('foo')).toBe(false);
  });

  it('accepts signal names and numbers as stop signals', () => {
    for (const ok of ['SIGQUIT', 'sigterm', 'SIGRTMIN+3', '9'])
      expect(STOP_SIGNAL_PATTERN.test(ok)).toBe(true);
    for (const bad of ['invalid', '-SIGQUIT', 'SIGQUIT-', ''])
      expect(STOP_SIGNAL_PATTERN.test(bad)).toBe(false);
  });

  it('measures the host name of the last instance against 64 characters', () => {
    expect(nameLengthError('test-grid', 'foo', 'x'.repeat(36), 1)).toBe(
      `Total grid service name length 66 is over limit (64): ${'x'.repeat(36)}-1.foo.test-grid.kontena.local`,
    );
    expect(nameLengthError('test-grid', 'null', 'redis', 1)).toBeUndefined();
  });

  it('qualifies links with the linking service stack', () => {
    expect(qualifyLink('redis', 'web')).toEqual({ stack: 'web', service: 'redis', name: 'web/redis' });
    expect(qualifyLink('other/redis', 'web')).toEqual({
      stack: 'other',
      service: 'redis',
      name: 'other/redis',
    });
    expect(qualifyLink('redis', 'null')).toEqual({ stack: 'null', service: 'redis', name: 'null/redis' });
    expect(qualifiedServiceName('null', 'redis')).toBe('redis');
    expect(qualifiedServiceName('web', 'redis')).toBe('web/redis');
  });

  it('merges env keeping current values for empty ones, and sets single variables', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['B=', 'C=', 'A=3'])).toEqual(['B=2', 'C=', 'A=3']);
    expect(mergeEnv([], ['A=1', 'A=2'])).toEqual(['A=2']);
    expect(setEnv(['A=1', 'B=2', 'A=3'], 'A=9')).toEqual(['A=9', 'B=2']);
    expect(setEnv(['A=1'], 'B=2')).toEqual(['A=1', 'B=2']);
  });
});
