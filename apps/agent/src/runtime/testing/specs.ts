import type { InstanceSpec } from '../runtime';

/** A valid spec for tests, with whatever they override. */
export const aSpec = (overrides: Partial<InstanceSpec> = {}): InstanceSpec => ({
  instanceId: 'my-grid/web/api/1',
  name: 'web.api-1',
  service_revision: 3,
  deploy_rev: '2026-11-22 12:00:00 UTC',
  image: 'registry/api:1',
  cmd: ['node', 'server.js'],
  env: { NODE_ENV: 'production', DB_PASSWORD: 's3cret' },
  ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
  labels: { 'io.kontena.service.id': 'my-grid/web/api' },
  ...overrides,
});
