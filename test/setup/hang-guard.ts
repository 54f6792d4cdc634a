// Integration and end-to-end tests start real processes on a loaded two-core machine: this bounds a hang,
// it times nothing (benchmarks do that). Tests that need longer say so themselves.
jest.setTimeout(Number(process.env.TEST_HANG_GUARD_MS ?? 60_000));
