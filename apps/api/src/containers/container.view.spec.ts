import type { NodeDoc, ServiceInstanceDoc } from '@libs/read-model';
import { containerPath, isContainer, isRunningContainer, renderContainer } from './container.view';

const instance = (over: Partial<ServiceInstanceDoc> = {}): ServiceInstanceDoc => ({
  id: 'g/shop/web/2',
  instance_number: 2,
  desired_state: 'running',
  state: 'running',
  deploy_rev: 'd2',
  rev: 'd2',
  error: null,
  node: { id: 'g/n1', name: 'n1', public_ip: '10.0.0.1' },
  health_status: null,
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-22T10:01:00.000Z',
  service_id: 'g/shop/web',
  name: 'shop.web-2',
  node_ports: [8080],
  ports: [{ container_port: 80, host_port: 8080, protocol: 'tcp' }],
  exit_code: null,
  ...over,
});

const node = {
  id: 'g/n1',
  node_id: 'AAAA:BBBB',
  name: 'n1',
  connected: true,
  last_seen_at: '2026-11-22T10:02:00.000Z',
  labels: ['az=a'],
  public_ip: '10.0.0.1',
  private_ip: '192.168.0.1',
  node_number: 1,
} as NodeDoc;

const service = {
  id: 'g/shop/web',
  image: 'nginx:1',
  env: ['A=1'],
  volumes: [{ bind_mount: null, volume: 'data', path: '/data', flags: '' }],
  revision: 4,
};

describe('container view', () => {
  it('given an instance its node has not reported on, when listed, then it is no container yet', () => {
    expect(isContainer(instance({ state: 'initialized' }))).toBe(false);
    expect(isContainer(instance({ node: null }))).toBe(false);
    expect(isContainer(instance({ state: 'removed' }))).toBe(false);
    expect(isContainer(instance({ state: 'crashed' }))).toBe(true);
    expect(isRunningContainer(instance({ state: 'crashed' }))).toBe(false);
    expect(isRunningContainer(instance())).toBe(true);
  });

  it('given a running instance, when rendered, then it is Kontena container JSON without the grid token', () => {
    const json = renderContainer(instance(), { grid: { name: 'g', initial_size: 3 }, service, node });
    expect(containerPath('g', instance())).toBe('g/n1/shop.web-2');
    expect(json).toMatchObject({
      id: 'g/n1/shop.web-2',
      name: 'shop.web-2',
      grid_id: 'g',
      service_id: 'g/shop/web',
      status: 'running',
      started_at: '2026-11-22T10:01:00.000Z',
      finished_at: null,
      state: { running: true, dead: false, exit_code: 0, error: '' },
      deploy_rev: 'd2',
      service_rev: '4',
      image: 'nginx:1',
      env: ['A=1'],
      volumes: ['data:/data'],
      node: { id: 'AAAA:BBBB', name: 'n1', node_number: 1, grid: { id: 'g', token: null, initial_size: 3 } },
      network_settings: { ports: { '80/tcp': [{ host_ip: '0.0.0.0', host_port: '8080' }] } },
    });
    expect(json).not.toHaveProperty('health_status');
  });

  it('given a crashed, unhealthy instance, when rendered, then its state says why and when', () => {
    const json = renderContainer(
      instance({ state: 'crashed', exit_code: 3, error: 'exited with 3', health_status: 'unhealthy' }),
      { grid: { name: 'g', initial_size: 1 }, service: undefined, node: undefined },
    );
    expect(json).toMatchObject({
      status: 'crashed',
      started_at: null,
      finished_at: '2026-11-22T10:01:00.000Z',
      state: { running: false, dead: true, exit_code: 3, error: 'exited with 3' },
      image: null,
      node: {},
      health_status: { status: 'unhealthy', updated_at: '2026-11-22T10:01:00.000Z' },
    });
  });
});
