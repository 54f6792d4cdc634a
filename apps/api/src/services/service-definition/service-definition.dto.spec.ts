import fc from 'fast-check';
import { SERVICE_DEFAULTS } from '@libs/domain';
import { dtoErrors, toDto } from '../../common/validation/field';
import { CreateServiceDto } from '../create-service/create-service.dto';
import { UpdateServiceDto } from '../update-service/update-service.dto';

const base = { name: 'redis', image: 'redis:7', stateful: false };
const parse = (input: Record<string, unknown>) => {
  const dto = toDto(CreateServiceDto, input);
  return { dto, errors: dtoErrors(dto) };
};

describe('service definition input', () => {
  it('accepts the minimal service and fills in the model defaults', () => {
    const { dto, errors } = parse(base);
    expect(errors).toBeUndefined();
    expect(dto.definition('null')).toEqual({ ...SERVICE_DEFAULTS, image: 'redis:7', stateful: false });
  });

  // One row per rule of kontena-behaviour.md §2 Service create, with Kontena's message and error shape.
  const rules: [string, Record<string, unknown>, unknown][] = [
    ['image is required', { name: 'redis', stateful: true }, { image: 'Image is required' }],
    ['name is required', { image: 'x', stateful: true }, { name: 'Name is required' }],
    ['stateful is required', { name: 'redis', image: 'x' }, { stateful: 'Stateful is required' }],
    ['name may not start with -', { ...base, name: '-redis' }, { name: "Name isn't in the right format" }],
    [
      'name has word characters and - only',
      { ...base, name: 'red&is' },
      { name: "Name isn't in the right format" },
    ],
    ['name has no newline', { ...base, name: 'foo\nbar' }, { name: "Name isn't in the right format" }],
    ['stateful is a boolean', { ...base, stateful: 'maybe' }, { stateful: "Stateful isn't a boolean" }],
    ['strategy must be known', { ...base, strategy: 'best' }, { strategy: 'Strategy not supported' }],
    ['instances is an integer', { ...base, instances: 'many' }, { instances: "Instances isn't an integer" }],
    ['instances is not negative', { ...base, instances: -1 }, { instances: 'Instances is too small' }],
    [
      'container_count is an integer',
      { ...base, container_count: 1.5 },
      { container_count: "Container Count isn't an integer" },
    ],
    ['cmd is an array of strings', { ...base, cmd: 'redis-server' }, { cmd: "Cmd isn't an array" }],
    [
      'env entries are KEY=value',
      { ...base, env: ['FOO=bar', 'nope'] },
      { env: [null, "Env[1] isn't in the right format"] },
    ],
    [
      'env entries are at most 128 KiB',
      { ...base, env: [`FOO=${'A'.repeat(128 * 1024)}b`] },
      { env: ['Env[0] is too long'] },
    ],
    [
      'secrets need secret and name',
      { ...base, secrets: [{ secret: 'S' }] },
      { secrets: [{ name: 'Name is required' }] },
    ],
    [
      'certificates need subject and name',
      { ...base, certificates: [{ name: 'SSL' }] },
      { certificates: [{ subject: 'Subject is required' }] },
    ],
    [
      'ports need node and container port',
      { ...base, ports: [{ container_port: 80 }] },
      { ports: [{ node_port: 'Node Port is required' }] },
    ],
    [
      'links need name and alias',
      { ...base, links: [{ name: 'db' }] },
      { links: [{ alias: 'Alias is required' }] },
    ],
    ['affinity is an array', { ...base, affinity: 'node==a' }, { affinity: "Affinity isn't an array" }],
    [
      'deploy_opts.min_health is a number',
      { ...base, deploy_opts: { min_health: 'high' } },
      { deploy_opts: { min_health: 'Min Health is invalid' } },
    ],
    [
      'deploy_opts.wait_for_port is an integer',
      { ...base, deploy_opts: { wait_for_port: 'x' } },
      { deploy_opts: { wait_for_port: "Wait For Port isn't an integer" } },
    ],
    [
      'volumes have a known form',
      { ...base, volumes: ['/ok', 'bad'] },
      { volumes: ["Volume definition 'bad' not in right format"] },
    ],
    [
      'stateful services take no volumes_from',
      { ...base, stateful: true, volumes_from: ['other-%s'] },
      { volumes_from: 'Cannot combine stateful & volumes_from' },
    ],
    ['cpus is a number', { ...base, cpus: 'two' }, { cpus: 'Cpus is invalid' }],
    ['cpu_shares is at most 1024', { ...base, cpu_shares: 2048 }, { cpu_shares: 'Cpu Shares is too big' }],
    ['cpu_shares is at least 0', { ...base, cpu_shares: -1 }, { cpu_shares: 'Cpu Shares is too small' }],
    ['memory is an integer', { ...base, memory: '1g' }, { memory: "Memory isn't an integer" }],
    ['privileged is a boolean', { ...base, privileged: 'yes' }, { privileged: "Privileged isn't a boolean" }],
    [
      'net is bridge, host or container:x',
      { ...base, net: 'overlay' },
      { net: "Net isn't in the right format" },
    ],
    [
      'log_opts values are strings',
      { ...base, log_opts: { 'max-size': { a: 1 } } },
      { log_opts: { 'max-size': "Max-size isn't a string" } },
    ],
    ['pid is host only', { ...base, pid: 'container' }, { pid: "Pid isn't an option" }],
    ['read_only is a boolean', { ...base, read_only: 'no way' }, { read_only: "Read Only isn't a boolean" }],
    [
      'hooks need name, cmd and instances',
      { ...base, hooks: { post_start: [{ name: 'h', cmd: 'x' }] } },
      { hooks: { post_start: [{ instances: 'Instances is required' }] } },
    ],
    [
      'health_check needs port and protocol keys',
      { ...base, health_check: { uri: '/' } },
      { health_check: { port: 'Port is required', protocol: 'Protocol is required' } },
    ],
    [
      'health_check port is 1..65535',
      { ...base, health_check: { port: 70000, protocol: 'tcp' } },
      { health_check: { port: 'Port is too big' } },
    ],
    [
      'health_check protocol is http or tcp',
      { ...base, health_check: { port: 80, protocol: 'udp' } },
      { health_check: { protocol: "Protocol isn't an option" } },
    ],
    [
      'health_check interval is at least its timeout',
      { ...base, health_check: { port: 80, protocol: 'tcp', interval: 10, timeout: 50 } },
      { health_check: 'Interval has to be bigger than timeout' },
    ],
    [
      'stop_signal is a signal',
      { ...base, stop_signal: 'invalid' },
      { stop_signal: "Stop Signal isn't in the right format" },
    ],
    ['stop_signal is not blank', { ...base, stop_signal: '' }, { stop_signal: "Stop Signal can't be blank" }],
    [
      'stop_grace_period is a duration',
      { ...base, stop_grace_period: 'foo' },
      { stop_grace_period: "Stop Grace Period isn't in the right format" },
    ],
    [
      'a stack named in the body is refused',
      { ...base, stack: 'web' },
      { stack: "Stack isn't the right class" },
    ],
  ];
  it.each(rules)('%s', (_rule, input, errors) => {
    expect(parse(input).errors).toEqual(errors);
  });

  it('maps every attribute to the domain, with Kontena defaults inside embedded values', () => {
    const { dto, errors } = parse({
      ...base,
      instances: '3',
      env: ['A=1'],
      secrets: [{ secret: 'PW', name: 'PASSWORD' }],
      ports: [{ node_port: 80, container_port: 8080 }],
      links: [
        { name: 'db', alias: 'database' },
        { name: 'other/api', alias: 'api' },
      ],
      deploy_opts: { wait_for_port: 6379 },
      volumes: ['data:/var/lib/data:ro', '/tmp'],
      hooks: { post_start: [{ name: 'init', cmd: 'sleep 1', instances: '1,2' }] },
      health_check: { port: 80, protocol: 'http' },
      stop_grace_period: '1m23s',
    });
    expect(errors).toBeUndefined();
    const definition = dto.definition('web', (name) => (name === 'data' ? 'grid-data' : name));
    expect(definition).toMatchObject({
      instances: 3,
      secrets: [{ secret: 'PW', name: 'PASSWORD', type: 'env' }],
      ports: [{ ip: '0.0.0.0', protocol: 'tcp', node_port: 80, container_port: 8080 }],
      links: [
        { name: 'web/db', alias: 'database' },
        { name: 'other/api', alias: 'api' },
      ],
      deploy_opts: { wait_for_port: 6379, min_health: 0.8, interval: null },
      volumes: [
        { bind_mount: null, volume: 'grid-data', path: '/var/lib/data', flags: 'ro' },
        { bind_mount: null, volume: null, path: '/tmp', flags: null },
      ],
      hooks: [{ type: 'post_start', name: 'init', cmd: 'sleep 1', instances: ['1', '2'], oneshot: false }],
      health_check: { protocol: 'http', port: 80, uri: '/', timeout: 10, interval: 60, initial_delay: 10 },
      stop_grace_period: 83,
    });
  });

  it('prefers instances over the deprecated container_count', () => {
    expect(parse({ ...base, container_count: 2 }).dto.definition('null').instances).toBe(2);
    expect(parse({ ...base, container_count: 2, instances: 4 }).dto.definition('null').instances).toBe(4);
  });

  it('changes only the given attributes on update', () => {
    const dto = toDto(UpdateServiceDto, {
      image: 'redis:8',
      name: 'ignored',
      stateful: true,
      env: ['A='],
      deploy_opts: { min_health: null },
    });
    expect(dtoErrors(dto)).toBeUndefined();
    expect(dto.changes('null')).toEqual({
      image: 'redis:8',
      env: ['A='],
      deploy_opts: { wait_for_port: null, min_health: null, interval: null },
    });
  });

  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom(
          'name',
          'secret',
          'port',
          'protocol',
          'interval',
          'timeout',
          'node_port',
          'container_port',
          'alias',
          'x',
        ),
        tie('value'),
        { maxKeys: 4 },
      ),
    ),
  })).value;
  const keys = [
    'name',
    'image',
    'stateful',
    'strategy',
    'instances',
    'env',
    'secrets',
    'ports',
    'links',
    'deploy_opts',
    'volumes',
    'hooks',
    'health_check',
    'stop_grace_period',
    'log_opts',
    'cpus',
    'stack',
  ];

  it('never throws on arbitrary JSON bodies: it answers errors or a definition (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), json, { maxKeys: 8 }), (body) => {
        const dto = toDto(CreateServiceDto, body);
        const errors = dtoErrors(dto);
        if (errors === undefined) expect(dto.definition('null').image).toEqual(expect.any(String));
        else expect(Object.keys(errors).length).toBeGreaterThan(0);
        const update = toDto(UpdateServiceDto, body);
        if (dtoErrors(update) === undefined) update.changes('null');
      }),
      { numRuns: 300 },
    );
  });
});
