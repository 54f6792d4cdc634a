import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '@libs/logging';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaderDuties {
  /** Called when this process becomes the leader. */
  start(): void | Promise<void>;
  /** Called when it stops being the leader (lease lost or shutdown); must end the duties. */
  stop(): Promise<void>;
}

/**
 * One reconciler at a time runs the duties that must not run twice (Kontena's `CurrentLeader`): the dispatcher
 * (its checkpoint is shared), the resync and the liveness check. A Redis key held with a TTL and renewed at a
 * third of it; a process that cannot renew in time stops its duties before another can take over, because
 * it gives up as soon as a renewal fails rather than when the TTL would run out.
 */
export class Lease {
  readonly holder = randomUUID();
  private timer?: NodeJS.Timeout;
  private leading = false;
  private transition: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly duties: LeaderDuties,
    private readonly logger: Logger,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const tick = () => {
      void this.check().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, Math.max(100, Math.floor(this.ttlMs / 3)));
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.transition;
    if (this.leading) await this.depose('shutting down');
    await this.redis.eval(RELEASE, 1, this.key, this.holder).catch(() => undefined);
  }

  private async check(): Promise<void> {
    await this.transition;
    try {
      const held = this.leading
        ? (await this.redis.eval(RENEW, 1, this.key, this.holder, String(this.ttlMs))) === 1
        : (await this.redis.set(this.key, this.holder, 'PX', this.ttlMs, 'NX')) === 'OK';
      if (held && !this.leading && !this.stopped) {
        this.leading = true;
        this.logger.info({ lease: this.key }, 'leading: dispatcher, resync and liveness run here');
        this.transition = Promise.resolve(this.duties.start());
        await this.transition;
      } else if (!held && this.leading) {
        await this.depose('lease lost');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'lease check failed');
      if (this.leading) await this.depose('lease check failed');
    }
  }

  private async depose(reason: string): Promise<void> {
    this.leading = false;
    this.logger.info({ lease: this.key, reason }, 'no longer leading');
    this.transition = this.duties.stop();
    await this.transition;
  }
}
