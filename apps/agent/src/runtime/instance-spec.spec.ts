import fc from 'fast-check';
import type { InstanceAssignment } from '@libs/queues';
import {
  changedFields,
  instanceSpecFromAssignment,
  normalizeSignal,
  specFingerprint,
  specProblems,
} from './instance-spec';
import type { InstanceSpec } from './runtime';
import { aSpec } from './testing/specs';

const assignment: InstanceAssignment = {
  instanceId: 'my-grid/web/api/2',
  serviceId: 'my-grid/web/api',
  instanceNumber: 2,
  deployRev: 'rev-7',
  desiredState: 'running',
  pod: {
    service_id: 'my-grid/web/api',
    service_name: 'web.api',
    service_revision: 4,
    instance_number: 2,
    image_name: 'registry/api:2',
    cmd: ['serve'],
    entrypoint: '/bin/entry',
    env: ['A=1', 'B=x=y', 'broken'],
    secrets: [
      { secret: 'CERT_A', name: 'SSL_CERTS', type: 'env' },
      { secret: 'CERT_B', name: 'SSL_CERTS', type: 'env' },
      { secret: 'DB_PASSWORD', name: 'DB_PASSWORD', type: 'env' },
    ],
    ports: [{ ip: '0.0.0.0', protocol: 'tcp', node_port: 80, container_port: 8080 }],
    hostname: 'api-2',
    user: null,
    memory: 268435456,
    memory_swap: null,
    cpus: 0.5,
    cpu_shares: null,
    stop_signal: 'SIGINT',
    stop_grace_period: 20,
    health_check: {
      protocol: 'http',
      port: 8080,
      uri: '/health',
      interval: 30,
      timeout: 5,
      initial_delay: 10,
    },
    wait_for_port: 8080,
    volumes: [],
    net: 'bridge',
    labels: { 'io.kontena.stack.name': 'web' },
  },
};

describe('a spec from the reconciler assignment', () => {
  it('names the container as Kontena (`<service_name>-<n>`) and resolves secrets into env', () => {
    const result = instanceSpecFromAssignment(assignment, { CERT_A: 'a', CERT_B: 'b', DB_PASSWORD: 'pw' });
    expect(result).toMatchObject({
      ok: true,
      spec: {
        instanceId: 'my-grid/web/api/2',
        name: 'web.api-2',
        deploy_rev: 'rev-7',
        service_revision: 4,
        entrypoint: ['/bin/entry'],
        // Secrets of one name are joined by a newline, as Kontena's agent did.
        env: { A: '1', B: 'x=y', SSL_CERTS: 'a\nb', DB_PASSWORD: 'pw' },
        ports: [{ container_port: 8080, node_port: 80, protocol: 'tcp', ip: null }],
        stop_signal: 'SIGINT',
        stop_grace_period: 20,
        wait_for_port: 8080,
      },
    });
    expect(result.ok && specProblems(result.spec)).toEqual([]);
  });

  it('reads node port 0 as any free port, as Docker does', () => {
    const anyPort = {
      ...assignment,
      pod: {
        ...assignment.pod,
        ports: [{ ip: '0.0.0.0', protocol: 'tcp', node_port: 0, container_port: 8080 }],
      },
    };
    const result = instanceSpecFromAssignment(anyPort, { CERT_A: 'a', CERT_B: 'b', DB_PASSWORD: 'pw' });
    expect(result.ok && result.spec.ports).toEqual([
      { container_port: 8080, node_port: null, protocol: 'tcp', ip: null },
    ]);
    expect(result.ok && specProblems(result.spec)).toEqual([]);
  });

  it('refuses to build a spec with a secret the agent did not fetch', () => {
    expect(instanceSpecFromAssignment(assignment, { CERT_A: 'a', CERT_B: 'b' })).toEqual({
      ok: false,
      reason: 'secret DB_PASSWORD (for env DB_PASSWORD) was not fetched',
    });
  });
});

describe('spec problems', () => {
  it('accepts a good spec', () => expect(specProblems(aSpec())).toEqual([]));

  it('names each bad field', () => {
    const problems = specProblems(
      aSpec({
        instanceId: 'api-1',
        name: '-bad name',
        ports: [{ container_port: 0, node_port: 70000, protocol: 'sctp' as 'tcp' }],
        stop_signal: 'SIGNOPE',
        health_check: { protocol: 'http', port: 8080, interval: 0, timeout: 1, initial_delay: -1 },
        wait_for_port: 123456,
      }),
    );
    expect(problems).toEqual([
      'instanceId must look like <grid>/<stack>/<service>/<number>, got "api-1"',
      'name must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128 characters), got "-bad name"',
      'ports[0].container_port must be a port number (1-65535)',
      'ports[0].node_port must be a port number (1-65535)',
      'ports[0].protocol must be tcp or udp',
      'stop_signal "SIGNOPE" is not a signal',
      'wait_for_port must be a port number (1-65535)',
      'health_check.interval must be a positive number of seconds',
      'health_check.initial_delay must be a number of seconds (0 or more)',
    ]);
  });

  it('never quotes an env value, even when it is what is wrong', () => {
    const problems = specProblems(aSpec({ env: { TOKEN: 'hunter2\0', HUGE: 'x'.repeat(200_000) } }));
    expect(problems).toHaveLength(2);
    expect(problems.join(' ')).not.toMatch(/hunter2|xxxx/);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.object(), (junk) => {
        expect(Array.isArray(specProblems({ ...aSpec(), ...(junk as object) } as InstanceSpec))).toBe(true);
      }),
    );
  });
});

describe('signals', () => {
  it.each([
    [null, 'SIGTERM'],
    ['TERM', 'SIGTERM'],
    ['sigint', 'SIGINT'],
    ['SIGQUIT', 'SIGQUIT'],
    ['NOPE', null],
  ])('%p means %p', (given, expected) => expect(normalizeSignal(given)).toBe(expected));
});

describe('spec fingerprint', () => {
  it('is the same for equal specs, whatever their key order and missing-vs-null fields', () => {
    const a = aSpec({ user: null });
    const b = Object.fromEntries(Object.entries(aSpec()).reverse()) as unknown as InstanceSpec;
    expect(specFingerprint(a)).toBe(specFingerprint(b));
  });

  it('changes with any field, secret values included', () => {
    const base = specFingerprint(aSpec());
    expect(specFingerprint(aSpec({ deploy_rev: 'other' }))).not.toBe(base);
    expect(specFingerprint(aSpec({ env: { NODE_ENV: 'production', DB_PASSWORD: 'rotated' } }))).not.toBe(
      base,
    );
    expect(specFingerprint(aSpec({ ports: [] }))).not.toBe(base);
  });

  it('does not contain the env values', () => {
    expect(specFingerprint(aSpec())).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('changed fields', () => {
  it('names the fields that differ and no values', () => {
    expect(changedFields(aSpec(), aSpec({ image: 'registry/api:2', env: { DB_PASSWORD: 'x' } }))).toEqual([
      'env',
      'image',
    ]);
  });
  it('treats missing and null alike', () =>
    expect(changedFields(aSpec({ user: null }), aSpec())).toEqual([]));
});
