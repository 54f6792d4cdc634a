import type Redis from 'ioredis';
import type { StatsReport } from '@libs/queues';
import {
  AgentDataKeys,
  InstanceStatsSample,
  LATEST_STATS_TTL_MS,
  METRIC_COUNT_FIELD,
  METRIC_FIELDS,
  MetricsMinute,
  MetricsScope,
  METRICS_RETENTION_MS,
  MetricValues,
  NodeStatsSample,
  parseMetricsMinute,
  parseRunningMember,
  RUNNING_WINDOW_MS,
  runningMember,
} from '@libs/read-model';
import {
  AverageChange,
  averageChange,
  MINUTE_MS,
  minuteOf,
  nodeMetricValues,
  serviceMetricValues,
} from './metrics-minutes';
import { instanceStatsSamples, nodeStatsSample } from './stats-samples';
import { NodeRef, parseInstanceId, parseNodeId } from './telemetry-ids';

/**
 * A sample further than this from the worker's clock is shed: it is too late for "latest", and its minute
 * may already be closed (a service's per-node minute is only kept `OPEN_MINUTE_TTL_MS`).
 */
export const MAX_SAMPLE_SKEW_MS = 5 * 60_000;

/** How long a service's per-node minute stays open for more samples; longer than the skew allowed. */
export const OPEN_MINUTE_TTL_MS = 2 * MAX_SAMPLE_SKEW_MS;

export type StatsOutcome =
  | { recorded: true; instances: number; refused: number; latest: boolean }
  | { recorded: false; reason: 'unknown node' | 'stale' };

type MultiReply = [Error | null, unknown][] | null;

function parseJson<T>(raw: unknown): T | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/**
 * Records one node's stats report: the latest sample of the node and of each instance, which instances run
 * where (`/stats`), and the per-minute metrics of the node, its grid and its services (`/metrics`).
 *
 * Metrics use increments only (`HINCRBY`, `HINCRBYFLOAT`), which commute, so concurrent workers need no
 * locks: a node's minute adds up its samples; the grid's and services' minutes add up how each sample
 * moved its source's average (`averageChange`), so they hold the sum of per-node averages, exactly what
 * Kontena's aggregation pipelines computed from raw samples.
 */
export class StatsRecorder {
  constructor(
    private readonly redis: Redis,
    private readonly keys: AgentDataKeys,
  ) {}

  async record(report: StatsReport, receivedAt: Date): Promise<StatsOutcome> {
    const node = parseNodeId(report?.nodeId);
    if (!node) return { recorded: false, reason: 'unknown node' };
    const atMs = Date.parse(report.at);
    if (!Number.isFinite(atMs) || Math.abs(atMs - receivedAt.getTime()) > MAX_SAMPLE_SKEW_MS)
      return { recorded: false, reason: 'stale' };
    const at = new Date(atMs).toISOString();

    const ids = (Array.isArray(report.instances) ? report.instances : [])
      .map((i) => parseInstanceId(i?.instanceId)?.id)
      .filter((id): id is string => !!id);
    const [previousNode, previousInstances, previousMembers] = await this.previous(node, ids);
    // A report that arrives after a newer one still counts for its minute, but is not the latest.
    const latest = !previousNode || Date.parse(previousNode.at) <= atMs;

    const nodeSample = nodeStatsSample(node, report, at, latest ? previousNode : undefined);
    const { samples, refused } = instanceStatsSamples(
      node,
      report,
      at,
      nodeSample.cpu.num_cores,
      previousInstances,
    );
    const minute = minuteOf(atMs);

    const sources = await this.addToSourceMinutes(
      node,
      minute,
      nodeMetricValues(nodeSample),
      serviceMetricValues(
        samples.map((s) => s.sample),
        nodeSample.cpu.num_cores,
      ),
    );
    const write = this.redis.multi();
    this.addToCombinedMinute(write, 'grid', node.grid, minute, sources.node);
    this.index(write, 'node', node.id, minute);
    for (const [serviceId, change] of sources.services)
      this.addToCombinedMinute(write, 'service', serviceId, minute, change);

    if (latest) {
      write.set(this.keys.nodeStats(node.id), JSON.stringify(nodeSample), 'PX', LATEST_STATS_TTL_MS);
      for (const { instance, sample } of samples) {
        const before = previousInstances.get(instance.id);
        if (!before || Date.parse(before.at) <= atMs)
          write.set(this.keys.instanceStats(instance.id), JSON.stringify(sample), 'PX', LATEST_STATS_TTL_MS);
      }
      this.replaceRunning(
        write,
        node,
        samples.map((s) => s.sample),
        previousMembers,
        receivedAt.getTime(),
      );
    }
    for (const [error] of ((await write.exec()) as MultiReply) ?? []) if (error) throw error;
    return { recorded: true, instances: samples.length, refused, latest };
  }

  private async previous(
    node: NodeRef,
    instanceIds: string[],
  ): Promise<[NodeStatsSample | undefined, Map<string, InstanceStatsSample>, string[]]> {
    const read = this.redis.pipeline();
    read.get(this.keys.nodeStats(node.id));
    if (instanceIds.length) read.mget(instanceIds.map((id) => this.keys.instanceStats(id)));
    read.zrange(this.keys.runningInstances('node', node.id), 0, -1);
    const replies = (await read.exec()) ?? [];
    const value = (i: number) => {
      const [error, result] = replies[i] ?? [null, undefined];
      if (error) throw error;
      return result;
    };
    const instances = new Map<string, InstanceStatsSample>();
    if (instanceIds.length) {
      (value(1) as (string | null)[]).forEach((raw, i) => {
        const sample = parseJson<InstanceStatsSample>(raw);
        if (sample) instances.set(instanceIds[i], sample);
      });
    }
    return [parseJson<NodeStatsSample>(value(0)), instances, value(instanceIds.length ? 2 : 1) as string[]];
  }

  /**
   * Adds the node's sample to the node's minute and each service's sums to the service's minute on this
   * node, atomically per report, and answers how each source's average moved.
   */
  private async addToSourceMinutes(
    node: NodeRef,
    minute: number,
    nodeValues: MetricValues,
    serviceValues: Map<string, MetricValues>,
  ): Promise<{ node: AverageChange; services: Map<string, AverageChange> }> {
    const tx = this.redis.multi();
    const sources: { key: string; values: MetricValues }[] = [
      { key: this.keys.metricsMinute('node', node.id, minute), values: nodeValues },
      ...[...serviceValues].map(([serviceId, values]) => ({
        key: this.keys.serviceOnNodeMinute(serviceId, node.id, minute),
        values,
      })),
    ];
    for (const [i, { key, values }] of sources.entries()) {
      tx.hincrby(key, METRIC_COUNT_FIELD, 1);
      for (const field of METRIC_FIELDS) tx.hincrbyfloat(key, field, values[field]);
      if (i === 0) tx.pexpireat(key, minute + MINUTE_MS + METRICS_RETENTION_MS);
      else tx.pexpire(key, OPEN_MINUTE_TTL_MS);
    }
    const replies = (await tx.exec()) as MultiReply;
    if (!replies) throw new Error('metrics transaction was aborted');
    const perSource = 2 + METRIC_FIELDS.length;
    const changes = sources.map(({ values }, i) => {
      const hash: Record<string, string> = {};
      const reply = (j: number) => {
        const [error, result] = replies[i * perSource + j];
        if (error) throw error;
        return String(result);
      };
      hash[METRIC_COUNT_FIELD] = reply(0);
      METRIC_FIELDS.forEach((field, j) => (hash[field] = reply(1 + j)));
      return averageChange(parseMetricsMinute(minute, hash) as MetricsMinute, values);
    });
    return {
      node: changes[0],
      services: new Map([...serviceValues.keys()].map((id, i) => [id, changes[1 + i]])),
    };
  }

  private addToCombinedMinute(
    write: ReturnType<Redis['multi']>,
    scope: MetricsScope,
    id: string,
    minute: number,
    change: AverageChange,
  ): void {
    const key = this.keys.metricsMinute(scope, id, minute);
    if (change.firstSample) write.hincrby(key, METRIC_COUNT_FIELD, 1);
    for (const field of METRIC_FIELDS)
      if (change.delta[field] !== 0) write.hincrbyfloat(key, field, change.delta[field]);
    write.pexpireat(key, minute + MINUTE_MS + METRICS_RETENTION_MS);
    this.index(write, scope, id, minute);
  }

  /** Lists the minute in the scope's index of minutes, and forgets the minutes older than a day. */
  private index(write: ReturnType<Redis['multi']>, scope: MetricsScope, id: string, minute: number): void {
    const key = this.keys.metrics(scope, id);
    write.zadd(key, minute, String(minute));
    write.zremrangebyscore(key, '-inf', `(${minute - METRICS_RETENTION_MS}`);
    write.pexpire(key, METRICS_RETENTION_MS + MINUTE_MS);
  }

  /**
   * The node's report lists every instance it runs: its members of the running sets become exactly those,
   * and instances it no longer reports leave its grid's and their services' sets. Members of nodes that
   * stopped reporting age out of the window the api reads (`RUNNING_WINDOW_MS`).
   */
  private replaceRunning(
    write: ReturnType<Redis['multi']>,
    node: NodeRef,
    samples: InstanceStatsSample[],
    previousMembers: string[],
    nowMs: number,
  ): void {
    const members = new Map(samples.map((s) => [runningMember(s.instance_id, node.id), s.service_id]));
    const gone = previousMembers.filter((member) => !members.has(member));
    const nodeKey = this.keys.runningInstances('node', node.id);
    const gridKey = this.keys.runningInstances('grid', node.grid);
    write.del(nodeKey);
    if (gone.length) write.zrem(gridKey, ...gone);
    for (const member of gone) {
      const instance = parseInstanceId(parseRunningMember(member).instanceId);
      if (instance) write.zrem(this.keys.runningInstances('service', instance.serviceId), member);
    }
    for (const [member, serviceId] of members) {
      write.zadd(nodeKey, nowMs, member);
      write.zadd(gridKey, nowMs, member);
      write.zadd(this.keys.runningInstances('service', serviceId), nowMs, member);
    }
    const touched = [
      nodeKey,
      gridKey,
      ...new Set([...members.values()].map((id) => this.keys.runningInstances('service', id))),
    ];
    for (const key of touched) {
      write.zremrangebyscore(key, '-inf', `(${nowMs - RUNNING_WINDOW_MS}`);
      write.pexpire(key, LATEST_STATS_TTL_MS);
    }
  }
}
