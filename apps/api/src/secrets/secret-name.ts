import type { FieldOptions } from '../common/validation/field';

/** Kontena's secret name filter (`grid_secrets/create.rb`): word characters and `-`, not leading `-`. */
export const secretNameField: FieldOptions = {
  type: 'string',
  required: true,
  matches: /^(?!-)[\w-]+$/,
  example: 'DB_PASSWORD',
};
