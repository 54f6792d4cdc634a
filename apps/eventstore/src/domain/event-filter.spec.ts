import { createAllFilter, InvalidFilterError, passesDefaultAllFilter } from './event-filter';

const event = (stream: string, type = 'Happened') => ({ stream, type });

describe('DefaultAllFilter (spec §3.5)', () => {
  it.each([
    ['user-1', true],
    ['$users', true],
    ['$$user-1', true],
    ['$epoch-information', false],
    ['$persistentsubscription-$all::group-checkpoint', false],
    ['$persistentsubscription-$all::group-parked', false],
    ['$persistentsubscription-orders::group-checkpoint', true],
  ])('%s passes: %s', (stream, passes) => {
    expect(passesDefaultAllFilter(event(stream))).toBe(passes);
  });
});

describe('createAllFilter', () => {
  it('matches stream-name prefixes (any of them) after the default filter', () => {
    const filter = createAllFilter({ on: 'stream_name', regex: '', prefixes: ['order-', 'invoice-'] });
    expect(filter(event('order-1'))).toBe(true);
    expect(filter(event('invoice-9'))).toBe(true);
    expect(filter(event('customer-1'))).toBe(false);
  });

  it('lets nothing through an empty prefix list', () => {
    expect(createAllFilter({ on: 'stream_name', regex: '', prefixes: [] })(event('order-1'))).toBe(false);
  });

  it('searches with a regex unanchored, and a regex wins over prefixes', () => {
    const filter = createAllFilter({ on: 'event_type', regex: 'Placed', prefixes: ['Nothing'] });
    expect(filter(event('order-1', 'OrderPlaced'))).toBe(true);
    expect(filter(event('order-1', 'OrderShipped'))).toBe(false);
  });

  it('excludeSystemEvents (^[^$].*) still drops $epoch-information even for a matching type', () => {
    const filter = createAllFilter({ on: 'event_type', regex: '^[^$].*', prefixes: [] });
    expect(filter(event('$users', '$User'))).toBe(false);
    expect(filter(event('order-1', 'OrderPlaced'))).toBe(true);
    expect(
      createAllFilter({ on: 'event_type', regex: 'epoch', prefixes: [] })(
        event('$epoch-information', '$epoch-information'),
      ),
    ).toBe(false);
  });

  it('refuses an invalid regex', () => {
    expect(() => createAllFilter({ on: 'stream_name', regex: '(', prefixes: [] })).toThrow(
      InvalidFilterError,
    );
  });
});
