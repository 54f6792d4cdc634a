import type { ContainerInspectInfo } from 'dockerode';
import { specFingerprint } from '../instance-spec';
import { aSpec } from '../testing/specs';
import {
  containerAddress,
  containerCreateOptions,
  publishedPorts,
  storedFromContainer,
} from './container-config';
import {
  ContainerLogReader,
  containerCpuPercent,
  FrameDemuxer,
  LogCursor,
  splitTimestamp,
} from './log-stream';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('container create options', () => {
  const spec = aSpec({
    entrypoint: ['/bin/entry'],
    user: 'www-data',
    memory: 256 * 1024 * 1024,
    cpus: 1.5,
    stop_signal: 'INT',
    stop_grace_period: 20,
    ports: [
      { container_port: 8080, node_port: 80, protocol: 'tcp' },
      { container_port: 9090, node_port: null, protocol: 'udp', ip: '10.0.0.1' },
    ],
    health_check: {
      protocol: 'http',
      port: 8080,
      uri: '/health',
      interval: 30,
      timeout: 5,
      initial_delay: 10,
    },
  });
  const options = containerCreateOptions(spec, 'node-1');

  it('names, labels and configures the container as Kontena did', () => {
    expect(options).toMatchObject({
      name: 'web.api-1',
      Image: 'registry/api:1',
      Cmd: ['node', 'server.js'],
      Entrypoint: ['/bin/entry'],
      User: 'www-data',
      StopSignal: 'SIGINT',
      StopTimeout: 20,
      Env: ['NODE_ENV=production', 'DB_PASSWORD=s3cret'],
      ExposedPorts: { '8080/tcp': {}, '9090/udp': {} },
      HostConfig: {
        PortBindings: {
          '8080/tcp': [{ HostIp: '', HostPort: '80' }],
          '9090/udp': [{ HostIp: '10.0.0.1', HostPort: '' }],
        },
        RestartPolicy: { Name: 'no' },
        Memory: 268435456,
        CpuPeriod: 100000,
        CpuQuota: 150000,
      },
    });
    expect(options.Labels).toEqual({
      'io.kontena.service.id': 'my-grid/web/api',
      'io.kontena.container.type': 'container',
      'io.kontena.container.name': 'web.api-1',
      'io.kontena.container.pod': 'web.api-1',
      'io.kontena.container.deploy_rev': spec.deploy_rev,
      'io.kontena.container.service_revision': '3',
      'io.kontena.container.stop_grace_period': '20',
      'io.kontena.service.instance_number': '1',
      'io.kontena.instance.id': 'my-grid/web/api/1',
      'io.kontena.instance.spec_hash': specFingerprint(spec),
      'io.kontena.agent.scope': 'node-1',
      'io.kontena.health_check.protocol': 'http',
      'io.kontena.health_check.port': '8080',
      'io.kontena.health_check.uri': '/health',
      'io.kontena.health_check.interval': '30',
      'io.kontena.health_check.timeout': '5',
      'io.kontena.health_check.initial_delay': '10',
    });
  });

  it('leaves the image defaults alone when the spec has no cmd', () => {
    expect(containerCreateOptions(aSpec({ cmd: null }), 's')).not.toHaveProperty('Cmd');
  });

  it('reads back what an adopted container runs from its labels and state', () => {
    const info = {
      Id: 'abc123',
      Name: '/web.api-1',
      Config: { Labels: options.Labels, StopSignal: 'SIGINT' },
      State: { Running: false, ExitCode: 3, OOMKilled: false, FinishedAt: '2026-11-22T12:00:00Z' },
      NetworkSettings: { Ports: { '8080/tcp': [{ HostIp: '0.0.0.0', HostPort: '80' }] } },
    } as unknown as ContainerInspectInfo;
    expect(storedFromContainer(info)).toEqual({
      instanceId: 'my-grid/web/api/1',
      name: 'web.api-1',
      spec_hash: specFingerprint(spec),
      service_revision: 3,
      deploy_rev: spec.deploy_rev,
      ports: [{ container_port: 8080, host_port: 80, protocol: 'tcp' }],
      stop_signal: 'SIGINT',
      stop_grace_ms: 20_000,
      container_id: 'abc123',
      last_exit: { exit_code: 3, signal: null, oom_killed: false, finished_at: '2026-11-22T12:00:00Z' },
      stopped: false,
    });
  });

  it('does not take a container without our labels for an instance', () => {
    const info = {
      Id: 'x',
      Name: '/other',
      Config: { Labels: { foo: 'bar' } },
      State: {},
      NetworkSettings: {},
    } as unknown as ContainerInspectInfo;
    expect(storedFromContainer(info)).toBeNull();
  });

  it('reads published ports once per host port (engines list IPv4 and IPv6 bindings) and the container address', () => {
    const settings = {
      NetworkSettings: {
        IPAddress: '',
        Ports: {
          '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
          '80/tcp': [
            { HostIp: '0.0.0.0', HostPort: '41000' },
            { HostIp: '::', HostPort: '41000' },
          ],
          '81/tcp': null,
        },
        Networks: { podman: { IPAddress: '10.88.0.7' } },
      },
    } as unknown as ContainerInspectInfo;
    expect(publishedPorts(settings)).toEqual([
      { container_port: 53, host_port: 5353, protocol: 'udp' },
      { container_port: 80, host_port: 41000, protocol: 'tcp' },
    ]);
    expect(containerAddress(settings)).toBe('10.88.0.7');
  });
});

describe('container log stream', () => {
  it('splits frames across chunk boundaries and keeps stdout and stderr interleaved as written', () => {
    const bytes = Buffer.concat([frame(1, 'a'), frame(2, 'b'), frame(1, 'c')]);
    const demuxer = new FrameDemuxer();
    const frames = [
      ...demuxer.push(bytes.subarray(0, 5)),
      ...demuxer.push(bytes.subarray(5, 12)),
      ...demuxer.push(bytes.subarray(12)),
    ];
    expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
      ['stdout', 'a'],
      ['stderr', 'b'],
      ['stdout', 'c'],
    ]);
  });

  it('reads timestamps of any precision', () => {
    expect(splitTimestamp('2026-11-22T12:40:27Z hello world')).toEqual({
      at: '2026-11-22T12:40:27.000Z',
      nanos: 1795351227000000000n,
      data: 'hello world',
    });
    expect(splitTimestamp('2026-11-22T12:40:27.640763854Z x')?.nanos).toBe(1795351227640763854n);
    expect(splitTimestamp('not a time')).toBeNull();
  });

  it('skips, after a restart, exactly the lines it delivered in the second it re-reads from', () => {
    const cursor = new LogCursor();
    const delivered: string[] = [];
    const first = new ContainerLogReader(cursor, (_s, data) => delivered.push(data));
    first.push(frame(1, '2026-11-22T12:00:00Z one\n2026-11-22T12:00:01Z two\n2026-11-22T12:00:01Z three\n'));
    first.end();
    cursor.rewind();
    const second = new ContainerLogReader(cursor, (_s, data) => delivered.push(data));
    second.push(
      frame(
        1,
        '2026-11-22T12:00:01Z two\n2026-11-22T12:00:01Z three\n2026-11-22T12:00:01Z four\n2026-11-22T12:00:02Z five\n',
      ),
    );
    expect(delivered).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('keeps repeated lines within one read', () => {
    const cursor = new LogCursor();
    expect([5n, 5n, 5n, 6n].map((n) => cursor.accept(n))).toEqual([true, true, true, true]);
  });

  it('computes cpu percent from cumulative nanoseconds', () => {
    expect(containerCpuPercent(2e9, 11_000, { usageNanos: 1.5e9, atMs: 10_000 }, 0)).toBe(50);
    expect(containerCpuPercent(1e9, 20_000, null, 10_000)).toBe(10);
  });
});
