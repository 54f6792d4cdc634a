import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { InvalidEnvironmentError, validateEnv } from './env';

class Schema {
  @IsInt() @Min(0) @Max(65535) PORT = 9292;
  @IsBoolean() MEMORY = false;
  @IsString() NAME = 'x';
}

describe('validateEnv', () => {
  it('applies defaults and coerces strings to the defaults\' types', () => {
    expect(validateEnv(Schema, {})).toMatchObject({ PORT: 9292, MEMORY: false, NAME: 'x' });
    expect(validateEnv(Schema, { PORT: '0', MEMORY: 'true', NAME: '12' })).toMatchObject({ PORT: 0, MEMORY: true, NAME: '12' });
  });

  it('names every bad variable', () => {
    expect(() => validateEnv(Schema, { PORT: '70000' })).toThrow(InvalidEnvironmentError);
    expect(() => validateEnv(Schema, { PORT: 'abc' })).toThrow(/PORT must be an integer/);
  });

  it('treats empty values as unset', () => {
    expect(validateEnv(Schema, { PORT: '' }).PORT).toBe(9292);
  });
});
