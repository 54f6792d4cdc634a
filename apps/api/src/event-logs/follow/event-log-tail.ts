import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EVENT_LOG_FIELD } from '@libs/read-model';
import { ReadModels } from '../../platform/read-models';
import { compareEntryIds } from '../event-log-ids';
import { LogEntry, LoggedEntry, LogRef, logStreamKey } from '../event-log.view';
import { EventLogsConfig } from '../event-logs.config';

/** Where a follower's entries go: an HTTP response in the api, anything in tests. */
export interface FollowerSink {
  /** Writes one entry; `false` when the client cannot take more now (back-pressure). */
  send(entry: LoggedEntry<LogEntry>): boolean;
  /** Writes a keep-alive; `false` as for `send`. */
  keepAlive(): boolean;
  /** Calls `listener` once the client has taken what was written. */
  onDrain(listener: () => void): void;
  /** Ends the stream cleanly (shutdown). */
  end(): void;
  /** Cuts the stream (a client that stopped reading). */
  destroy(): void;
}

/** One client following one log. */
export class Follower {
  /** Set when the client stopped taking entries; cleared by its `drain`. */
  pausedAt?: number;
  lastWriteAt: number;
  closed = false;

  constructor(
    readonly log: LogRef,
    /** The last entry id this follower has been given (or skipped); the next one read is after it. */
    public cursor: string,
    readonly matches: (entry: LoggedEntry<LogEntry>) => boolean,
    readonly sink: FollowerSink,
    now: number,
  ) {
    this.lastWriteAt = now;
  }
}

export class TooManyFollowers extends Error {
  constructor(readonly max: number) {
    super(`more than ${max} event log followers`);
  }
}

/**
 * One tail per api process for every followed event log (DESIGN.md §4), instead of Kontena's poll loop per
 * follower (`LogsHelpers`, issue #2720: several `--follow` streams leaked the master's memory):
 *
 * - one non-blocking `XREAD` per round over all followed logs, from each log's slowest active follower,
 *   `batch` entries per log; each entry is parsed and rendered once for all its followers;
 * - back-pressure: a follower whose socket is full is skipped (its cursor stays) until it drains, so the
 *   server holds at most one entry beyond the socket's buffer for it; one stalled past `stallTimeoutMs` is cut;
 * - keep-alives (Kontena's single space every 0.5 s while idle) from one timer for all followers;
 * - a follower leaves on disconnect; on shutdown every stream is ended cleanly and no new one starts.
 *
 * Entry ids survive a read-model rebuild (DESIGN.md §4), so cursors stay valid when the generation switches;
 * each round reads the current generation's keys.
 */
@Injectable()
export class EventLogTail implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EventLogTail.name);
  private readonly followers = new Set<Follower>();
  private pollTimer?: NodeJS.Timeout;
  private keepAliveTimer?: NodeJS.Timeout;
  private polling = false;
  private pollAgain = false;
  private stopped = false;

  constructor(
    private readonly readModels: ReadModels,
    private readonly config: EventLogsConfig,
  ) {}

  get size(): number {
    return this.followers.size;
  }

  /**
   * Starts following `log` after `cursor`, opening the sink only once it is sure to be served: past the
   * configured maximum (or while shutting down) it throws `TooManyFollowers` and nothing has been written.
   */
  follow(
    log: LogRef,
    cursor: string,
    matches: (entry: LoggedEntry<LogEntry>) => boolean,
    open: () => FollowerSink,
  ): Follower {
    if (this.stopped || this.followers.size >= this.config.EVENT_LOG_MAX_FOLLOWERS)
      throw new TooManyFollowers(this.config.EVENT_LOG_MAX_FOLLOWERS);
    const follower = new Follower(log, cursor, matches, open(), Date.now());
    this.followers.add(follower);
    this.logger.log({ log, followers: this.followers.size }, 'event log follow started');
    this.keepAliveTimer ??= setInterval(
      () => this.tick(),
      Math.max(10, this.config.EVENT_LOG_KEEPALIVE_MS / 2),
    );
    this.wake();
    return follower;
  }

  unfollow(follower: Follower): void {
    follower.closed = true;
    if (!this.followers.delete(follower)) return;
    this.logger.log({ log: follower.log, followers: this.followers.size }, 'event log follow ended');
    if (this.followers.size === 0) this.idle();
  }

  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const follower of [...this.followers]) {
      this.unfollow(follower);
      follower.sink.end();
    }
  }

  /** Polls as soon as possible (a new follower, a drained one). */
  private wake(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), 0);
  }

  private idle(): void {
    clearTimeout(this.pollTimer);
    clearInterval(this.keepAliveTimer);
    this.pollTimer = undefined;
    this.keepAliveTimer = undefined;
  }

  private async poll(): Promise<void> {
    this.pollTimer = undefined;
    if (this.stopped || this.followers.size === 0) return;
    this.polling = true;
    this.pollAgain = false;
    let delay = this.config.EVENT_LOG_POLL_MS;
    try {
      if (await this.round()) delay = 0;
    } catch (error) {
      // Redis away: followers keep their cursors and get everything once it is back.
      this.logger.warn({ err: error }, 'event log tail could not read; retrying');
      delay = Math.max(delay, 1_000);
    } finally {
      this.polling = false;
    }
    if (this.stopped || this.followers.size === 0) return;
    this.pollTimer = setTimeout(() => void this.poll(), this.pollAgain ? 0 : delay);
  }

  /** One read over every followed log; `true` when some log may have more right away. */
  private async round(): Promise<boolean> {
    const { keys, redis } = this.readModels.reader;
    // By stream: an event log's key follows the generation; a grid's event and container logs are two streams.
    const byLog = new Map<string, { log: LogRef; start: string; followers: Follower[] }>();
    for (const follower of this.followers) {
      if (follower.pausedAt !== undefined) continue;
      const key = logStreamKey(keys, follower.log);
      const group = byLog.get(key);
      if (!group) byLog.set(key, { log: follower.log, start: follower.cursor, followers: [follower] });
      else {
        group.followers.push(follower);
        if (compareEntryIds(follower.cursor, group.start) < 0) group.start = follower.cursor;
      }
    }
    if (byLog.size === 0) return false;

    const streams = [...byLog.keys()];
    const groups = [...byLog.values()];
    const batch = this.config.EVENT_LOG_FOLLOW_BATCH;
    const reply = (await redis.xread(
      'COUNT',
      batch,
      'STREAMS',
      ...streams,
      ...groups.map((g) => g.start),
    )) as [key: string, entries: [id: string, fields: string[]][]][] | null;
    if (!reply) return false;

    let more = false;
    for (const [key, raw] of reply) {
      const group = byLog.get(key);
      if (!group || raw.length === 0) continue;
      if (raw.length === batch) more = true;
      const entries = raw.map(
        ([id, fields]) => new LoggedEntry<LogEntry>(id, fields[fields.indexOf(EVENT_LOG_FIELD) + 1]),
      );
      for (const follower of group.followers) this.deliver(follower, entries);
    }
    return more;
  }

  private deliver(follower: Follower, entries: readonly LoggedEntry<LogEntry>[]): void {
    for (const entry of entries) {
      if (follower.closed || follower.pausedAt !== undefined) return;
      if (compareEntryIds(entry.id, follower.cursor) <= 0) continue;
      follower.cursor = entry.id;
      if (!follower.matches(entry)) continue;
      follower.lastWriteAt = Date.now();
      if (!follower.sink.send(entry)) this.pause(follower);
    }
  }

  private pause(follower: Follower): void {
    follower.pausedAt = Date.now();
    follower.sink.onDrain(() => {
      follower.pausedAt = undefined;
      if (!follower.closed) this.wake();
    });
  }

  /** Keep-alives for idle followers; cuts those stalled too long. */
  private tick(): void {
    const now = Date.now();
    for (const follower of [...this.followers]) {
      if (follower.pausedAt !== undefined) {
        if (now - follower.pausedAt >= this.config.EVENT_LOG_STALL_TIMEOUT_MS) {
          this.logger.warn({ log: follower.log }, 'event log follower stopped reading; closing its stream');
          this.unfollow(follower);
          follower.sink.destroy();
        }
        continue;
      }
      if (now - follower.lastWriteAt >= this.config.EVENT_LOG_KEEPALIVE_MS) {
        follower.lastWriteAt = now;
        if (!follower.sink.keepAlive()) this.pause(follower);
      }
    }
  }
}
