import { hostPortFor, planHostPorts, portEnvironment } from './ports';
import type { MappedPort } from './runtime';

const nobody = () => undefined;

describe('planning host ports', () => {
  it('takes node ports as given and leaves the rest to allocate', () => {
    const plan = planHostPorts(
      [
        { container_port: 80, node_port: 8080, protocol: 'tcp' },
        { container_port: 9000, protocol: 'tcp' },
      ],
      [],
      nobody,
    );
    expect(plan).toEqual({
      ok: true,
      ports: [
        { container_port: 80, protocol: 'tcp', host_port: 8080 },
        { container_port: 9000, protocol: 'tcp', host_port: null },
      ],
    });
  });

  it('keeps the host port an instance had before, so a restart or re-deploy does not move it', () => {
    const previous: MappedPort[] = [{ container_port: 9000, host_port: 41234, protocol: 'tcp' }];
    const plan = planHostPorts([{ container_port: 9000, protocol: 'tcp' }], previous, nobody);
    expect(plan).toEqual({ ok: true, ports: [{ container_port: 9000, protocol: 'tcp', host_port: 41234 }] });
  });

  it('does not keep a previous port that another instance took meanwhile', () => {
    const previous: MappedPort[] = [{ container_port: 9000, host_port: 41234, protocol: 'tcp' }];
    const plan = planHostPorts([{ container_port: 9000, protocol: 'tcp' }], previous, (_, port) =>
      port === 41234 ? 'g/s/other/1' : undefined,
    );
    expect(plan).toEqual({ ok: true, ports: [{ container_port: 9000, protocol: 'tcp', host_port: null }] });
  });

  it('does not keep a previous port that is now a node port of this spec', () => {
    const previous: MappedPort[] = [{ container_port: 9000, host_port: 8080, protocol: 'tcp' }];
    const plan = planHostPorts(
      [
        { container_port: 80, node_port: 8080, protocol: 'tcp' },
        { container_port: 9000, protocol: 'tcp' },
      ],
      previous,
      nobody,
    );
    expect(plan.ok && plan.ports[1].host_port).toBeNull();
  });

  it('refuses a node port another instance holds, naming it', () => {
    const plan = planHostPorts(
      [{ container_port: 80, node_port: 80, protocol: 'tcp' }],
      [],
      () => 'g/web/nginx/1',
    );
    expect(plan).toEqual({ ok: false, reason: 'node port 80/tcp is already used by instance g/web/nginx/1' });
  });

  it('refuses the same node port twice, but allows it once per protocol', () => {
    expect(
      planHostPorts(
        [
          { container_port: 53, node_port: 53, protocol: 'udp' },
          { container_port: 54, node_port: 53, protocol: 'udp' },
        ],
        [],
        nobody,
      ),
    ).toEqual({ ok: false, reason: 'node port 53/udp is given twice' });
    expect(
      planHostPorts(
        [
          { container_port: 53, node_port: 53, protocol: 'udp' },
          { container_port: 53, node_port: 53, protocol: 'tcp' },
        ],
        [],
        nobody,
      ).ok,
    ).toBe(true);
  });
});

describe('port environment', () => {
  it('names the first port PORT and each one PORT_<container port>', () => {
    expect(
      portEnvironment([
        { container_port: 80, host_port: 40001, protocol: 'tcp' },
        { container_port: 9090, host_port: 40002, protocol: 'tcp' },
      ]),
    ).toEqual({ PORT: '40001', PORT_80: '40001', PORT_9090: '40002' });
  });

  it('is empty without ports', () => {
    expect(portEnvironment([])).toEqual({});
  });
});

describe('where a container port answers', () => {
  const ports: MappedPort[] = [
    { container_port: 53, host_port: 5353, protocol: 'udp' },
    { container_port: 53, host_port: 5354, protocol: 'tcp' },
  ];
  it('prefers the tcp mapping, since probes connect over tcp', () =>
    expect(hostPortFor(53, ports)).toBe(5354));
  it('is the same port when it is not mapped', () => expect(hostPortFor(8080, ports)).toBe(8080));
});
