import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { EventLogEntry } from '@libs/read-model';
import { HttpProblem } from '../common/http/errors';
import { matcher, EventLogPages } from './event-log-pages';
import { EntryFilter, parseEventLogQuery } from './event-log-query';
import type { LogSubject } from './event-log-subjects';
import { CHUNKED_JSON, LogEntry, LoggedEntry, renderPage, SERVER_SENT_EVENTS } from './event-log.view';
import { EventLogTail, TooManyFollowers } from './follow/event-log-tail';
import { openFollowResponse } from './follow/http-follower';

function both<T extends LogEntry>(a?: EntryFilter<T>, b?: EntryFilter<T>): EntryFilter<T> | undefined {
  return a && b ? (entry) => a(entry) && b(entry) : (a ?? b);
}

/**
 * Answers an event-log route (kontena-behaviour.md §6 "Paging & streaming"): a page `{"logs":[…]}`, or with
 * `follow` the same page followed by every new entry as it is projected, in Kontena's chunked JSON or, for
 * `Accept: text/event-stream`, as Server-Sent Events.
 */
@Injectable()
export class EventLogDelivery {
  constructor(
    private readonly pages: EventLogPages,
    private readonly tail: EventLogTail,
  ) {}

  async answer<T extends LogEntry = EventLogEntry>(
    req: Request,
    res: Response,
    subject: LogSubject<T>,
    filter?: EntryFilter<T>,
  ): Promise<void> {
    const lastEventId = req.headers['last-event-id'];
    const parsed = parseEventLogQuery(req.query as Record<string, unknown>, {
      accept: req.headers.accept,
      lastEventId: Array.isArray(lastEventId) ? lastEventId[lastEventId.length - 1] : lastEventId,
    });
    if (!parsed.ok) throw new HttpProblem(400, { error: parsed.errors });
    const query = parsed.value;
    const only = both(subject.only, filter);

    if (!query.follow) {
      const entries = await this.pages.page(subject.log, query, only);
      res.status(200).type('application/json').send(renderPage(entries));
      return;
    }

    const start = await this.pages.followStart(subject.log, query, only);
    if (req.destroyed || res.destroyed) return;
    const format = query.serverSentEvents ? SERVER_SENT_EVENTS : CHUNKED_JSON;
    try {
      // The tail hands this follower only entries of `subject.log`, which are `T`s.
      const matches = matcher(query, only) as (entry: LoggedEntry<LogEntry>) => boolean;
      const follower = this.tail.follow(subject.log, start, matches, () => openFollowResponse(res, format));
      res.once('close', () => this.tail.unfollow(follower));
    } catch (error) {
      if (error instanceof TooManyFollowers)
        throw new HttpProblem(503, { error: 'Too many event log followers, try again later' });
      throw error;
    }
  }
}
