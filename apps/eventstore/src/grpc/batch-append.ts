import type { handleBidiStreamingCall } from '@grpc/grpc-js';
import type { ExpectedRevision } from '../domain/expected-revision';
import { NO_STREAM, revisionToWire } from '../domain/revisions';
import type { ProposedEvent, WriteResult } from '../storage/records';
import { assertStreamAccess, Caller, callerOf } from './auth';
import type { ServiceContext } from './context';
import { GoogleEmpty, sharedPb, statusPb, streamsPb } from './protocol';
import { appendSize, parseWireUuid, toProposedEvent } from './proposed-events';
import { batchAppendStatus, MAX_APPEND_SIZE, rpcErrors, RpcFailure, toRpcStatus } from './rpc-errors';
import { batchExpectedRevisionOf, streamNameOf } from './wire';

/** The real server's default write timeout, which caps the client's requested deadline. */
const WRITE_TIMEOUT_MS = 2000;

interface PendingAppend {
  readonly stream: string;
  readonly identifier: sharedPb.StreamIdentifier;
  readonly expected: ExpectedRevision;
  readonly events: ProposedEvent[];
  size: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * `Streams.BatchAppend` (bidi): one long-lived stream per client carrying many appends, told apart
 * by correlation id, each possibly split into chunks until `is_final` (spec §2.2). Every append
 * gets exactly one response, echoing its correlation id and stream; failures are a
 * `google.rpc.Status` with a packed detail (gotcha 4).
 */
export function batchAppendHandler(
  ctx: ServiceContext,
): handleBidiStreamingCall<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp> {
  return (call) => {
    let caller: Caller;
    try {
      caller = callerOf(ctx.access, call.metadata);
    } catch (error) {
      call.emit('error', toRpcStatus(error));
      return;
    }

    const pending = new Map<string, PendingAppend>();
    let outstanding = 0;
    let inputEnded = false;
    let open = true;

    const close = () => {
      open = false;
      for (const append of pending.values()) clearTimeout(append.timer);
      pending.clear();
      unregister();
    };
    const respond = (response: streamsPb.BatchAppendResp) => {
      if (open) call.write(response);
    };
    // Once the client stopped sending, end after the last answer. When the server stops, end with
    // UNAVAILABLE instead: the client then rejects whatever it still waits for and reconnects.
    const endWhenIdle = () => {
      if (!open || outstanding > 0) return;
      if (inputEnded) {
        close();
        call.end();
      } else if (ctx.lifecycle.closing) {
        close();
        call.emit('error', rpcErrors.unavailable('Server is shutting down').toStatus());
      }
    };
    const unregister = ctx.lifecycle.onClose(endWhenIdle);
    call.on('cancelled', close);
    call.on('error', close);
    call.on('end', () => {
      inputEnded = true;
      endWhenIdle();
    });

    call.on('data', (request: streamsPb.BatchAppendReq) => {
      if (!open || ctx.lifecycle.closing) return;
      const correlationId = request.getCorrelationId();
      const key = parseWireUuid(correlationId);
      const reply = (identifier: sharedPb.StreamIdentifier | undefined) => {
        const response = new streamsPb.BatchAppendResp().setStreamIdentifier(
          identifier ?? new sharedPb.StreamIdentifier(),
        );
        if (correlationId) response.setCorrelationId(correlationId);
        return response;
      };
      const options = request.getOptions();
      if (key === undefined) {
        respond(
          reply(options?.getStreamIdentifier()).setError(
            batchAppendStatus.badRequest('correlation_id is not a valid UUID'),
          ),
        );
        return;
      }

      if (options && !pending.has(key)) {
        const started = startAppend(options, caller, ctx);
        if (started instanceof statusPb.Status) {
          respond(reply(options.getStreamIdentifier()).setError(started));
          return;
        }
        const timer = setTimeout(() => {
          const timedOut = pending.get(key);
          if (!timedOut) return;
          pending.delete(key);
          respond(reply(timedOut.identifier).setError(batchAppendStatus.timeout()));
        }, started.timeoutMs);
        pending.set(key, { ...started, events: [], size: 0, timer });
      }

      const append = pending.get(key);
      if (!append) return;
      const abandon = (status: statusPb.Status) => {
        clearTimeout(append.timer);
        pending.delete(key);
        respond(reply(append.identifier).setError(status));
      };
      try {
        for (const message of request.getProposedMessagesList()) {
          const event = toProposedEvent(message);
          append.size += appendSize(event);
          append.events.push(event);
        }
      } catch (error) {
        // The real server reports a malformed proposed message as a BadRequest for that append.
        abandon(batchAppendStatus.badRequest(error instanceof RpcFailure ? error.details : String(error)));
        return;
      }
      if (append.size > MAX_APPEND_SIZE) {
        abandon(batchAppendStatus.maximumAppendSizeExceeded());
        return;
      }
      if (!request.getIsFinal()) return;

      clearTimeout(append.timer);
      pending.delete(key);
      outstanding += 1;
      const { stream, expected, events, identifier } = append;
      void ctx.log.write({ kind: 'append', stream, expected, events }).then((result) => {
        outstanding -= 1;
        respond(toBatchAppendResponse(result, identifier, expected, reply(identifier)));
        endWhenIdle();
      });
    });
  };
}

type StartedAppend = Pick<PendingAppend, 'stream' | 'identifier' | 'expected'> & {
  readonly timeoutMs: number;
};

/** Checks an append's options; a failure is the status to answer it with. */
function startAppend(
  options: streamsPb.BatchAppendReq.Options,
  caller: Caller,
  ctx: ServiceContext,
): StartedAppend | statusPb.Status {
  const identifier = options.getStreamIdentifier();
  if (!identifier) return batchAppendStatus.badRequest('Required field StreamIdentifier not set.');
  try {
    const stream = streamNameOf(identifier);
    try {
      assertStreamAccess(ctx.access, caller, stream);
    } catch {
      return batchAppendStatus.accessDenied();
    }
    const expected = batchExpectedRevisionOf(options);
    const deadline = options.getDeadline();
    const timeoutMs = Math.min(
      deadline ? deadline.toDate().getTime() - Date.now() : Infinity,
      WRITE_TIMEOUT_MS,
    );
    if (timeoutMs <= 0) return batchAppendStatus.timeout();
    return { stream, identifier, expected, timeoutMs };
  } catch (error) {
    return batchAppendStatus.badRequest(error instanceof RpcFailure ? error.details : String(error));
  }
}

function toBatchAppendResponse(
  result: WriteResult,
  identifier: sharedPb.StreamIdentifier,
  expected: ExpectedRevision,
  response: streamsPb.BatchAppendResp,
): streamsPb.BatchAppendResp {
  switch (result.kind) {
    case 'written': {
      const success = new streamsPb.BatchAppendResp.Success();
      if (result.currentRevision === NO_STREAM) success.setNoStream(new GoogleEmpty());
      else success.setCurrentRevision(revisionToWire(result.currentRevision));
      if (result.position < 0) success.setNoPosition(new GoogleEmpty());
      else
        success.setPosition(
          new sharedPb.AllStreamPosition()
            .setCommitPosition(String(result.position))
            .setPreparePosition(String(result.position)),
        );
      return response.setSuccess(success);
    }
    case 'wrong_expected_version':
      return response.setError(batchAppendStatus.wrongExpectedVersion(result.currentRevision, expected));
    case 'stream_deleted':
      return response.setError(batchAppendStatus.streamDeleted(identifier));
    case 'failed':
      return response.setError(batchAppendStatus.unknown());
  }
}
