import type { ServerWritableStream } from '@grpc/grpc-js';
import { toRpcStatus } from './rpc-errors';

/**
 * The sending side of a server-streaming call, with gRPC backpressure: `send` says whether the
 * transport wants more, and `drained` waits until it does (or the call is gone). `closed` aborts
 * when the client cancels or disconnects, so readers and subscriptions stop and clean up.
 */
export class ResponseStream<Message> {
  private readonly abort = new AbortController();
  private ended = false;

  constructor(private readonly call: ServerWritableStream<unknown, Message>) {
    const close = () => this.abort.abort();
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  }

  /** Aborted once the call can no longer be written to. */
  get closed(): AbortSignal {
    return this.abort.signal;
  }

  get isOpen(): boolean {
    return !this.abort.signal.aborted && !this.ended;
  }

  /** Returns false when the caller should wait for `drained()` before sending more. */
  send(message: Message): boolean {
    if (!this.isOpen) return false;
    return this.call.write(message);
  }

  drained(): Promise<void> {
    if (!this.isOpen || !this.call.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      this.call.on('drain', done);
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  end(): void {
    if (!this.isOpen) return;
    this.ended = true;
    this.call.end();
  }

  /** Ends the call with a status and trailers (spec §5 gotcha 3: emit 'error', never destroy). */
  fail(error: unknown): void {
    if (!this.isOpen) return;
    this.ended = true;
    this.call.emit('error', toRpcStatus(error));
  }
}
