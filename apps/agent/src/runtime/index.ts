import type { Logger } from 'pino';
import { createDockerRuntime, DockerRuntimeOptions } from './docker/docker-runtime';
import { createHollowRuntime, HollowRuntimeOptions } from './hollow/hollow-runtime';
import { createProcessRuntime, ProcessRuntimeOptions } from './process/process-runtime';
import type { InstanceRuntime, RuntimeKind } from './runtime';

export * from './runtime';
export { instanceSpecFromAssignment, specFingerprint, specProblems } from './instance-spec';
export { HollowRuntime } from './hollow/hollow-runtime';
export type { DockerRuntimeOptions, HollowRuntimeOptions, ProcessRuntimeOptions };

export type RuntimeSettings =
  | ({ kind: 'process' } & ProcessRuntimeOptions)
  | ({ kind: 'docker' } & DockerRuntimeOptions)
  | ({ kind: 'hollow' } & HollowRuntimeOptions);

/** The runtime the agent is configured for (`RUNTIME`: process | docker | hollow). */
export function createRuntime(settings: RuntimeSettings & { logger?: Logger }): InstanceRuntime {
  switch (settings.kind) {
    case 'process':
      return createProcessRuntime(settings);
    case 'docker':
      return createDockerRuntime(settings);
    case 'hollow':
      return createHollowRuntime(settings);
    default: {
      const unknown: never = settings;
      throw new Error(`unknown runtime ${(unknown as { kind: RuntimeKind }).kind}`);
    }
  }
}
