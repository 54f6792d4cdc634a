import { RuntimeOptions, SupervisedRuntime } from '../supervision/supervised-runtime';
import type { InstanceRuntime } from '../runtime';
import { ProcessDriver, ProcessDriverOptions } from './process-driver';

export type ProcessRuntimeOptions = Partial<RuntimeOptions> &
  Partial<ProcessDriverOptions> & { stateDir: string };

/** Instances as OS processes on this node (see `ProcessDriver`). */
export function createProcessRuntime(options: ProcessRuntimeOptions): InstanceRuntime {
  return new SupervisedRuntime(new ProcessDriver(options), options);
}
