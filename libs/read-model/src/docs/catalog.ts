/**
 * The read-model contract between features: document types with their ids (Kontena's public ids), and
 * the indexes one feature maintains for another. Each feature owns its document's fields.
 *
 * | doc type      | id                    | written by the projection of |
 * |---------------|-----------------------|------------------------------|
 * | `grid`        | `<grid>`              | grids                        |
 * | `node`        | `<grid>/<node>`       | nodes                        |
 * | `stack`       | `<grid>/<stack>`      | stacks                       |
 * | `service`     | `<grid>/<stack>/<svc>` (`null` stack for stack-less services) | services |
 * | `deploy`      | `<deploy id>`         | services (service deploys)   |
 * | `stackdeploy` | `<stack deploy id>`   | stacks                       |
 * | `secret`      | `<grid>/<name>`       | secrets                      |
 * | `registry`    | `<grid>/<name>`       | registries                   |
 * | `volume`      | `<grid>/<name>`       | volumes                      |
 * | `user`        | `<email>`             | users                        |
 * | `token`       | `<token id>`          | tokens                       |
 * | `config`      | `master`              | config                       |
 */
export const DOC_TYPES = ['grid', 'node', 'stack', 'service', 'deploy', 'stackdeploy', 'secret', 'registry', 'volume', 'user', 'token', 'config'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** Indexes that cross features; the owner named in each comment maintains it. */
export const crossIndexes = {
  /** Services (ids) that use secret `<grid>/<name>`; maintained by the services projection. */
  secretServices: (grid: string, secret: string) => `secret:${grid}/${secret}:services`,
  /** Services (ids) that mount volume `<grid>/<name>`; maintained by the services projection. */
  volumeServices: (grid: string, volume: string) => `volume:${grid}/${volume}:services`,
  /** Services (ids) that link to service `<grid>/<stack>/<svc>`; maintained by the services projection. */
  serviceLinkedFrom: (serviceId: string) => `service:${serviceId}:linked-from`,
  /** Services (ids) of stack `<grid>/<stack>`; maintained by the services projection. */
  stackServices: (grid: string, stack: string) => `stack:${grid}/${stack}:services`,
  /** Deploy ids of a service, newest last (score: request time ms); maintained by the services projection. */
  serviceDeploys: (serviceId: string) => `service:${serviceId}:deploys`,
  /**
   * The service's deploys not finished yet (state `created` or `ongoing`), oldest first (score: request time ms);
   * maintained by the services projection. An index rather than a list in the service document: deploys queue
   * up (a scale per request while the reconciler is busy or down), and the document would grow with each.
   */
  serviceUnfinishedDeploys: (serviceId: string) => `service:${serviceId}:deploys:unfinished`,
  /**
   * The service's finished deploys, in the order they finished (score: the `$all` commit position of the event
   * that finished each); maintained by the services projection,
   * which keeps the newest `FINISHED_DEPLOYS_KEPT` and removes older ones with their documents.
   */
  serviceFinishedDeploys: (serviceId: string) => `service:${serviceId}:deploys:finished`,
  /** Instances (`<service id>/<n>`) placed on node `<grid>/<node>`; maintained by issue 4's projection. */
  nodeInstances: (nodeId: string) => `node:${nodeId}:instances`,
};

/** Look-up kinds (`lookup(kind, value) → id`) that cross features. */
export const crossLookups = {
  /** sha256(grid token) → grid name (grids projection). */
  gridToken: 'gridtoken',
  /** sha256(node token) → node id `<grid>/<node>` (nodes projection). */
  nodeToken: 'nodetoken',
  /** agent node id (e.g. a Docker engine id) → node id `<grid>/<node>` (nodes projection). */
  agentNodeId: 'agentnodeid',
};
