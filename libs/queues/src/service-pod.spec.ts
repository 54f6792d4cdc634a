import { SERVICE_DEFAULTS } from '@libs/domain';
import type { ServiceDoc } from '@libs/read-model';
import { containerName, instanceAssignment, servicePod } from './service-pod';

const service = (overrides: Partial<ServiceDoc> = {}): ServiceDoc => ({
  ...SERVICE_DEFAULTS,
  image: 'redis:7',
  stateful: false,
  id: 'g/web/api',
  grid: 'g',
  stack: 'web',
  name: 'api',
  state: 'running',
  revision: 3,
  stack_revision: 1,
  deploy_requested_at: null,
  created_at: '2026-11-22T00:00:00.000Z',
  updated_at: '2026-11-22T00:00:00.000Z',
  ...overrides,
});

describe('service pod', () => {
  it('names containers as Kontena does, with and without a stack', () => {
    expect(containerName(service(), 2)).toBe('web.api-2');
    expect(containerName(service({ stack: 'null' }), 2)).toBe('api-2');
  });

  it('carries secret references and never values', () => {
    const pod = servicePod(service({ secrets: [{ secret: 'DB_PASSWORD', name: 'PASSWORD', type: 'env' }] }), 1, 'rev-1');
    expect(pod.secrets).toEqual([{ secret: 'DB_PASSWORD', name: 'PASSWORD', type: 'env' }]);
    expect(JSON.stringify(pod)).not.toContain('value');
  });

  it('maps the health check only when it names a protocol and a port', () => {
    const check = { protocol: 'http' as const, port: 8080, uri: '/health', timeout: 5, interval: 10, initial_delay: 1 };
    expect(servicePod(service({ health_check: check }), 1, 'r').health_check).toEqual(check);
    expect(servicePod(service({ health_check: { ...check, port: null } }), 1, 'r').health_check).toBeNull();
  });

  it('labels the pod with its service, instance and deploy', () => {
    const { labels, hostname, service_name } = servicePod(service(), 4, 'deploy-9');
    expect({ hostname, service_name }).toEqual({ hostname: 'api-4', service_name: 'web.api' });
    expect(labels).toMatchObject({ 'io.kontena.service.id': 'g/web/api', 'io.kontena.service.instance_number': '4', 'io.kontena.container.deploy_rev': 'deploy-9' });
  });

  it('gives each instance its stable id', () => {
    expect(instanceAssignment(service(), 3, 'r', 'running')).toMatchObject({ instanceId: 'g/web/api/3', serviceId: 'g/web/api', instanceNumber: 3, desiredState: 'running' });
  });
});
