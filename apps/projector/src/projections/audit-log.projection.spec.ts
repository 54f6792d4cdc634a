import type { RecordedEnvelope } from '@libs/eventstore';
import { ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { auditEntry, auditEventName, auditLogProjection } from './audit-log.projection';

const envelope = (streamName: string, type: string, data: object, metadata: Partial<RecordedEnvelope['metadata']> = {}): RecordedEnvelope => ({
  id: 'e1',
  streamName,
  revision: 0n,
  position: { commit: 1n, prepare: 1n },
  created: new Date('2030-01-01T00:00:00.000Z'),
  event: { type, data },
  metadata: {
    actor: { kind: 'user', userId: 'u1', email: 'alice@example.com' },
    occurredAt: '2026-11-22T12:00:00.123Z',
    schemaVersion: 1,
    sourceIp: '10.1.2.3',
    userAgent: 'kontena-cli/1.5.0',
    ...metadata,
  },
});

describe('audit log projection', () => {
  it("names events the way Kontena's auditor did", () => {
    expect(auditEventName('GridCreated', 'grid')).toBe('create');
    expect(auditEventName('GridUpdated', 'grid')).toBe('update');
    expect(auditEventName('GridRemoved', 'grid')).toBe('delete');
    expect(auditEventName('GridUserAssigned', 'grid')).toBe('assign user');
    expect(auditEventName('GridUserUnassigned', 'grid')).toBe('unassign user');
    expect(auditEventName('ServiceScaled', 'service')).toBe('scale');
    expect(auditEventName('SecretRevealed', 'secret')).toBe('show');
    expect(auditEventName('SecretRead', 'secret')).toBe('show');
    expect(auditEventName('SecretValueRevealed', 'secret')).toBe('show');
    expect(auditEventName('ConfigValueSet', 'config')).toBe('modify');
    expect(auditEventName('ConfigCleared', 'config')).toBe('destroy_all');
    expect(auditEventName('UserRoleAdded', 'user')).toBe('add role');
    expect(auditEventName('AccessTokenIssued', 'token')).toBe('issue');
    expect(auditEventName('NodeHeartbeatMissed', 'node')).toBe('heartbeat missed');
  });

  it("renders Kontena's AuditLog JSON from the event's metadata, never from its data", () => {
    const entry = auditEntry(envelope('secret-my-grid/DB_PASSWORD', 'SecretCreated', { name: 'DB_PASSWORD', value: 'hunter2' }), 'secret', 'my-grid/DB_PASSWORD');
    expect(entry).toEqual({
      time: '2026-11-22T12:00:00.123Z',
      grid: 'my-grid',
      grid_id: 'my-grid',
      service: '',
      resource_type: 'GridSecret',
      resource_name: 'DB_PASSWORD',
      resource_id: 'my-grid/DB_PASSWORD',
      event_name: 'create',
      event_status: 'success',
      source_ip: '10.1.2.3',
      user_agent: 'kontena-cli/1.5.0',
      user_identity: { id: 'u1', email: 'alice@example.com' },
    });
    expect(JSON.stringify(entry)).not.toContain('hunter2');
  });

  it('records grid membership changes as changes to the user, and services with their id', () => {
    expect(auditEntry(envelope('grid-g', 'GridUserAssigned', { email: 'bob@example.com' }), 'grid', 'g')).toMatchObject({
      grid: 'g',
      resource_type: 'User',
      resource_id: 'bob@example.com',
      event_name: 'assign user',
    });
    expect(auditEntry(envelope('service-g/web/api', 'ServiceCreated', {}), 'service', 'g/web/api')).toMatchObject({ grid: 'g', service: 'g/web/api', resource_name: 'api' });
  });

  it('names who acted when it was not a user', () => {
    const system = envelope('user-admin', 'UserCreated', {}, { actor: { kind: 'system', component: 'api:initial-admin' }, sourceIp: undefined, userAgent: undefined });
    expect(auditEntry(system, 'user', 'admin')).toMatchObject({ grid: null, user_identity: { id: 'system:api:initial-admin', email: null }, source_ip: null, user_agent: null });
  });

  it("appends to the master's log and the grid's, and drops a removed grid's log", async () => {
    const keys = new ReadModelKeys('p:', 1);
    const reader = new ReadModelReader({} as never, keys);
    const created = await auditLogProjection.project(envelope('grid-g', 'GridCreated', {}), reader);
    expect(created).toEqual([
      {
        op: 'log',
        logs: [
          { key: 'p:rm:1:auditlog:all', maxlen: 100_000 },
          { key: 'p:rm:1:auditlog:grid:g', maxlen: 10_000 },
        ],
        ms: Date.parse('2026-11-22T12:00:00.123Z'),
        value: expect.any(String),
      },
    ]);
    const removed = await auditLogProjection.project(envelope('grid-g', 'GridRemoved', {}), reader);
    expect(removed).toEqual([
      { op: 'log', logs: [{ key: 'p:rm:1:auditlog:all', maxlen: 100_000 }], ms: expect.any(Number), value: expect.any(String) },
      { op: 'del', key: 'p:rm:1:auditlog:grid:g' },
    ]);
    expect(await auditLogProjection.project(envelope('$stats-1', 'x', {}), reader)).toEqual([]);
  });

  it("leaves the reconciler's and the agents' bookkeeping out, and keeps what people do", async () => {
    const reader = new ReadModelReader({} as never, new ReadModelKeys('p:', 1));
    const reconciler = { actor: { kind: 'system' as const, component: 'reconciler' } };
    const node = { actor: { kind: 'node' as const, nodeId: 'g/n1', grid: 'g' } };
    for (const [stream, type, metadata] of [
      ['placement-g/web/api', 'InstancePlaced', reconciler],
      ['placement-g/web/api', 'InstanceStateReported', node],
      ['deploy-d1', 'InstanceDeployStarted', reconciler],
      ['stackdeploy-s1', 'StackDeployFinished', reconciler],
    ] as const) {
      expect(await auditLogProjection.project(envelope(stream, type, {}, metadata), reader)).toEqual([]);
    }
    // A user's hand in the same streams is audited; so is the system anywhere else (the initial admin).
    const logsOf = async (e: RecordedEnvelope) =>
      (await auditLogProjection.project(e, reader)).flatMap((op) => (op.op === 'log' ? op.logs.map((l) => l.key) : []));
    expect(await logsOf(envelope('placement-g/web/api', 'InstanceUnplaced', {}))).toEqual(['p:rm:1:auditlog:all', 'p:rm:1:auditlog:grid:g']);
    const initialAdmin = { actor: { kind: 'system' as const, component: 'api:initial-admin' } };
    expect(await logsOf(envelope('user-admin', 'UserCreated', {}, initialAdmin))).toEqual(['p:rm:1:auditlog:all']);
    expect(await logsOf(envelope('node-g/n1', 'NodeConnected', {}, node))).toEqual(['p:rm:1:auditlog:all', 'p:rm:1:auditlog:grid:g']);
  });
});
