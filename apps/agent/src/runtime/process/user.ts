/**
 * `user` as Docker reads it (`name`, `uid`, `name:group`, `uid:gid`, mixed) resolved against the node's
 * /etc/passwd and /etc/group. A numeric uid that has no passwd entry runs with gid 0, as in Docker.
 */
export function resolveUser(
  user: string,
  passwd: string,
  group: string,
): { ok: true; uid: number; gid: number } | { ok: false; reason: string } {
  const [who, grp] = user.split(':', 2);
  const users = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 4);
  const groups = group
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 3);
  const numeric = /^\d+$/;
  let uid: number;
  let gid: number;
  if (numeric.test(who)) {
    uid = Number(who);
    const entry = users.find((f) => Number(f[2]) === uid);
    gid = entry ? Number(entry[3]) : 0;
  } else {
    const entry = users.find((f) => f[0] === who);
    if (!entry) return { ok: false, reason: `user ${who} does not exist on this node` };
    uid = Number(entry[2]);
    gid = Number(entry[3]);
  }
  if (grp !== undefined && grp !== '') {
    if (numeric.test(grp)) gid = Number(grp);
    else {
      const entry = groups.find((f) => f[0] === grp);
      if (!entry) return { ok: false, reason: `group ${grp} does not exist on this node` };
      gid = Number(entry[2]);
    }
  }
  return { ok: true, uid, gid };
}
