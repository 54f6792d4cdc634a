import { inspectNumbers, inspectStrings, rubyFloat, substituteInstance } from './format';

describe('instance substitution (Ruby String#% with the instance number)', () => {
  it.each([
    ['container==redis-%s', 3, 'container==redis-3'],
    ['container==redis-%d', 12, 'container==redis-12'],
    ['container==redis-%i', 7, 'container==redis-7'],
    ['db-%03d', 7, 'db-007'],
    ['db-%-3s|', 7, 'db-7  |'],
    ['label==100%%', 1, 'label==100%'],
    ['node==node-1', 5, 'node==node-1'],
  ])('given %p for instance %p then it reads %p', (text, n, expected) => {
    expect(substituteInstance(text, n)).toBe(expected);
  });

  it('given two directives then both get the instance number (Ruby would raise "too few arguments")', () => {
    expect(substituteInstance('%s-%s', 2)).toBe('2-2');
  });

  it('given a % that is not a directive then it is left alone (Ruby would raise)', () => {
    expect(substituteInstance('label==50%off', 2)).toBe('label==50%off');
  });
});

describe('Ruby inspect formatting used in messages', () => {
  it('formats string arrays like Array#inspect', () => {
    expect(inspectStrings(['local', 'foo'])).toBe('["local", "foo"]');
  });
  it('formats integer arrays like Array#inspect', () => {
    expect(inspectNumbers([80, 443])).toBe('[80, 443]');
  });
  it('formats floats like Float#to_s', () => {
    expect(rubyFloat(2)).toBe('2.0');
    expect(rubyFloat(1.5)).toBe('1.5');
  });
});
