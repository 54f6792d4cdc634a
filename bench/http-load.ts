import { Agent, request } from 'node:http';

/**
 * The load generator's HTTP client: `node:http` over kept-alive sockets, reading only the status and the
 * `Server-Timing` header. The tests' `ApiClient` (fetch, a timeout signal and a parsed body per request) cost
 * ~1.2 ms of CPU per request here, on the same two cores as the system it measured.
 */
export class HttpLoad {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
  ) {
    this.url = new URL(baseUrl);
  }

  post(path: string, body: unknown): Promise<{ status: number; serverTiming: string | undefined }> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: {
            accept: 'application/json',
            authorization: `Bearer ${this.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          res.resume();
          res.on('error', reject);
          res.on('end', () => {
            const timing = res.headers['server-timing'];
            resolve({
              status: res.statusCode ?? 0,
              serverTiming: Array.isArray(timing) ? timing.join(', ') : timing,
            });
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`POST ${path} timed out after 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
