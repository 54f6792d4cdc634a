import type Redis from 'ioredis';
import { AgentDataKeys, CONTAINER_LOG_CAPS, CONTAINER_LOG_FIELD } from '@libs/read-model';
import type { ContainerLogLine } from './container-log-lines';

/** A stream nobody has written to for this long is removed: logs of removed services do not pile up forever. */
export const IDLE_LOG_STREAM_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * Appends one line to its streams under one id, taken from the grid's id key: `max(now, last + 1)` as
 * `<ms>-<seq>`. Every stream of a grid draws from that key, so a line has the same id in the grid, stack
 * and service streams (a client may resume any of them with it) and ids never collide, also when a line
 * skips the shared streams. One script, so concurrent workers cannot interleave.
 *
 * KEYS: 1 the grid's id key, 2.. the streams. ARGV: 1 the line's JSON, 2 the idle TTL (ms), 3.. each stream's cap.
 */
const APPEND_SCRIPT = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local seq = 0
local last = redis.call('GET', KEYS[1])
if last then
  local lastMs, lastSeq = string.match(last, '^(%d+)-(%d+)$')
  if lastMs and tonumber(lastMs) >= ms then
    ms = tonumber(lastMs)
    seq = tonumber(lastSeq) + 1
  end
end
local id = string.format('%.0f-%.0f', ms, seq)
redis.call('SET', KEYS[1], id, 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[i + 1], id, '${CONTAINER_LOG_FIELD}', ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return id
`;

type AppendCommand = (numberOfKeys: number, ...args: (string | number)[]) => Promise<string>;

/** Writes container log lines into the grid, stack and service streams (`AgentDataKeys.containerLogs`). */
export class ContainerLogWriter {
  private readonly append: AppendCommand;

  constructor(
    redis: Redis,
    private readonly keys: AgentDataKeys,
  ) {
    const commands = redis as unknown as { appendContainerLog?: AppendCommand };
    if (!commands.appendContainerLog) redis.defineCommand('appendContainerLog', { lua: APPEND_SCRIPT });
    this.append = (commands.appendContainerLog as AppendCommand).bind(redis);
  }

  /**
   * Appends the lines in order (one pipelined script call each); `shared(line)` says whether a line also
   * goes to its grid's and stack's streams. Resolves with the lines' ids.
   */
  write(lines: readonly ContainerLogLine[], shared: (line: ContainerLogLine) => boolean): Promise<string[]> {
    return Promise.all(
      lines.map((line) => {
        const { instance } = line;
        const streams: [string, number][] = shared(line)
          ? [
              [this.keys.containerLogs('grid', instance.grid), CONTAINER_LOG_CAPS.grid],
              [this.keys.containerLogs('stack', instance.stackId), CONTAINER_LOG_CAPS.stack],
              [this.keys.containerLogs('service', instance.serviceId), CONTAINER_LOG_CAPS.service],
            ]
          : [[this.keys.containerLogs('service', instance.serviceId), CONTAINER_LOG_CAPS.service]];
        return this.append(
          1 + streams.length,
          this.keys.containerLogIds(instance.grid),
          ...streams.map(([key]) => key),
          JSON.stringify(line.entry),
          IDLE_LOG_STREAM_TTL_MS,
          ...streams.map(([, cap]) => cap),
        );
      }),
    );
  }
}
