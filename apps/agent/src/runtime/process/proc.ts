import { readdir, readFile } from 'node:fs/promises';

/**
 * Reading Linux's /proc: who belongs to an instance, what it uses, and whether a pid still is the process
 * we started (pids are reused, so a pid is always paired with its start time).
 */

/** USER_HZ, in which /proc reports CPU times; 100 on every Linux architecture Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), T, … */
  state: string;
  ppid: number;
  pgrp: number;
  /** utime + stime + cutime + cstime: its own CPU time and that of the children it reaped, in ticks. */
  cpuTicks: number;
  /** Ticks after boot; with the pid, identifies the process. */
  startTicks: number;
}

/** Parses `/proc/<pid>/stat`; the command name is in parentheses and may itself hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 of proc(5): state; field N is fields[N - 3].
  if (fields.length < 20 || !Number.isInteger(pid)) return null;
  const n = (field: number) => Number(fields[field - 3]);
  return {
    pid,
    state: fields[0],
    ppid: n(4),
    pgrp: n(5),
    cpuTicks: n(14) + n(15) + n(16) + n(17),
    startTicks: n(22),
  };
}

/** `VmRSS` from `/proc/<pid>/status`, in bytes; 0 for a zombie or a kernel thread. */
export function parseRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

export async function readStat(pid: number, procRoot = '/proc'): Promise<ProcStat | null> {
  try {
    return parseStat(await readFile(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Alive, not a zombie, and still the process that started at `startTicks`. */
export async function isSameProcess(
  pid: number,
  startTicks: number | null,
  procRoot = '/proc',
): Promise<boolean> {
  const stat = await readStat(pid, procRoot);
  return stat !== null && stat.state !== 'Z' && (startTicks === null || stat.startTicks === startTicks);
}

export async function readAllStats(procRoot = '/proc'): Promise<Map<number, ProcStat>> {
  const entries = await readdir(procRoot);
  const stats = await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map((e) => readStat(Number(e), procRoot)),
  );
  return new Map(stats.filter((s): s is ProcStat => s !== null).map((s) => [s.pid, s]));
}

/**
 * The processes of an instance: its process group (the leader's pid, as every instance gets its own
 * group) and every descendant of the leader, in case one moved to a group of its own.
 */
export function instanceMembers(leader: number, all: Map<number, ProcStat>): ProcStat[] {
  const children = new Map<number, number[]>();
  for (const stat of all.values()) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  const members = new Set<number>();
  for (const stat of all.values()) if (stat.pgrp === leader && stat.state !== 'Z') members.add(stat.pid);
  const visited = new Set<number>();
  const queue = all.has(leader) ? [leader] : [];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (visited.has(pid)) continue;
    visited.add(pid);
    if (all.get(pid)?.state !== 'Z') members.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...members].map((pid) => all.get(pid)!).filter(Boolean);
}

/** Seconds since boot (`/proc/uptime`), to turn start ticks into an age. */
export async function uptimeSeconds(procRoot = '/proc'): Promise<number> {
  return Number((await readFile(`${procRoot}/uptime`, 'utf8')).split(/\s+/)[0]);
}

/**
 * CPU use in percent of one CPU: over the interval since `previous`, or over the process's whole life for
 * a first sample (so a first answer is never a meaningless 0).
 */
export function cpuPercent(
  ticks: number,
  atSeconds: number,
  previous: { ticks: number; atSeconds: number } | null,
  startedAtSeconds: number,
): number {
  const [spent, elapsed] = previous
    ? [ticks - previous.ticks, atSeconds - previous.atSeconds]
    : [ticks, atSeconds - startedAtSeconds];
  if (elapsed <= 0 || spent <= 0) return 0;
  return Math.round((spent / CLOCK_TICKS_PER_SECOND / elapsed) * 100 * 100) / 100;
}
