import { RuntimeOptions, SupervisedRuntime } from '../supervision/supervised-runtime';
import { HollowDriver, HollowOptions } from './hollow-driver';

export type HollowRuntimeOptions = Partial<RuntimeOptions> & Partial<HollowOptions>;

/** Simulated instances for scale tests (see `HollowDriver`), with hooks to make them misbehave. */
export class HollowRuntime extends SupervisedRuntime {
  private readonly hollow: HollowDriver;

  constructor(options: HollowRuntimeOptions = {}) {
    const driver = new HollowDriver(options);
    // No settle time: a simulated failure has already ended when its launch returns.
    super(driver, { settleMs: 0, ...options, probes: driver.probes });
    this.hollow = driver;
  }

  /** Ends a running instance as a crash would. */
  crash(instanceId: string, exitCode = 1): boolean {
    return this.hollow.crash(instanceId, exitCode);
  }

  /** Makes a running instance fail its health checks until it is restarted. */
  sicken(instanceId: string): boolean {
    return this.hollow.sicken(instanceId);
  }
}

export function createHollowRuntime(options: HollowRuntimeOptions = {}): HollowRuntime {
  return new HollowRuntime(options);
}
