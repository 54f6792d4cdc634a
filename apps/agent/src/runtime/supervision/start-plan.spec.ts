import { specFingerprint } from '../instance-spec';
import type { InstanceStatus } from '../runtime';
import { aSpec } from '../testing/specs';
import { planStart } from './start-plan';

const spec = aSpec();
const hash = specFingerprint(spec);

describe('planning an idempotent start', () => {
  it('creates what does not exist', () => expect(planStart(null, spec, hash)).toEqual({ action: 'create' }));

  it.each<InstanceStatus>(['running', 'starting', 'restarting'])(
    'keeps an instance %s with the same spec',
    (status) => {
      expect(planStart({ spec_hash: hash, status, spec }, spec, hash)).toEqual({ action: 'keep' });
    },
  );

  it('keeps an adopted instance running the same spec (it has only the hash), so no duplicate is started', () => {
    expect(planStart({ spec_hash: hash, status: 'running', spec: null }, spec, hash)).toEqual({
      action: 'keep',
    });
  });

  it.each<InstanceStatus>(['stopped', 'exited', 'crashed', 'error'])(
    'starts an instance %s with the same spec now',
    (status) => {
      expect(planStart({ spec_hash: hash, status, spec }, spec, hash)).toEqual({ action: 'start' });
    },
  );

  it('replaces an instance with another spec and says what changed', () => {
    const desired = aSpec({ deploy_rev: 'next', image: 'registry/api:2' });
    expect(
      planStart({ spec_hash: hash, status: 'running', spec }, desired, specFingerprint(desired)),
    ).toEqual({
      action: 'replace',
      changed: ['deploy_rev', 'image'],
    });
  });

  it('replaces an adopted instance whose hash differs, without knowing what changed', () => {
    const desired = aSpec({ deploy_rev: 'next' });
    expect(
      planStart({ spec_hash: hash, status: 'exited', spec: null }, desired, specFingerprint(desired)),
    ).toEqual({
      action: 'replace',
      changed: ['spec'],
    });
  });
});
