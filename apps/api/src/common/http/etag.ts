import { HttpProblem } from './errors';

/** `W/"<revision>"` (STYLE.md, oskardudycz eTag). */
export function toETag(revision: bigint | number | string): string {
  return `W/"${revision}"`;
}

/** The revision an `If-Match` header pins, `undefined` when absent; `*` pins nothing. */
export function parseIfMatch(header: string | undefined): bigint | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,19})"\s*$/.exec(header);
  if (!match) throw new HttpProblem(400, { error: 'Invalid If-Match header: expected W/"<revision>"' });
  return BigInt(match[1]);
}
