import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * A free host port, as the kernel picks one for a bind to port 0, not among `reserved` (ports this
 * runtime already handed out but whose instance may not be listening yet). The port is free when we
 * look; another program could still take it before the instance binds, which then fails its start with
 * the instance's own error.
 */
export async function freeHostPort(
  protocol: 'tcp' | 'udp',
  reserved: (port: number) => boolean,
): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = protocol === 'tcp' ? await freeTcpPort() : await freeUdpPort();
    if (!reserved(port)) return port;
  }
  throw new Error(`no free ${protocol} host port found`);
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.unref();
    socket.once('error', reject);
    socket.bind(0, '0.0.0.0', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
