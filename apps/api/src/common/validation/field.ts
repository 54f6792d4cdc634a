import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { Expose, plainToInstance, Transform } from 'class-transformer';
import { isIn, matches, maxLength, minLength, ValidateBy, ValidationArguments, validateSync } from 'class-validator';
import type { ErrorHash, ErrorValue } from '@libs/domain';

/**
 * Kontena validates input with the `mutations` gem: each field is *filtered* (coerced, then checked) and
 * reports one message, `"<Key Titleized> <reason>"` (kontena-behaviour.md §2). `@Field` expresses one
 * such filter as a class-transformer coercion plus a single class-validator constraint, so DTOs keep
 * Kontena's exact messages and error shapes (nested hashes, per-element arrays) and also describe
 * themselves to OpenAPI.
 */
export type FieldError = ErrorValue;

type Scalar = 'string' | 'integer' | 'float' | 'boolean';

export interface FieldOptions {
  type: Scalar | 'hash' | 'array' | 'any';
  required?: boolean;
  /** `null` is a legal value (mutations `nils: true`); otherwise "can't be nil". */
  nils?: boolean;
  /** `""` is a legal string (mutations `empty: true`); otherwise "can't be blank". */
  empty?: boolean;
  matches?: RegExp;
  in?: readonly unknown[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  /** Element filter of an array. */
  of?: FieldOptions | (new () => object);
  /** Nested DTO of a hash; without it any plain object is accepted. */
  schema?: new () => object;
  /** Values of a free-form hash (e.g. `log_opts`: strings). */
  values?: Scalar;
  description?: string;
  example?: unknown;
}

const MESSAGES = {
  nils: "can't be nil",
  required: 'is required',
  string: "isn't a string",
  integer: "isn't an integer",
  float: 'is invalid',
  boolean: "isn't a boolean",
  hash: "isn't a hash",
  array: "isn't an array",
  empty: "can't be blank",
  max_length: 'is too long',
  min_length: 'is too short',
  matches: "isn't in the right format",
  in: "isn't an option",
  min: 'is too small',
  max: 'is too big',
} as const;

/** ActiveSupport's `titleize`, as mutations uses it: `initial_size` → `Initial Size`. */
export function titleize(key: string): string {
  return key
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

function message(key: string, reason: keyof typeof MESSAGES, index?: number): string {
  return index === undefined ? `${titleize(key)} ${MESSAGES[reason]}` : `${titleize(key)}[${index}] ${MESSAGES[reason]}`;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** mutations' coercions: strings are stripped, numeric strings become numbers, "1"/"true" booleans. */
function coerceScalar(type: Scalar | 'any', value: unknown): unknown {
  if (value === null || value === undefined) return value;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value.trim();
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'integer':
    case 'float':
      if (typeof value === 'string') {
        const text = value.trim();
        if (text === '') return null;
        const pattern = type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
        return pattern.test(text) ? Number(text) : value;
      }
      return value;
    case 'boolean':
      if (value === 'true' || value === '1' || value === 1) return true;
      if (value === 'false' || value === '0' || value === 0) return false;
      if (value === '') return null;
      return value;
    default:
      return value;
  }
}

function isDtoClass(of: FieldOptions['of']): of is new () => object {
  return typeof of === 'function';
}

function coerce(options: FieldOptions, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (options.type) {
    case 'hash':
      if (!isPlainObject(value)) return value;
      if (options.schema) return toDto(options.schema, value);
      if (options.values) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceScalar(options.values!, v)]));
      return value;
    case 'array':
      if (!Array.isArray(value)) return value;
      if (!options.of) return value;
      return value.map((element) =>
        isDtoClass(options.of) ? (isPlainObject(element) ? toDto(options.of, element) : element) : coerce(options.of as FieldOptions, element),
      );
    default:
      return coerceScalar(options.type, value);
  }
}

/** Checks a coerced value; returns the field's error or `undefined`. `index` names array elements. */
export function checkField(key: string, options: FieldOptions, value: unknown, present: boolean, index?: number): FieldError | undefined {
  if (!present) return options.required ? message(key, 'required', index) : undefined;
  if (value === null) return options.nils ? undefined : message(key, 'nils', index);

  switch (options.type) {
    case 'string': {
      if (typeof value !== 'string') return message(key, 'string', index);
      if (value === '' && !options.empty) return message(key, 'empty', index);
      if (options.minLength !== undefined && !minLength(value, options.minLength)) return message(key, 'min_length', index);
      if (options.maxLength !== undefined && !maxLength(value, options.maxLength)) return message(key, 'max_length', index);
      if (options.matches && !matches(value, options.matches)) return message(key, 'matches', index);
      break;
    }
    case 'integer':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value) || (options.type === 'integer' && !Number.isInteger(value))) {
        return message(key, options.type, index);
      }
      if (options.min !== undefined && value < options.min) return message(key, 'min', index);
      if (options.max !== undefined && value > options.max) return message(key, 'max', index);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return message(key, 'boolean', index);
      break;
    case 'hash':
      if (!isPlainObject(value)) return message(key, 'hash', index);
      if (options.schema) {
        const nested = dtoErrors(value as object);
        if (nested) return nested;
      } else if (options.values) {
        for (const [k, v] of Object.entries(value)) {
          const error = checkField(k, { type: options.values }, v, true);
          if (error) return { [k]: error };
        }
      }
      break;
    case 'array': {
      if (!Array.isArray(value)) return message(key, 'array', index);
      if (!options.of) break;
      const elementErrors = value.map((element, i) => {
        if (isDtoClass(options.of)) return isPlainObject(element) ? (dtoErrors(element) ?? null) : message(key, 'hash', i);
        return checkField(key, options.of as FieldOptions, element, true, i) ?? null;
      });
      if (elementErrors.some((e) => e !== null)) return elementErrors;
      break;
    }
    case 'any':
      break;
  }
  if (options.in && !isIn(value, options.in as unknown[])) return message(key, 'in', index);
  return undefined;
}

const ERROR_PREFIX = 'kontena:';
const OPENAPI_TYPES = { string: 'string', integer: 'integer', float: 'number', boolean: 'boolean', hash: 'object', array: 'array', any: 'string' } as const;

/** Decorates a DTO property with a mutations-style filter (and its OpenAPI description). */
export function Field(options: FieldOptions): PropertyDecorator {
  const scalarType = { string: String, integer: 'integer', float: Number, boolean: Boolean, any: undefined } as const;
  const openApi = {
    description: options.description,
    example: options.example,
    nullable: options.nils,
    type:
      options.type === 'hash'
        ? (options.schema ?? Object)
        : options.type === 'array'
          ? isDtoClass(options.of) ? [options.of] : Array
          : scalarType[options.type],
    enum: options.in as unknown[] | undefined,
    pattern: options.matches?.source,
    minimum: options.min,
    maximum: options.max,
    minLength: options.minLength,
    maxLength: options.maxLength,
    items: options.type === 'array' && options.of && !isDtoClass(options.of) ? { type: OPENAPI_TYPES[(options.of as FieldOptions).type] } : undefined,
  } as ApiPropertyOptions;
  return applyDecorators(
    options.required ? ApiProperty(openApi) : ApiPropertyOptional(openApi),
    Expose(),
    Transform(({ obj, key }) => coerce(options, obj[key]), { toClassOnly: true }),
    ValidateBy({
      name: 'kontenaField',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          checkField(args!.property, options, value, Object.prototype.hasOwnProperty.call(args!.object, args!.property) && value !== undefined) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          ERROR_PREFIX + JSON.stringify(checkField(args!.property, options, args!.value, args!.value !== undefined) ?? null),
      },
    }),
  );
}

/** Builds a DTO instance: known keys only (mutations drops unknown input keys), coerced. */
export function toDto<T extends object>(dto: new () => T, input: Record<string, unknown>): T {
  const instance = plainToInstance(dto, input, { excludeExtraneousValues: true, exposeUnsetFields: false });
  // Keys absent from the input stay absent, so "is required" and partial updates can tell them apart.
  for (const key of Object.keys(instance)) {
    if (!Object.prototype.hasOwnProperty.call(input, key)) delete (instance as Record<string, unknown>)[key];
  }
  return instance;
}

/** Kontena's error hash for a DTO instance, or `undefined` when it is valid. Class-level rules go in `validate()`. */
export function dtoErrors(instance: object): ErrorHash | undefined {
  const errors: ErrorHash = {};
  for (const error of validateSync(instance, { forbidUnknownValues: false })) {
    const encoded = Object.values(error.constraints ?? {}).find((m) => m.startsWith(ERROR_PREFIX));
    if (encoded) {
      const decoded = JSON.parse(encoded.slice(ERROR_PREFIX.length)) as FieldError | null;
      if (decoded !== null) errors[error.property] = decoded;
    }
  }
  if (Object.keys(errors).length) return errors;
  // Class-level rules run only on input whose every field passed, so they may rely on the types.
  const extra = (instance as { validate?: () => ErrorHash | undefined }).validate?.();
  return extra && Object.keys(extra).length ? extra : undefined;
}
