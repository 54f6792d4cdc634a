import { dtoErrors, Field, titleize, toDto } from './field';

class Statsd {
  @Field({ type: 'string', required: true }) server!: string;
  @Field({ type: 'integer', required: true }) port!: number;
}
class Stats {
  @Field({ type: 'hash', schema: Statsd, nils: true }) statsd?: Statsd | null;
}
class Secret {
  @Field({ type: 'string', required: true }) secret!: string;
  @Field({ type: 'string', required: true }) name!: string;
}
class Input {
  @Field({ type: 'string', nils: true, minLength: 3, matches: /^(\w|-)+$/ }) name?: string | null;
  @Field({ type: 'integer', min: 1, max: 7 }) initial_size?: number;
  @Field({ type: 'boolean', required: true }) stateful!: boolean;
  @Field({ type: 'array', of: { type: 'string', matches: /^[^=]+=/ } }) env?: string[];
  @Field({ type: 'array', of: Secret }) secrets?: Secret[];
  @Field({ type: 'hash', schema: Stats }) stats?: Stats;
  @Field({ type: 'hash', values: 'string' }) log_opts?: Record<string, string>;
}

const parse = (input: Record<string, unknown>) => {
  const dto = toDto(Input, input);
  return { dto, errors: dtoErrors(dto) };
};

describe('mutations-style fields', () => {
  it('titleizes keys the way ActiveSupport does', () => {
    expect(titleize('initial_size')).toBe('Initial Size');
    expect(titleize('env')).toBe('Env');
  });

  it('coerces like mutations: strips strings, parses numeric strings and boolean words', () => {
    const { dto, errors } = parse({ name: '  my-grid ', initial_size: '3', stateful: 'true' });
    expect(errors).toBeUndefined();
    expect(dto).toEqual({ name: 'my-grid', initial_size: 3, stateful: true });
  });

  it('drops unknown keys and keeps absent ones absent', () => {
    const { dto } = parse({ stateful: false, bogus: 1 });
    expect(dto).toEqual({ stateful: false });
    expect('name' in dto).toBe(false);
  });

  it('reports one message per field with Kontena wording', () => {
    expect(parse({ name: 'a!', initial_size: 9 }).errors).toEqual({
      name: 'Name is too short',
      initial_size: 'Initial Size is too big',
      stateful: 'Stateful is required',
    });
    expect(parse({ name: 'bad name', initial_size: 'x', stateful: 'maybe' }).errors).toEqual({
      name: "Name isn't in the right format",
      initial_size: "Initial Size isn't an integer",
      stateful: "Stateful isn't a boolean",
    });
    expect(parse({ name: '', stateful: null }).errors).toEqual({ name: "Name can't be blank", stateful: "Stateful can't be nil" });
  });

  it('accepts nil where nils are allowed', () => {
    expect(parse({ name: null, stateful: true }).errors).toBeUndefined();
  });

  it('reports array elements by index with nulls for the good ones', () => {
    expect(parse({ stateful: true, env: ['A=1', 'nope'] }).errors).toEqual({ env: [null, "Env[1] isn't in the right format"] });
    expect(parse({ stateful: true, env: 'A=1' }).errors).toEqual({ env: "Env isn't an array" });
  });

  it('nests errors of hashes and of arrays of hashes', () => {
    expect(parse({ stateful: true, stats: { statsd: { server: 'x' } } }).errors).toEqual({ stats: { statsd: { port: 'Port is required' } } });
    expect(parse({ stateful: true, stats: { statsd: null } }).errors).toBeUndefined();
    expect(parse({ stateful: true, secrets: [{ secret: 'A', name: 'B' }, { secret: 'A' }] }).errors).toEqual({
      secrets: [null, { name: 'Name is required' }],
    });
    expect(parse({ stateful: true, stats: 'x' }).errors).toEqual({ stats: "Stats isn't a hash" });
  });

  it('runs class-level rules only once every field is well-typed', () => {
    class Ruled {
      @Field({ type: 'array', of: { type: 'string' } }) items?: string[];
      validate() {
        return this.items?.includes('bad') ? { items: 'has a bad item' } : undefined;
      }
    }
    expect(dtoErrors(toDto(Ruled, { items: 'not an array' }))).toEqual({ items: "Items isn't an array" });
    expect(dtoErrors(toDto(Ruled, { items: ['bad'] }))).toEqual({ items: 'has a bad item' });
    expect(dtoErrors(toDto(Ruled, { items: ['good'] }))).toBeUndefined();
  });

  it('checks the values of free-form hashes', () => {
    expect(parse({ stateful: true, log_opts: { a: 'b' } }).errors).toBeUndefined();
    expect(parse({ stateful: true, log_opts: { a: { b: 1 } } }).errors).toEqual({ log_opts: { a: "A isn't a string" } });
  });
});
