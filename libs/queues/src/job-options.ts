import type { JobsOptions } from 'bullmq';

/** Finished jobs are kept for inspection, within limits (DESIGN.md §6, BullMQ going-to-production). */
export const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { count: 1_000, age: 3_600 },
  removeOnFail: { count: 5_000, age: 24 * 3_600 },
};

/** Transient failures retry with exponential back-off; `UnrecoverableError` stops at once. */
export const RETRYING: Pick<JobsOptions, 'attempts' | 'backoff'> = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 250 },
};
