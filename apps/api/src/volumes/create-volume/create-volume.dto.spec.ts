import fc from 'fast-check';
import { VOLUME_SCOPES } from '@libs/domain';
import { dtoErrors, toDto } from '../../common/validation/field';
import { CreateVolumeDto } from './create-volume.dto';

const parse = (input: Record<string, unknown>) => {
  const dto = toDto(CreateVolumeDto, input);
  return { dto, errors: dtoErrors(dto) };
};

describe('create volume input', () => {
  it('accepts driver options as any hash, or none', () => {
    expect(
      parse({ name: 'data', scope: 'grid', driver: 'local', driver_opts: { 'a.b': 1 } }).errors,
    ).toBeUndefined();
    expect(parse({ name: 'data', scope: 'grid', driver: 'local', driver_opts: null }).errors).toBeUndefined();
    expect(parse({ name: 'data', scope: 'grid', driver: 'local' }).errors).toBeUndefined();
  });

  it('never throws, and whatever it accepts is a volume the decider can take (property)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom(...VOLUME_SCOPES),
      fc.constant(null),
      fc.integer(),
      fc.object(),
      fc.array(fc.string()),
    );
    const input = fc.record(
      { name: value, scope: value, driver: value, driver_opts: value },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (raw) => {
        const { dto, errors } = parse(raw);
        if (errors !== undefined) return;
        expect(VOLUME_SCOPES).toContain(dto.scope);
        expect(dto.name).toMatch(/^(?!-)[\w-]+$/);
        expect(typeof dto.driver).toBe('string');
        expect(
          dto.driver_opts === undefined ||
            dto.driver_opts === null ||
            (typeof dto.driver_opts === 'object' && !Array.isArray(dto.driver_opts)),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
