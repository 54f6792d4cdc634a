/**
 * What the benchmarks read about the processes they start, from `/proc` (Linux): CPU time, memory, which child
 * runs which app, and the local Redis server's pid. CPU time per operation shows where the time goes; it moves less
 * than wall time with the host's speed, but it does move (a busy neighbour slows every instruction).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type Redis from 'ioredis';

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (proc(5)), so indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds (user + system) this process has used so far. */
export const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/**
 * The Redis server's pid when it runs on this machine (`INFO server`), so its CPU can be counted too: the apply
 * scripts, BullMQ's scripts and every read run there, on the same two cores. `undefined` when it is elsewhere.
 */
export async function redisServerPid(redis: Redis): Promise<number | undefined> {
  const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  return Number.isInteger(pid) && existsSync(`/proc/${pid}/stat`) ? pid : undefined;
}

/** Current and peak resident memory of a process in bytes, from `/proc/<pid>/status`. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** This process's children (event store, api, projector, reconciler, agent) by app name, from `/proc`. */
export function children(): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const app = /apps\/(\w+)\/src/.exec(cmdline)?.[1] ?? 'other';
      found.set(app, Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
