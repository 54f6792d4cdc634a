import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailed } from '@libs/domain';
import { dtoErrors, toDto } from '../validation/field';
import { DomainException, HttpProblem } from './errors';

const PRIMITIVES: unknown[] = [String, Number, Boolean, Array, Object, undefined];

/**
 * Turns a JSON body into its DTO with Kontena's filtering: unknown keys dropped, values coerced, and any
 * invalid field answered with 422 and Kontena's error hash before a command is built.
 */
@Injectable()
export class KontenaBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || PRIMITIVES.includes(metadata.metatype)) return value;
    if (value === undefined || value === null) value = {};
    // A body that is JSON but not an object (an array, a string, a number) cannot be a Kontena request.
    if (typeof value !== 'object' || Array.isArray(value)) throw new HttpProblem(400, { error: 'Invalid json' });
    const dto = toDto(metadata.metatype as new () => object, value as Record<string, unknown>);
    const errors = dtoErrors(dto);
    if (errors) throw new DomainException(new ValidationFailed(errors));
    return dto;
  }
}
