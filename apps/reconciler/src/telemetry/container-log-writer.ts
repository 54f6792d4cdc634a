import type Redis from 'ioredis';
import { AgentDataKeys, CONTAINER_LOG_CAPS, CONTAINER_LOG_FIELD } from '@libs/read-model';
import type { ContainerLogLine } from './container-log-lines';

/** A stream nobody has written to for this long is removed: logs of removed services do not pile up forever. */
export const IDLE_LOG_STREAM_TTL_MS = 30 * 24 * 60 * 60_000;

/**
 * Most lines appended by one script call. A report holds up to `MAX_LINES_PER_REPORT` lines; a call that
 * long would hold Redis (one script runs at a time) for tens of milliseconds, so a report is cut into calls
 * of this many lines, each ~1–2 ms of Redis's time.
 */
export const LINES_PER_CALL = 200;

/**
 * Appends lines of one grid to their streams, in order, each under one id taken from the grid's id key:
 * `max(now, last + 1)` as `<ms>-<seq>`. Every stream of a grid draws from that key, so a line has the same
 * id in the grid, stack and service streams (a client may resume any of them with it) and ids never
 * collide, also when a line skips the shared streams. One script, so concurrent workers cannot interleave.
 *
 * KEYS: 1 the grid's id key, 2.. every stream some line goes to, once each.
 * ARGV: 1 the idle TTL (ms), 2 the number of streams, 3.. each stream's cap (in KEYS order), then per line
 * its JSON and the KEYS indexes of its streams, comma-separated. Returns the lines' ids, in order.
 */
const APPEND_SCRIPT = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local seq = -1
local last = redis.call('GET', KEYS[1])
if last then
  local lastMs, lastSeq = string.match(last, '^(%d+)-(%d+)$')
  if lastMs and tonumber(lastMs) >= ms then
    ms = tonumber(lastMs)
    seq = tonumber(lastSeq)
  end
end
local ttl = ARGV[1]
local streams = tonumber(ARGV[2])
local ids = {}
for i = 3 + streams, #ARGV, 2 do
  seq = seq + 1
  local id = string.format('%.0f-%.0f', ms, seq)
  ids[#ids + 1] = id
  for k in string.gmatch(ARGV[i + 1], '%d+') do
    local key = tonumber(k)
    redis.call('XADD', KEYS[key], 'MAXLEN', '~', ARGV[key + 1], id, '${CONTAINER_LOG_FIELD}', ARGV[i])
  end
end
if #ids > 0 then redis.call('SET', KEYS[1], ids[#ids], 'PX', ttl) end
for key = 2, #KEYS do redis.call('PEXPIRE', KEYS[key], ttl) end
return ids
`;

type AppendCommand = (numberOfKeys: number, ...args: (string | number)[]) => Promise<string[]>;

/** Writes container log lines into the grid, stack and service streams (`AgentDataKeys.containerLogs`). */
export class ContainerLogWriter {
  private readonly append: AppendCommand;

  constructor(
    redis: Redis,
    private readonly keys: AgentDataKeys,
    private readonly linesPerCall = LINES_PER_CALL,
  ) {
    const commands = redis as unknown as { appendContainerLogs?: AppendCommand };
    if (!commands.appendContainerLogs) redis.defineCommand('appendContainerLogs', { lua: APPEND_SCRIPT });
    this.append = (commands.appendContainerLogs as AppendCommand).bind(redis);
  }

  /**
   * Appends the lines in order, `linesPerCall` to a script call, the calls one after another so ids follow
   * the lines' order; `shared(line)` says whether a line also goes to its grid's and stack's streams.
   * Resolves with the lines' ids.
   */
  async write(
    lines: readonly ContainerLogLine[],
    shared: (line: ContainerLogLine) => boolean,
  ): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < lines.length; start += this.linesPerCall) {
      for (const [grid, group] of byGrid(lines.slice(start, start + this.linesPerCall)))
        ids.push(...(await this.appendGroup(grid, group, shared)));
    }
    return ids;
  }

  /** One script call for lines of one grid. */
  private appendGroup(
    grid: string,
    lines: readonly ContainerLogLine[],
    shared: (line: ContainerLogLine) => boolean,
  ): Promise<string[]> {
    const streams = new Map<string, { index: number; cap: number }>();
    const streamIndex = (key: string, cap: number) => {
      let stream = streams.get(key);
      // KEYS[1] is the id key, so the streams are KEYS[2..].
      if (!stream) streams.set(key, (stream = { index: streams.size + 2, cap }));
      return stream.index;
    };
    const perLine = lines.map((line) => {
      const { instance } = line;
      const indexes = shared(line)
        ? [
            streamIndex(this.keys.containerLogs('grid', instance.grid), CONTAINER_LOG_CAPS.grid),
            streamIndex(this.keys.containerLogs('stack', instance.stackId), CONTAINER_LOG_CAPS.stack),
          ]
        : [];
      indexes.push(
        streamIndex(this.keys.containerLogs('service', instance.serviceId), CONTAINER_LOG_CAPS.service),
      );
      return [JSON.stringify(line.entry), indexes.join(',')];
    });
    return this.append(
      1 + streams.size,
      this.keys.containerLogIds(grid),
      ...streams.keys(),
      IDLE_LOG_STREAM_TTL_MS,
      streams.size,
      ...[...streams.values()].map((stream) => stream.cap),
      ...perLine.flat(),
    );
  }
}

/** Runs of consecutive lines of one grid, in order (a report's lines are all of its node's grid). */
function byGrid(lines: readonly ContainerLogLine[]): [string, ContainerLogLine[]][] {
  const runs: [string, ContainerLogLine[]][] = [];
  for (const line of lines) {
    const run = runs[runs.length - 1];
    if (run?.[0] === line.instance.grid) run[1].push(line);
    else runs.push([line.instance.grid, [line]]);
  }
  return runs;
}
