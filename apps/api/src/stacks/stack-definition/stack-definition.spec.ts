import { SERVICE_DEFAULTS } from '@libs/domain';
import type { ServiceDoc } from '@libs/read-model';
import { dtoErrors, toDto } from '../../common/validation/field';
import { CreateStackDto } from '../create-stack/create-stack.dto';
import { PatchStackDto } from '../patch-stack/patch-stack.dto';
import { reverseLinkOrder } from './stack-services';

const valid = {
  name: 'web',
  stack: 'my/web',
  version: '0.1.0',
  source: 'services: …',
  services: [{ name: 'api', image: 'api:1', stateful: false }],
};

describe('stack file input', () => {
  const rules: [string, Record<string, unknown>, unknown][] = [
    ['name is required', { ...valid, name: undefined }, { name: 'Name is required' }],
    [
      'name has word characters and - only, not first',
      { ...valid, name: '-web' },
      { name: "Name isn't in the right format" },
    ],
    ['stack is required', { ...valid, stack: undefined }, { stack: 'Stack is required' }],
    ['version is required', { ...valid, version: undefined }, { version: 'Version is required' }],
    ['source is required', { ...valid, source: undefined }, { source: 'Source is required' }],
    ['services is required', { ...valid, services: undefined }, { services: 'Services is required' }],
    ['services are hashes', { ...valid, services: ['api'] }, { services: ["Services[0] isn't a hash"] }],
    [
      'labels are key=value with lower-case keys',
      { ...valid, labels: ['fqdn=a.b', 'Bad=1'] },
      { labels: [null, "Labels[1] isn't in the right format"] },
    ],
    ['variables is a hash', { ...valid, variables: 'x' }, { variables: "Variables isn't a hash" }],
    ['volumes are hashes', { ...valid, volumes: ['vol'] }, { volumes: ["Volumes[0] isn't a hash"] }],
    ['parent needs a name', { ...valid, parent: {} }, { parent: { name: 'Name is required' } }],
    [
      'a stack is not its own parent',
      { ...valid, parent: { name: 'web' } },
      { parent_name: "Parent name can't be the same as name" },
    ],
  ];
  it.each(rules)('%s', (_rule, input, errors) => {
    const body = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    expect(dtoErrors(toDto(CreateStackDto, body))).toEqual(errors);
  });

  it('makes a revision with defaults for what is not given', () => {
    const dto = toDto(CreateStackDto, {
      ...valid,
      parent_name: 'base',
      volumes: [{ name: 'data', external: 'grid-data' }],
    });
    expect(dtoErrors(dto)).toBeUndefined();
    expect(dto.parentName).toBe('base');
    expect(dto.revision(valid.services)).toEqual({
      stack: 'my/web',
      version: '0.1.0',
      source: 'services: …',
      registry: null,
      expose: null,
      variables: {},
      metadata: {},
      services: valid.services,
      volumes: [{ name: 'data', external: 'grid-data' }],
    });
  });

  it('patches labels only', () => {
    expect(dtoErrors(toDto(PatchStackDto, { labels: ['UPPER=1'] }))).toEqual({
      labels: ["Labels[0] isn't in the right format"],
    });
    expect(toDto(PatchStackDto, { labels: [], name: 'x' })).toEqual({ labels: [] });
  });

  it('removes services that link to others first, ignoring links out of the stack', () => {
    const doc = (name: string, ...links: string[]) =>
      ({
        ...SERVICE_DEFAULTS,
        image: 'x',
        stateful: false,
        id: `g/web/${name}`,
        name,
        links: links.map((l) => ({ name: l, alias: l })),
      }) as unknown as ServiceDoc;
    const order = reverseLinkOrder('web', [
      doc('db'),
      doc('api', 'web/db', 'other/cache'),
      doc('web', 'web/api'),
    ]);
    expect(order.map((s) => s.name)).toEqual(['web', 'api', 'db']);
    // A cycle made one update at a time keeps the given order (reversed).
    expect(reverseLinkOrder('web', [doc('a', 'web/b'), doc('b', 'web/a')]).map((s) => s.name)).toEqual([
      'b',
      'a',
    ]);
  });
});
