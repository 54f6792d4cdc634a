import type { InstanceRuntime } from '../runtime';
import { RuntimeOptions, SupervisedRuntime } from '../supervision/supervised-runtime';
import { DockerDriver, DockerDriverOptions } from './docker-driver';

export type DockerRuntimeOptions = Partial<RuntimeOptions> &
  Partial<DockerDriverOptions> & { socketPath: string };

/** Instances as containers on a Docker Engine API (see `DockerDriver`). */
export function createDockerRuntime(options: DockerRuntimeOptions): InstanceRuntime {
  return new SupervisedRuntime(new DockerDriver(options), options);
}
