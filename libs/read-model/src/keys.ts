/**
 * The Redis key schema shared by the projector (writes) and the api (reads).
 *
 * Everything lives under one configurable prefix (DESIGN.md §4) so deployments and test suites can share a
 * Redis. Read models live under a *generation* (`<prefix>rm:<gen>:…`): a rebuild replays into a fresh
 * generation and then moves the `<prefix>rm:current` pointer, so readers switch atomically.
 */
export class ReadModelKeys {
  readonly root: string;

  constructor(
    readonly prefix: string,
    readonly generation: number,
  ) {
    this.root = `${prefix}rm:${generation}:`;
  }

  static pointer(prefix: string): string {
    return `${prefix}rm:current`;
  }

  /** Pub/sub channel announcing a generation switch (message: the new generation). */
  static switchChannel(prefix: string): string {
    return `${prefix}rm:switch`;
  }

  /**
   * Pub/sub channel on which the projector announces its checkpoint after each update: `<position>` or, after
   * an event, `<position>|<stream>|<revision of that stream now applied>`.
   */
  get checkpointChannel(): string {
    return `${this.root}checkpoint`;
  }

  get checkpoint(): string {
    return `${this.root}checkpoint`;
  }

  /** The last revision of `stream` applied to the read models: the projection guard (DESIGN.md §4). */
  streamRevision(stream: string): string {
    return `${this.root}rev:${stream}`;
  }

  doc(type: string, id: string): string {
    return `${this.root}${type}:${id}`;
  }

  /**
   * A hash of the parts of one resource that change one at a time (`kind` e.g. `deploy-instances`): a part is
   * rewritten without rewriting, sending and parsing its siblings again.
   */
  hash(kind: string, id: string): string {
    return `${this.root}hash:${kind}:${id}`;
  }

  /** A sorted index of ids (`type` is e.g. `grids`, `grid:my-grid:nodes`). */
  index(name: string): string {
    return `${this.root}idx:${name}`;
  }

  /** A look-up from a unique value (a token hash, …) to an id. */
  lookup(kind: string, value: string): string {
    return `${this.root}lookup:${kind}:${value}`;
  }

  eventLog(kind: 'grid' | 'stack' | 'service' | 'node', id: string): string {
    return `${this.root}eventlog:${kind}:${id}`;
  }
}
