import type { handleUnaryCall } from '@grpc/grpc-js';
import { assertStreamAccess, callerOf } from './auth';
import type { ServiceContext } from './context';
import { sharedPb, streamsPb } from './protocol';
import { rpcErrors, toRpcStatus } from './rpc-errors';
import { expectedRevisionOf, streamNameOf } from './wire';

type DeleteKind = 'delete' | 'tombstone';

/**
 * `Streams.Delete` (soft) and `Streams.Tombstone` (hard), spec §3.3. Unlike appends, their wrong
 * expected version travels as trailers; the real server names the operation "Delete" in both.
 */
function deletion<Request extends streamsPb.DeleteReq | streamsPb.TombstoneReq, Response>(
  kind: DeleteKind,
  ctx: ServiceContext,
  respond: (position: number) => Response,
): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    void (async () => {
      if (ctx.lifecycle.closing) throw rpcErrors.unavailable('Server is shutting down');
      const caller = callerOf(ctx.access, call.metadata);
      const options = call.request.getOptions();
      if (!options) throw rpcErrors.invalidArgument('options is a required argument');
      const stream = streamNameOf(options.getStreamIdentifier());
      const expected = expectedRevisionOf(options);
      assertStreamAccess(ctx.access, caller, stream);
      const result = await ctx.log.write({ kind, stream, expected });
      switch (result.kind) {
        case 'written':
          return respond(result.position);
        case 'wrong_expected_version':
          throw rpcErrors.wrongExpectedVersion('Delete', stream, expected, result.currentRevision);
        case 'stream_deleted':
          throw rpcErrors.streamDeleted(stream);
        case 'failed':
          throw rpcErrors.unknown(result.message);
      }
    })().then(
      (response) => callback(null, response),
      (error: unknown) => callback(toRpcStatus(error)),
    );
  };
}

export function deleteHandler(
  ctx: ServiceContext,
): handleUnaryCall<streamsPb.DeleteReq, streamsPb.DeleteResp> {
  return deletion('delete', ctx, (position) =>
    position < 0
      ? new streamsPb.DeleteResp().setNoPosition(new sharedPb.Empty())
      : new streamsPb.DeleteResp().setPosition(
          new streamsPb.DeleteResp.Position()
            .setCommitPosition(String(position))
            .setPreparePosition(String(position)),
        ),
  );
}

export function tombstoneHandler(
  ctx: ServiceContext,
): handleUnaryCall<streamsPb.TombstoneReq, streamsPb.TombstoneResp> {
  return deletion('tombstone', ctx, (position) =>
    position < 0
      ? new streamsPb.TombstoneResp().setNoPosition(new sharedPb.Empty())
      : new streamsPb.TombstoneResp().setPosition(
          new streamsPb.TombstoneResp.Position()
            .setCommitPosition(String(position))
            .setPreparePosition(String(position)),
        ),
  );
}
