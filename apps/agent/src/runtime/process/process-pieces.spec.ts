import { cpuPercent, instanceMembers, parseRssBytes, parseStat, ProcStat } from './proc';
import { resolveUser } from './user';

// A real line from /proc/<pid>/stat, with a command name holding a space and a parenthesis.
const STAT =
  '4242 (node (worker)) S 4200 4242 4242 0 -1 4194560 1234 0 0 0 150 50 7 3 20 0 11 0 987654 1187213312 12345 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';

describe('/proc parsing', () => {
  it('reads the fields we need from a stat line, whatever the command name', () => {
    expect(parseStat(STAT)).toEqual({
      pid: 4242,
      state: 'S',
      ppid: 4200,
      pgrp: 4242,
      cpuTicks: 210,
      startTicks: 987654,
    });
  });

  it('answers null for something that is not a stat line', () => {
    expect(parseStat('garbage')).toBeNull();
    expect(parseStat('1 (x) S 0')).toBeNull();
  });

  it('reads VmRSS in bytes, and 0 when there is none (zombies)', () => {
    expect(parseRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nThreads:\t11\n')).toBe(51200 * 1024);
    expect(parseRssBytes('Name:\tnode\nState:\tZ (zombie)\n')).toBe(0);
  });
});

describe('instance members', () => {
  const proc = (pid: number, ppid: number, pgrp: number, state = 'S'): ProcStat => ({
    pid,
    ppid,
    pgrp,
    state,
    cpuTicks: 1,
    startTicks: 1,
  });
  const all = new Map(
    [
      proc(1, 0, 1),
      proc(100, 1, 100), // the leader
      proc(101, 100, 100), // a child in its group
      proc(102, 100, 102), // a child that made its own group
      proc(103, 102, 102), // and its child
      proc(104, 1, 100), // re-parented to init but still in the group
      proc(106, 101, 106), // a grandchild in a group of its own, under a group member
      proc(105, 100, 100, 'Z'), // a zombie: gone, not counted
      proc(200, 1, 200), // another instance
    ].map((p) => [p.pid, p]),
  );

  it('is the process group and the leader descendants, without zombies', () => {
    expect(
      instanceMembers(100, all)
        .map((p) => p.pid)
        .sort((a, b) => a - b),
    ).toEqual([100, 101, 102, 103, 104, 106]);
  });

  it('still finds the group after the leader is gone', () => {
    const withoutLeader = new Map(all);
    withoutLeader.delete(100);
    expect(
      instanceMembers(100, withoutLeader)
        .map((p) => p.pid)
        .sort((a, b) => a - b),
    ).toEqual([101, 104]);
  });
});

describe('cpu percent', () => {
  it('is the share of one CPU over the interval since the previous sample', () => {
    // 50 ticks = 0.5 s of CPU over 1 s.
    expect(cpuPercent(250, 11, { ticks: 200, atSeconds: 10 }, 0)).toBe(50);
  });
  it('is the lifetime average for a first sample', () => {
    expect(cpuPercent(100, 20, null, 10)).toBe(10);
  });
  it('can exceed 100 on several cores, and is never negative', () => {
    expect(cpuPercent(400, 11, { ticks: 200, atSeconds: 10 }, 0)).toBe(200);
    expect(cpuPercent(100, 11, { ticks: 200, atSeconds: 10 }, 0)).toBe(0);
  });
});

describe('resolving user', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n';
  const group = 'root:x:0:\nwww-data:x:33:\nstaff:x:50:\n';
  it.each([
    ['www-data', { ok: true, uid: 33, gid: 33 }],
    ['33', { ok: true, uid: 33, gid: 33 }],
    ['1234', { ok: true, uid: 1234, gid: 0 }],
    ['www-data:staff', { ok: true, uid: 33, gid: 50 }],
    ['1234:99', { ok: true, uid: 1234, gid: 99 }],
    ['nobody-here', { ok: false, reason: 'user nobody-here does not exist on this node' }],
    ['www-data:nogroup', { ok: false, reason: 'group nogroup does not exist on this node' }],
  ])('%s', (user, expected) => expect(resolveUser(user, passwd, group)).toEqual(expected));
});
