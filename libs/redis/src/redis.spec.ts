import { isRedisUnavailable } from './redis';

describe('isRedisUnavailable', () => {
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('recognises the ways ioredis fails a command it could not send', () => {
    expect(
      isRedisUnavailable(
        named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 2).'),
      ),
    ).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(
      isRedisUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
    expect(isRedisUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(true);
  });

  it('leaves errors Redis itself answered, and everything else, alone', () => {
    expect(
      isRedisUnavailable(
        named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'),
      ),
    ).toBe(false);
    expect(isRedisUnavailable(new Error('boom'))).toBe(false);
    expect(isRedisUnavailable('Connection is closed.')).toBe(false);
  });
});
