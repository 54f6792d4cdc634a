import { request } from 'node:http';
import { Socket } from 'node:net';
import type { ProbeResult } from './health-verdict';

/** Probes the health check and `wait_for_port` use; injectable so the lifecycle can be tested without sockets. */
export interface Probes {
  tcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult>;
  http(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult>;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** The port accepts a connection (agent `helpers/port_helper.rb#port_open?`). */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: `timed out after ${seconds(timeoutMs)}` }));
    socket.once('connect', () => done({ ok: true, detail: 'open' }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, detail: error.code === 'ECONNREFUSED' ? 'connection refused' : error.message }),
    );
    socket.connect(port, host);
  });
}

/**
 * A GET answered with 200–399 within the timeout; redirects are not followed (agent
 * `workers/container_health_check_worker.rb`).
 */
export function httpProbe(host: string, port: number, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(
      {
        host,
        port,
        path: path || '/',
        method: 'GET',
        headers: { 'user-agent': 'kontena-es-agent' },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        done({ ok: status >= 200 && status <= 399, detail: `HTTP ${status}` });
      },
    );
    const timer = setTimeout(
      () => done({ ok: false, detail: `timed out after ${seconds(timeoutMs)}` }),
      timeoutMs,
    );
    req.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, detail: error.code === 'ECONNREFUSED' ? 'connection refused' : error.message }),
    );
    req.end();
  });
}

export const networkProbes: Probes = { tcp: tcpProbe, http: httpProbe };
