import { ApiClient, RunningSystem, startSystem, userWith } from '@libs/testing';

/** A timestamp as Kontena's JSON writes them: ISO 8601, UTC, milliseconds. */
export const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

export interface GridCallers {
  system: RunningSystem;
  admin: ApiClient;
  /** A plain user who is a member of the grid. */
  member: ApiClient;
  /** A plain user who belongs to another grid (`other`) only: 403 on this one. */
  outsider: ApiClient;
}

/**
 * The cast of a grid feature's end-to-end spec: the running system with its admin, the grid, and two plain
 * users on either side of its membership.
 */
export async function gridCallers(grid: string): Promise<GridCallers> {
  const system = await startSystem();
  const admin = system.admin;
  expect((await admin.post('/v1/grids', { name: grid })).status).toBe(201);
  expect((await admin.post('/v1/grids', { name: 'other' })).status).toBe(201);
  const member = (await userWith(system, { email: 'member@example.com', grids: [grid] })).api;
  const outsider = (await userWith(system, { email: 'outsider@example.com', grids: ['other'] })).api;
  return { system, admin, member, outsider };
}
