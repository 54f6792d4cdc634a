import { connect, Socket } from 'node:net';

/**
 * A streamed HTTP/1.1 answer read straight off the socket, so tests see the body's chunks exactly as the
 * server framed them (`fetch` merges them), the way Kontena's CLI reads `follow` streams.
 */
export interface RawStream {
  status: number;
  headers: Record<string, string>;
  /** The body's chunks as they arrived (chunked encoding), or the whole body (content-length). */
  chunks: string[];
  /** Resolves when the body ended (last chunk) or the connection closed. */
  done: Promise<void>;
  ended: boolean;
  /** The server ended the body with its last chunk (rather than the connection just dropping). */
  endedCleanly: boolean;
  until(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
  socket: Socket;
}

export async function openStream(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawStream> {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  let buffer = Buffer.alloc(0);
  let headed = false;
  let chunked = false;
  let length = -1;
  let resolveHead!: () => void;
  let rejectHead!: (error: Error) => void;
  const head = new Promise<void>((resolve, reject) => {
    resolveHead = resolve;
    rejectHead = reject;
  });
  let finish!: () => void;
  const stream: RawStream = {
    status: 0,
    headers: {},
    chunks: [],
    ended: false,
    endedCleanly: false,
    done: new Promise<void>((resolve) => (finish = resolve)),
    socket,
    async until(condition, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; chunks: ${JSON.stringify(stream.chunks.slice(-5))}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => socket.destroy(),
  };
  const end = () => {
    stream.ended = true;
    finish();
  };

  const parse = () => {
    if (!headed) {
      const at = buffer.indexOf('\r\n\r\n');
      if (at < 0) return;
      const [statusLine, ...headerLines] = buffer.subarray(0, at).toString('latin1').split('\r\n');
      stream.status = Number(statusLine.split(' ')[1]);
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        stream.headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      chunked = /chunked/i.test(stream.headers['transfer-encoding'] ?? '');
      length = stream.headers['content-length'] ? Number(stream.headers['content-length']) : -1;
      buffer = buffer.subarray(at + 4);
      headed = true;
      resolveHead();
    }
    if (!chunked) {
      if (length >= 0 && buffer.length >= length) {
        stream.chunks.push(buffer.subarray(0, length).toString('utf8'));
        buffer = Buffer.alloc(0);
        end();
      }
      return;
    }
    for (;;) {
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const size = parseInt(buffer.subarray(0, eol).toString('latin1'), 16);
      if (buffer.length < eol + 2 + size + 2) return;
      if (size === 0) {
        stream.endedCleanly = true;
        end();
        return;
      }
      stream.chunks.push(buffer.subarray(eol + 2, eol + 2 + size).toString('utf8'));
      buffer = buffer.subarray(eol + 2 + size + 2);
    }
  };
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    parse();
  });
  socket.on('close', () => {
    if (!headed) rejectHead(new Error(`connection closed before an answer to ${path}`));
    end();
  });
  socket.on('error', () => undefined);
  await head;
  return stream;
}

/** Server-Sent Events in a body (`id:` and `data:` lines, blank-line separated; comments skipped). */
export function serverSentEvents(body: string): { id?: string; data: string }[] {
  return body
    .split('\n\n')
    .slice(0, -1)
    .map((block) => {
      const event: { id?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('data: ')) event.data += line.slice(6);
      }
      return event;
    })
    .filter((event) => event.data !== '');
}
