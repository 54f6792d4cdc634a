import type { SecretEvent, SecretState } from '@libs/domain';
import type { CommandOutcome } from '@libs/eventstore';
import type { SecretDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';
import { secretAfter } from './secret-doc';

const sealed = (ciphertext: string) => ({
  key_id: 'k',
  alg: 'A256GCM' as const,
  iv: 'aXY=',
  ciphertext,
  tag: 'dGFn',
});
const now = new Date('2026-11-22T12:00:00.000Z');
const stored: SecretDoc = {
  id: 'g/PWD',
  grid: 'g',
  name: 'PWD',
  value: sealed('b2xk'),
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-02-01T00:00:00.000Z',
};

const readModels = (doc: SecretDoc | undefined, revision: bigint | undefined) =>
  ({ reader: { doc: async () => doc, docAt: async () => ({ doc, revision }) } }) as unknown as ReadModels;
const outcome = (events: SecretEvent[], revision: bigint): CommandOutcome<SecretState, SecretEvent> => ({
  events,
  revision,
  state: { status: 'active', grid: 'g', name: 'PWD', value: sealed('bmV3') },
});

describe('the secret a command left', () => {
  it('is the read model document once it reflects the command', async () => {
    const changed = outcome([{ type: 'SecretValueChanged', data: { value: sealed('bmV3') } }], 3n);
    expect(await secretAfter(readModels(stored, 3n), 'g/PWD', changed, now)).toBe(stored);
  });

  it('is built from the decider state while the read model lags, keeping what the old document knew', async () => {
    const changed = outcome([{ type: 'SecretValueChanged', data: { value: sealed('bmV3') } }], 3n);
    expect(await secretAfter(readModels(stored, 2n), 'g/PWD', changed, now)).toEqual({
      ...stored,
      value: sealed('bmV3'),
      updated_at: now.toISOString(),
    });
    const read = outcome([{ type: 'SecretRead', data: {} }], 3n);
    expect((await secretAfter(readModels(stored, 2n), 'g/PWD', read, now)).updated_at).toBe(
      stored.updated_at,
    );
  });

  it('is built entirely from the command for a secret the read model has not seen yet', async () => {
    const created = outcome(
      [{ type: 'SecretCreated', data: { grid: 'g', name: 'PWD', value: sealed('bmV3') } }],
      0n,
    );
    expect(await secretAfter(readModels(undefined, undefined), 'g/PWD', created, now)).toEqual({
      id: 'g/PWD',
      grid: 'g',
      name: 'PWD',
      value: sealed('bmV3'),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
  });
});
