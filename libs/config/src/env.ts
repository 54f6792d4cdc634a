import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown when the environment does not describe a runnable process; the message names every bad variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((msg) => `${prefix}${msg}`),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

/**
 * Validates environment variables against a class-validator schema (DESIGN.md §10: a bad value stops the
 * process with a clear message). Defaults come from the class's property initialisers.
 */
export function validateEnv<T extends object>(schema: new () => T, env: Record<string, unknown> = process.env): T {
  // Environment variables are strings: coerce each to the type of the property's default value, so a
  // schema needs no type annotations beyond its defaults (`PORT = 9292` takes numbers).
  const defaults = new schema() as Record<string, unknown>;
  const defined = Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => {
        const kind = typeof defaults[k];
        if (kind === 'number' && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return [k, Number(v)];
        if (kind === 'boolean' && typeof v === 'string') return [k, envFlag(v)];
        return [k, v];
      }),
  );
  const config = plainToInstance(schema, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new InvalidEnvironmentError(describe(errors));
  return config;
}

/** `true`/`false`/`1`/`0`/`yes`/`no` as environment variables spell them. */
export function envFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return ['true', '1', 'yes', 'on'].includes(String(value).trim().toLowerCase());
}
