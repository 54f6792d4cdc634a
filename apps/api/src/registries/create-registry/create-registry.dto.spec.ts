import fc from 'fast-check';
import { registryName } from '@libs/domain';
import { dtoErrors, toDto } from '../../common/validation/field';
import { CreateRegistryDto } from './create-registry.dto';

const parse = (input: Record<string, unknown>) => {
  const dto = toDto(CreateRegistryDto, input);
  return { dto, errors: dtoErrors(dto) };
};

describe('create registry input', () => {
  it('accepts a registry without an email, or with a null one', () => {
    expect(parse({ url: ' https://r.example.com ', username: 'u', password: 'p' })).toEqual({
      dto: { url: 'https://r.example.com', username: 'u', password: 'p' },
      errors: undefined,
    });
    expect(
      parse({ url: 'https://r.example.com', username: 'u', password: 'p', email: null }).errors,
    ).toBeUndefined();
  });

  it("refuses a URL Kontena's filter accepts but that has no host, with the filter's message", () => {
    expect(parse({ url: 'https://:5000', username: 'u', password: 'p' }).errors).toEqual({
      url: "Url isn't in the right format",
    });
  });

  it('never throws, and whatever it accepts has a registry name (property)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      fc.object(),
      fc.array(fc.string()),
    );
    const input = fc.record(
      { url: value, username: value, password: value, email: value },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (raw) => {
        const { dto, errors } = parse(raw);
        if (errors === undefined) expect(registryName(dto.url)).toEqual(expect.any(String));
      }),
      { numRuns: 200 },
    );
  });
});
