import type { Response } from 'express';
import type { FollowFormat, LoggedEntry } from '../event-log.view';
import type { FollowerSink } from './event-log-tail';

/**
 * A follower's HTTP response: chunked (no `Content-Length`), one `write` per entry so each entry is its own
 * chunk, never buffered by proxies (`X-Accel-Buffering`).
 */
export function openFollowResponse(res: Response, format: FollowFormat): FollowerSink {
  res.status(200);
  res.setHeader('Content-Type', format.contentType);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  if (format.opening) res.write(format.opening);
  return {
    send: (entry: LoggedEntry) => res.write(format.entry(entry)),
    keepAlive: () => res.write(format.keepAlive),
    onDrain: (listener) => res.once('drain', listener),
    end: () => res.end(),
    destroy: () => res.destroy(),
  };
}
