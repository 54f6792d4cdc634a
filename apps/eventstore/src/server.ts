import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from '@libs/logging';
import { Access, UserDirectory } from './grpc/auth';
import { appendHandler } from './grpc/append';
import { batchAppendHandler } from './grpc/batch-append';
import { Lifecycle, ServiceContext } from './grpc/context';
import { deleteHandler, tombstoneHandler } from './grpc/delete';
import { gossipHandler, supportedMethodsHandler } from './grpc/discovery';
import { GossipService, ServerFeaturesService, StreamsService } from './grpc/protocol';
import { readHandler } from './grpc/read';
import { EventLog, openFileEventLog, openMemoryEventLog } from './storage/event-log';

export type StorageOptions =
  { readonly kind: 'memory' } | { readonly kind: 'file'; readonly dataDir: string };

export interface TlsOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Only used to verify client certificates, which are not required. */
  readonly ca?: Buffer;
}

export interface EventStoreServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly storage: StorageOptions;
  /** With TLS the server also requires basic authentication, as a secure node does. */
  readonly tls?: TlsOptions;
  /** Password of the `admin` user created on the very first start. */
  readonly adminPassword: string;
  readonly logger: Logger;
}

export interface EventStoreServer {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Stops accepting, lets in-flight writes commit and be answered, ends the rest, closes storage. */
  close(): Promise<void>;
}

/** Clients' messages can be large; the real node accepts what its log can hold (~16 MiB). */
const MAX_MESSAGE_BYTES = 17 * 1024 * 1024;

/** How long `close` lets calls finish before cutting them off. */
const SHUTDOWN_GRACE_MS = 5000;

/**
 * An EventStoreDB-wire-compatible gRPC server. The project runs it as its own process
 * (`main.ts`): the generated protocol modules it uses register process-global names that would
 * clash with another client version loaded next to it (spec §5 gotcha 2).
 */
export async function createEventStoreServer(options: EventStoreServerOptions): Promise<EventStoreServer> {
  const instanceId = randomUUID();
  const { logger } = options;
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    // Pings find peers that vanished without closing, so their subscriptions get cleaned up.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
  });
  const log: EventLog =
    options.storage.kind === 'memory'
      ? openMemoryEventLog({ adminPassword: options.adminPassword, instanceId })
      : await openFileEventLog(options.storage.dataDir, {
          adminPassword: options.adminPassword,
          instanceId,
          onFatal: (error) => {
            logger.fatal({ err: error }, 'storage writer failed; stopping');
            server.forceShutdown();
            process.exitCode = 1;
          },
        });

  const access: Access = options.tls
    ? { enabled: true, users: new UserDirectory(log.reader) }
    : { enabled: false };
  const lifecycle = new Lifecycle();
  const ctx: ServiceContext = { log, access, lifecycle, logger };

  server.addService(StreamsService, {
    read: readHandler(ctx),
    append: appendHandler(ctx),
    delete: deleteHandler(ctx),
    tombstone: tombstoneHandler(ctx),
    batchAppend: batchAppendHandler(ctx),
  });
  server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethodsHandler() });
  let port = 0;
  server.addService(GossipService, { read: gossipHandler(() => ({ instanceId, host: options.host, port })) });

  const credentials = options.tls
    ? ServerCredentials.createSsl(
        options.tls.ca ?? null,
        [{ cert_chain: options.tls.cert, private_key: options.tls.key }],
        false,
      )
    : ServerCredentials.createInsecure();
  try {
    port = await bind(server, options.host, options.port, credentials);
  } catch (error) {
    await log.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    tls: options.tls !== undefined,
    close: () =>
      (closing ??= (async () => {
        lifecycle.beginClose();
        await new Promise<void>((resolve) => {
          const cutOff = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, SHUTDOWN_GRACE_MS);
          server.tryShutdown(() => {
            clearTimeout(cutOff);
            resolve();
          });
        });
        const stats = await log.close();
        logger.info(
          {
            ...stats,
            commandsPerTransaction: stats.transactions && +(stats.commands / stats.transactions).toFixed(1),
          },
          'storage closed',
        );
      })()),
  };
}

function bind(server: Server, host: string, port: number, credentials: ServerCredentials): Promise<number> {
  const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) =>
    server.bindAsync(address, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
}
