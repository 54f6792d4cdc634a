import type { handleServerStreamingCall } from '@grpc/grpc-js';
import { ALL_STREAM } from '../domain/stream-names';
import { assertStreamAccess, callerOf } from './auth';
import type { ServiceContext } from './context';
import type { streamsPb } from './protocol';
import { parseReadRequest } from './read-request';
import { readAll, readStream } from './reads';
import { ResponseStream } from './response-stream';
import { rpcErrors, RpcFailure } from './rpc-errors';
import { subscribeToAll, subscribeToStream } from './subscriptions';

/** `Streams.Read`: stream and `$all` reads and subscriptions (spec §2.3). */
export function readHandler(
  ctx: ServiceContext,
): handleServerStreamingCall<streamsPb.ReadReq, streamsPb.ReadResp> {
  return (call) => {
    const out = new ResponseStream<streamsPb.ReadResp>(call);
    // Long reads and subscriptions end with UNAVAILABLE when the server stops, so clients reconnect.
    const unregister = ctx.lifecycle.onClose(() =>
      out.fail(rpcErrors.unavailable('Server is shutting down')),
    );
    void (async () => {
      if (ctx.lifecycle.closing) throw rpcErrors.unavailable('Server is shutting down');
      const caller = callerOf(ctx.access, call.metadata);
      const request = parseReadRequest(call.request);
      assertStreamAccess(ctx.access, caller, 'stream' in request ? request.stream : ALL_STREAM);
      switch (request.kind) {
        case 'read_stream':
          return readStream(out, ctx.log.reader, request);
        case 'read_all':
          return readAll(out, ctx.log.reader, request);
        case 'subscribe_stream':
          return subscribeToStream(out, ctx.log, request);
        case 'subscribe_all':
          return subscribeToAll(out, ctx.log, request);
      }
    })()
      .catch((error: unknown) => {
        if (!(error instanceof RpcFailure)) ctx.logger.error({ err: error }, 'read failed');
        out.fail(error);
      })
      .finally(() => {
        unregister();
        ctx.logger.debug({ openCalls: ctx.lifecycle.openCalls }, 'read ended');
      });
  };
}
