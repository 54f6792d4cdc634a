import type { ErrorHash } from '@libs/domain';
import { NULL_STACK } from '@libs/domain';
import type { ContainerLogEntry } from '@libs/read-model';
import type { EntryFilter } from '../../event-logs/event-log-query';
import { Parsed, scalar } from '../../common/http/query-params';

export type LineFilter = EntryFilter<ContainerLogEntry>;

type Query = Record<string, unknown>;

function allOf(filters: LineFilter[]): LineFilter | undefined {
  if (!filters.length) return undefined;
  return (entry) => filters.every((matches) => matches(entry));
}

function result(errors: ErrorHash, filters: LineFilter[]): Parsed<LineFilter | undefined> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: allOf(filters) };
}

/** `a,b` as a list of names; `null` when the parameter is not a string. */
function names(value: unknown): string[] | null | undefined {
  const raw = scalar(value);
  if (raw === undefined || raw === null) return raw;
  return raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * `search`: lines whose `data` holds the text, whatever the case. Kontena's `$text` search needed an index
 * its migration 09 dropped; here it reads the stream, which its cap bounds (10,000 lines for a service,
 * 20,000 for a stack, docs/telemetry.md).
 */
function search(query: Query, errors: ErrorHash, filters: LineFilter[]): void {
  const raw = scalar(query.search);
  if (raw === null) errors.search = 'Search must be text';
  else if (raw) {
    const text = raw.toLowerCase();
    filters.push((entry) => entry.data.toLowerCase().includes(text));
  }
}

function container(query: Query, errors: ErrorHash, filters: LineFilter[]): void {
  const raw = scalar(query.container);
  if (raw === null) errors.container = 'Container must be a container name';
  else if (raw) filters.push((entry) => entry.name === raw);
}

/**
 * The grid's filters (`grids_api.rb` `container_logs`): `containers=a,b` (container names), `nodes=a,b`
 * (node names), `services=svc,stack/svc` (a bare name is the `null` stack's); any name of a list, every
 * list given. Unknown names match nothing, as in Kontena.
 */
export function gridLineFilters(grid: string, query: Query): Parsed<LineFilter | undefined> {
  const errors: ErrorHash = {};
  const filters: LineFilter[] = [];
  const lists = {
    containers: names(query.containers),
    nodes: names(query.nodes),
    services: names(query.services),
  };
  for (const [field, list] of Object.entries(lists)) {
    if (list === null)
      errors[field] = `${field[0].toUpperCase()}${field.slice(1)} must be a comma-separated list`;
  }
  if (lists.containers) {
    const wanted = new Set(lists.containers);
    filters.push((entry) => wanted.has(entry.name));
  }
  if (lists.nodes) {
    const wanted = new Set(lists.nodes);
    filters.push((entry) => wanted.has(entry.node.name));
  }
  if (lists.services) {
    const wanted = new Set(
      lists.services.map((s) => (s.includes('/') ? `${grid}/${s}` : `${grid}/${NULL_STACK}/${s}`)),
    );
    filters.push((entry) => wanted.has(entry.service.id));
  }
  return result(errors, filters);
}

/** A stack's filters (`stack_container_logs.rb`): `container=<name>`, `search=<text>`. */
export function stackLineFilters(query: Query): Parsed<LineFilter | undefined> {
  const errors: ErrorHash = {};
  const filters: LineFilter[] = [];
  container(query, errors, filters);
  search(query, errors, filters);
  return result(errors, filters);
}

/**
 * A service's filters (`service_container_logs.rb`): `container=<name>`, `instance=<n>`, `search=<text>`.
 * Kontena read `instance=abc` as instance 0 and answered nothing; here it is a 400.
 */
export function serviceLineFilters(query: Query): Parsed<LineFilter | undefined> {
  const errors: ErrorHash = {};
  const filters: LineFilter[] = [];
  container(query, errors, filters);
  const instance = scalar(query.instance);
  if (instance !== undefined && instance !== '') {
    if (instance !== null && /^\s*\d+\s*$/.test(instance)) {
      const n = Number(instance);
      filters.push((entry) => entry.instance_number === n);
    } else {
      errors.instance = 'Instance must be an instance number';
    }
  }
  search(query, errors, filters);
  return result(errors, filters);
}

/**
 * One container's filter (`GET /v1/containers/:grid/:node/:name/logs`): its lines among its service's, by its
 * path (a service's instance may have run on other nodes before), and `search=<text>`.
 */
export function containerLineFilters(containerId: string, query: Query): Parsed<LineFilter> {
  const errors: ErrorHash = {};
  const filters: LineFilter[] = [(entry) => entry.container_id === containerId];
  search(query, errors, filters);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: allOf(filters)! };
}
