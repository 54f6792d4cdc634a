import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@libs/logging';
import { TELEMETRY_STREAM, TelemetryReport } from '@libs/queues';
import { AgentDataKeys } from '@libs/read-model';
import { connectRedis } from '@libs/redis';
import type { SharedLogBudgetOptions } from './shared-log-budget';
import { TelemetryCounts, TelemetryIntake } from './telemetry-intake';

export interface TelemetryWorkerOptions {
  redisUrl: string;
  /** The deployment's `REDIS_PREFIX`: the stream and telemetry keys live under it. */
  prefix: string;
  logger: Logger;
  /** Reports taken at once; the work is Redis round trips, not CPU. */
  concurrency?: number;
  /** Reports older than this are dropped when taken (default 5 minutes). */
  maxReportAgeMs?: number;
  /** Per-instance budget for the grid and stack log streams (default 20 lines/s, bursts of 1,000). */
  sharedLogs?: SharedLogBudgetOptions;
  /** How often reports another consumer took and never acknowledged (it died) are taken over. */
  reclaimIntervalMs?: number;
  /** How long a report stays with a consumer that does not acknowledge it before another takes it. */
  reclaimIdleMs?: number;
  /** How often the counts are logged (only when something happened). */
  summaryIntervalMs?: number;
}

export interface TelemetryWorker {
  close(): Promise<void>;
}

/** Reports read per `XREADGROUP`, and how long a read waits for the first one. */
const READ_COUNT = 200;
const BLOCK_MS = 1_000;
/** Consumers of the group idle this long with nothing pending (processes gone) are removed. */
const FORGET_CONSUMER_MS = 60 * 60_000;

type StreamEntry = [id: string, fields: string[]];

const hasAny = (counts: TelemetryCounts) => Object.values(counts).some((n) => n > 0);

/**
 * Consumes the telemetry stream (`TELEMETRY_STREAM`: container log lines and stats samples) into
 * `AgentDataKeys`. Telemetry may be lost but must never hold anything up: each reconciler process reads its
 * share through the consumer group, reports that waited too long are dropped instead of processed, a report
 * is deleted once taken, and the stream is capped by the agents that write it, so a backlog after an outage
 * stays bounded. Reports a consumer took and never acknowledged (its process died) are taken over by another
 * after `reclaimIdleMs`.
 */
export async function startTelemetryWorker(options: TelemetryWorkerOptions): Promise<TelemetryWorker> {
  const logger = options.logger.child({ component: 'telemetry' });
  const key = TELEMETRY_STREAM.key(options.prefix);
  const group = TELEMETRY_STREAM.group;
  const consumer = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const concurrency = options.concurrency ?? 4;
  const redis = connectRedis(options.redisUrl, 'worker');
  // XREADGROUP … BLOCK holds its connection: it gets one of its own.
  const reader = connectRedis(options.redisUrl, 'worker');
  const intake = new TelemetryIntake(redis, new AgentDataKeys(options.prefix), {
    maxReportAgeMs: options.maxReportAgeMs ?? 5 * 60_000,
    sharedLogs: options.sharedLogs ?? { perSecond: 20, burst: 1_000 },
  });

  /** Creates the group (and the stream) if Redis has neither: at start, and after Redis lost its data. */
  const ensureGroup = async () => {
    try {
      // From the start of what is there: anything left is capped, and too old is dropped when taken.
      await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  };

  /** Takes entries (a few at a time), then acknowledges and deletes them all in one round trip. */
  const take = async (entries: StreamEntry[]) => {
    let next = 0;
    const one = async () => {
      while (next < entries.length) {
        const [, fields] = entries[next++];
        const { report, sentAt } = parseEntry(fields);
        // Never the report: it holds log lines, which may hold anything.
        await intake
          .take(report as TelemetryReport, sentAt)
          .catch((error: Error) => logger.warn({ err: error.message }, 'telemetry report failed'));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, one));
    const ids = entries.map(([id]) => id);
    if (ids.length > 0)
      await redis
        .multi()
        .xack(key, group, ...ids)
        .xdel(key, ...ids)
        .exec();
  };

  let closing = false;
  const run = async () => {
    let failures = 0;
    while (!closing) {
      try {
        const read = (await reader.xreadgroup(
          'GROUP',
          group,
          consumer,
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          key,
          '>',
        )) as [string, StreamEntry[]][] | null;
        failures = 0;
        if (read) await take(read[0][1]);
      } catch (error) {
        if (closing) break;
        const message = String((error as Error).message);
        if (message.startsWith('NOGROUP')) {
          await ensureGroup().catch(() => undefined);
          continue;
        }
        if (failures++ === 0) logger.warn({ err: message }, 'cannot read telemetry; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 2_000)));
      }
    }
  };

  /** Takes over what dead consumers left pending, and forgets consumers long gone. */
  const reclaim = async () => {
    const [, claimed] = (await redis.xautoclaim(
      key,
      group,
      consumer,
      options.reclaimIdleMs ?? 60_000,
      '0-0',
      'COUNT',
      READ_COUNT,
    )) as [string, StreamEntry[]];
    // Entries trimmed meanwhile come back without fields: nothing to take, only to acknowledge.
    const live = claimed.filter(([, fields]) => Array.isArray(fields) && fields.length > 0);
    await take(live);
    const gone = claimed.filter(([, fields]) => !Array.isArray(fields) || fields.length === 0);
    if (gone.length > 0) await redis.xack(key, group, ...gone.map(([id]) => id));
    if (live.length > 0) logger.warn({ reports: live.length }, 'took over telemetry a stopped consumer left');
    const consumers = (await redis.xinfo('CONSUMERS', key, group)) as (string | number)[][];
    for (const fields of consumers) {
      const info = Object.fromEntries(
        Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]),
      );
      if (info.name !== consumer && Number(info.pending) === 0 && Number(info.idle) > FORGET_CONSUMER_MS)
        await redis.xgroup('DELCONSUMER', key, group, String(info.name));
    }
  };
  const reclaimer = setInterval(() => {
    reclaim().catch((error: Error) => logger.warn({ err: error.message }, 'could not reclaim telemetry'));
  }, options.reclaimIntervalMs ?? 30_000);
  const summary = setInterval(() => {
    const counts = intake.drainCounts();
    if (hasAny(counts)) logger.info(counts, 'telemetry taken');
  }, options.summaryIntervalMs ?? 60_000);
  reclaimer.unref();
  summary.unref();

  await ensureGroup();
  const loop = run();
  logger.info({ stream: key, group, consumer, concurrency }, 'telemetry worker started');

  return {
    async close() {
      closing = true;
      clearInterval(reclaimer);
      clearInterval(summary);
      // Interrupts a blocked read; what this consumer read and did not acknowledge is reclaimed later.
      reader.disconnect();
      await loop;
      redis.disconnect();
    },
  };
}

/** An entry's report and the time its agent sent it; anything malformed becomes an unknown report. */
function parseEntry(fields: string[]): { report: unknown; sentAt: number } {
  const value = (name: string) => {
    const at = fields.indexOf(name);
    return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  };
  let report: unknown;
  try {
    report = JSON.parse(value(TELEMETRY_STREAM.fields.report) ?? 'null');
  } catch {
    report = null;
  }
  const sentAt = Number(value(TELEMETRY_STREAM.fields.sentAt));
  return { report, sentAt: Number.isFinite(sentAt) ? sentAt : 0 };
}
