/**
 * Applies the read-model ops of an ordered batch of events atomically, each with its stream-revision guard,
 * and moves the checkpoint to the last event (DESIGN.md §4): a crash can never apply an event twice or skip
 * one, and a replayed event is ignored.
 *
 * ARGV: 1 checkpoint key, 2 checkpoint channel, 3 the batch as JSON: `[{rk, rev, cp, s, ops}]` with the
 * stream's revision key, the event's revision, its `$all` position, its stream and its ops. Keys travel in
 * ARGV because they are computed from event data; on Redis Cluster a read-model generation would need one
 * hash tag. After each event the channel gets `<position>|<stream>|<revision of that stream now applied>`,
 * so a writer can wait for its own stream's revision (read-your-writes) whatever else the log holds.
 * Returns each event's status: 'applied', 'duplicate' (already applied) or 'gap' (not the next revision:
 * ignored and reported).
 *
 * ARGV 4 is '1' when the writer has seen this generation's checkpoint: if it is gone, Redis lost the read
 * models (restarted empty, flushed) and the script refuses the whole batch with a `VANISHED` error, so the
 * writer starts over from the beginning of `$all` instead of stacking new events on nothing.
 */
export const READ_MODELS_VANISHED = 'VANISHED';

export const APPLY_SCRIPT = `
if ARGV[4] == '1' and redis.call('EXISTS', ARGV[1]) == 0 then
  return redis.error_reply('${READ_MODELS_VANISHED} the read-model checkpoint is gone')
end
local statuses = {}
-- Each event log's last id time, read once per batch: most entries of a batch go to the same grid's log.
local lastMsOf = {}
local checkpoint = nil
for _, e in ipairs(cjson.decode(ARGV[3])) do
  local current = redis.call('GET', e.rk)
  local revision = tonumber(e.rev)
  local status = 'applied'
  if current and tonumber(current) >= revision then
    status = 'duplicate'
  elseif (not current and revision ~= 0) or (current and tonumber(current) ~= revision - 1) then
    status = 'gap'
  end
  if status == 'applied' then
    for _, o in ipairs(e.ops) do
      local op = o.op
      if op == 'set' then redis.call('SET', o.key, o.value)
      elseif op == 'del' then redis.call('DEL', o.key); lastMsOf[o.key] = nil
      elseif op == 'zadd' then redis.call('ZADD', o.key, o.score, o.member)
      elseif op == 'zrem' then redis.call('ZREM', o.key, o.member)
      elseif op == 'hset' then redis.call('HSET', o.key, o.field, o.value)
      elseif op == 'hdel' then redis.call('HDEL', o.key, o.field)
      elseif op == 'log' then
        for _, l in ipairs(o.logs) do
          local lastMs = lastMsOf[l.key]
          if lastMs == nil then
            local last = redis.call('XREVRANGE', l.key, '+', '-', 'COUNT', 1)
            lastMs = -1
            if #last > 0 then lastMs = tonumber(string.match(last[1][1], '^(%d+)-')) end
          end
          local ms = math.max(o.ms, lastMs)
          redis.call('XADD', l.key, 'MAXLEN', '=', l.maxlen, string.format('%.0f', ms) .. '-*', 'v', o.value)
          lastMsOf[l.key] = ms
        end
      else
        return redis.error_reply('unknown read-model op ' .. tostring(op))
      end
    end
    redis.call('SET', e.rk, e.rev)
  end
  checkpoint = e.cp
  local applied = redis.call('GET', e.rk) or '-1'
  redis.call('PUBLISH', ARGV[2], e.cp .. '|' .. e.s .. '|' .. applied)
  statuses[#statuses + 1] = status
end
if checkpoint then redis.call('SET', ARGV[1], checkpoint) end
return statuses
`;
