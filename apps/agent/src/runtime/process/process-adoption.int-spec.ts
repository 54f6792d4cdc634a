// What happens to process instances when the agent dies: they keep running, and the next agent adopts
// them from the state directory instead of starting duplicates. The "previous agent" is a real process
// (test/fixtures/process-agent.js, running the runtime from dist/) killed with SIGKILL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { InstanceRuntime, InstanceSpec, StartOutcome } from '../runtime';
import { Recorder } from '../testing/event-recorder';
import { isSameProcess } from './proc';
import { createProcessRuntime } from './process-runtime';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const SERVICE = join(ROOT, 'test', 'fixtures', 'http-service.js');
const AGENT = join(ROOT, 'test', 'fixtures', 'process-agent.js');

let stateDir: string;
let runtime: InstanceRuntime | null = null;
let recorder: Recorder | null = null;
let counter = 0;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'process-adoption-'));
});

afterEach(async () => {
  if (runtime) {
    for (const state of await runtime.list()) await runtime.remove(state.instanceId);
    recorder?.stop();
    await runtime.close();
  }
  runtime = null;
  rmSync(stateDir, { recursive: true, force: true });
});

function serviceSpec(): InstanceSpec {
  const n = ++counter;
  return {
    instanceId: `test-grid/null/adopted/${n}`,
    name: `adopted-${n}`,
    service_revision: 1,
    deploy_rev: 'rev-1',
    image: 'unused',
    cmd: [process.execPath, SERVICE],
    env: { NAME: `adopted-${n}-${process.pid}` },
    ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
    wait_for_port: 8080,
    stop_grace_period: 2,
    labels: {},
  };
}

/** Runs a previous agent that starts `spec`, and kills it (SIGKILL: no chance to clean up) when told. */
async function previousAgent(
  spec: InstanceSpec,
): Promise<{ outcome: StartOutcome; kill: () => Promise<void> }> {
  const agent = spawn(process.execPath, [AGENT, stateDir, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => agent.once('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: agent.stdout! }).once('line', resolve);
    agent.once('exit', (code) => reject(new Error(`the previous agent exited with ${code}`)));
  });
  return {
    outcome: JSON.parse(line) as StartOutcome,
    kill: async () => {
      agent.kill('SIGKILL');
      await exited;
    },
  };
}

function nextAgent(): { runtime: InstanceRuntime; recorder: Recorder } {
  runtime = createProcessRuntime({
    stateDir,
    settleMs: 200,
    waitForPortIntervalMs: 50,
    logPollMs: 100,
    exitPollMs: 50,
    backoff: { unitMs: 50, maxMs: 500, resetAfterMs: 10_000 },
  });
  recorder = new Recorder(runtime);
  return { runtime, recorder };
}

/** Processes on the node running the fixture with this instance's env (its NAME is unique). */
function processesOf(spec: InstanceSpec): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(SERVICE) &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`NAME=${spec.env.NAME}`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function get(port: number, path: string): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) })).text();
}

describe('after the agent dies', () => {
  it('the instance keeps running and the next agent adopts it, never starting a duplicate', async () => {
    const spec = serviceSpec();
    const previous = await previousAgent(spec);
    expect(previous.outcome).toMatchObject({ ok: true, action: 'created', state: { status: 'running' } });
    const { pid, ports } = (previous.outcome as Extract<StartOutcome, { ok: true }>).state;
    await previous.kill();
    expect(await isSameProcess(pid!, null)).toBe(true);

    const next = nextAgent();
    const list = await next.runtime.list();
    expect(list).toEqual([
      expect.objectContaining({
        instanceId: spec.instanceId,
        status: 'running',
        supervised: false,
        pid,
        ports,
      }),
    ]);
    expect(await next.recorder.next(spec.instanceId, 'adopted')).toMatchObject({ status: 'running' });

    const outcome = await next.runtime.start(spec);
    expect(outcome).toMatchObject({ ok: true, action: 'unchanged', state: { pid, supervised: true } });
    expect(processesOf(spec)).toEqual([pid]);
    expect(await get(ports[0].host_port, '/')).toBe(`hello ${spec.env.NAME}`);
  });

  it('the next agent reads the log lines written while no agent was there, and not the ones already read', async () => {
    const spec = serviceSpec();
    const previous = await previousAgent(spec);
    const port = (previous.outcome as Extract<StartOutcome, { ok: true }>).state.ports[0].host_port;
    await get(port, '/log?n=3');
    // Let the previous agent read them and write its offsets down (every 100 ms in the fixture).
    await new Promise((r) => setTimeout(r, 500));
    await previous.kill();
    await get(port, '/log?n=5');

    const next = nextAgent();
    await next.runtime.list();
    await next.recorder.waitFor(
      () => next.recorder.logText(spec.instanceId, 'stderr').length >= 5,
      5_000,
      () => '5 stderr lines',
    );
    expect(next.recorder.logText(spec.instanceId, 'stderr')).toEqual([
      'err 1',
      'err 2',
      'err 3',
      'err 4',
      'err 5',
    ]);
    expect(next.recorder.logText(spec.instanceId, 'stdout')).toEqual([
      'out 1',
      'out 2',
      'out 3',
      'out 4',
      'out 5',
    ]);
  });

  it('an adopted instance with its spec back is supervised: a crash is restarted', async () => {
    const spec = serviceSpec();
    const previous = await previousAgent(spec);
    const pid = (previous.outcome as Extract<StartOutcome, { ok: true }>).state.pid!;
    await previous.kill();
    const next = nextAgent();
    await next.runtime.start(spec);
    process.kill(pid, 'SIGKILL');
    // Not our child: the exit is seen through /proc and its code is unknown.
    expect(await next.recorder.next(spec.instanceId, 'exited')).toMatchObject({ exit_code: null });
    await next.recorder.next(spec.instanceId, 'crashed');
    await next.recorder.next(spec.instanceId, 'running');
    const state = (await next.runtime.inspect(spec.instanceId))!;
    expect(state.pid).not.toBe(pid);
    expect(processesOf(spec)).toEqual([state.pid]);
  });

  it('an instance that died while no agent watched is reported exited, and started again with its spec', async () => {
    const spec = serviceSpec();
    const previous = await previousAgent(spec);
    const pid = (previous.outcome as Extract<StartOutcome, { ok: true }>).state.pid!;
    await previous.kill();
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));

    const next = nextAgent();
    expect(await next.runtime.list()).toEqual([
      expect.objectContaining({ status: 'exited', exit_code: null, pid: null }),
    ]);
    const outcome = await next.runtime.start(spec);
    expect(outcome).toMatchObject({ ok: true, action: 'started', state: { status: 'running' } });
    expect(processesOf(spec)).toHaveLength(1);
  });

  it('stops an adopted instance gracefully, leaving no process behind', async () => {
    const spec = serviceSpec();
    const previous = await previousAgent(spec);
    await previous.kill();
    const next = nextAgent();
    await next.runtime.list();
    const outcome = await next.runtime.stop(spec.instanceId);
    expect(outcome).toMatchObject({ ok: true, killed: false, state: { status: 'stopped' } });
    expect(processesOf(spec)).toEqual([]);
    expect(next.recorder.logText(spec.instanceId, 'stdout')).toContain('got SIGTERM, shutting down');
  });

  it('a closed runtime leaves its instances running for the next one', async () => {
    const spec = serviceSpec();
    const first = nextAgent();
    const started = await first.runtime.start(spec);
    first.recorder.stop();
    await first.runtime.close();
    const pid = (started as Extract<StartOutcome, { ok: true }>).state.pid!;
    expect(await isSameProcess(pid, null)).toBe(true);
    const second = nextAgent();
    expect(await second.runtime.start(spec)).toMatchObject({ ok: true, action: 'unchanged', state: { pid } });
  });
});
