import { parseAffinity, rubyRegexSource } from './affinity';

const parsed = (text: string) => {
  const r = parseAffinity(text);
  if (!r.ok) throw new Error(r.reason);
  const { key, negate, soft, value } = r.affinity;
  return { key, negate, soft, value };
};

describe('parsing an affinity (Kontena split_affinity)', () => {
  it.each([
    ['node==node-1', { key: 'node', negate: false, soft: false, value: 'node-1' }],
    ['label==~ssd', { key: 'label', negate: false, soft: true, value: 'ssd' }],
    ['label!=az=a', { key: 'label', negate: true, soft: false, value: 'az=a' }],
    ['service!=~web', { key: 'service', negate: true, soft: true, value: 'web' }],
    ['container==/^redis-\\d+$/', { key: 'container', negate: false, soft: false, value: '/^redis-\\d+$/' }],
  ])('given %p then it splits into key, comparator, flag and value', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it('given a value that is a regex then a pattern is compiled', () => {
    const r = parseAffinity('node!=/^node-(2|3)$/');
    expect(r.ok && r.affinity.pattern?.test('node-3')).toBe(true);
    expect(r.ok && r.affinity.pattern?.test('node-31')).toBe(false);
  });

  it('given a single = then it is invalid, with Kontena message', () => {
    expect(parseAffinity('foo=bar')).toEqual({ ok: false, reason: 'Invalid affinity filter: foo=bar' });
  });

  it('given =~ (Kontena has no such operator) then it is invalid', () => {
    expect(parseAffinity('label=~ssd')).toEqual({ ok: false, reason: 'Invalid affinity filter: label=~ssd' });
  });

  it('given an unknown key then it fails with Kontena message instead of crashing', () => {
    expect(parseAffinity('nodes==test')).toEqual({ ok: false, reason: 'Unknown affinity filter: nodes' });
  });

  it('given a second comparator then the greedy key takes the first one, like Kontena', () => {
    expect(parseAffinity('label==a==b')).toEqual({ ok: false, reason: 'Unknown affinity filter: label==a' });
  });

  it('given a broken regex then it is a clear error, not an exception', () => {
    expect(parseAffinity('node==/(/')).toEqual({
      ok: false,
      reason: 'Invalid affinity filter regex: node==/(/',
    });
  });
});

describe('Ruby regex translation', () => {
  it('turns \\A and \\z into anchors and \\h into a hex class', () => {
    expect(rubyRegexSource('\\Anode-\\h+\\z')).toBe('^node-[0-9a-fA-F]+$');
    expect(rubyRegexSource('[\\h-]')).toBe('[0-9a-fA-F-]');
    expect(rubyRegexSource('a\\\\A')).toBe('a\\\\A');
  });
});
