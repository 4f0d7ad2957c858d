-- Reserve one request against every limit that applies, atomically: all or nothing.
-- KEYS[1..n]  one key per check: a counter (string) or the scope's in-flight set (sorted set)
-- KEYS[n+1]   the reservation marker (settle deletes it; its absence makes settle a no-op)
-- ARGV[1] now (Unix seconds, float)   ARGV[2] stale-after seconds   ARGV[3] reservation id
-- ARGV[4] marker TTL seconds (0 = no marker: nothing to settle)
-- then 4 per check: type ('c' counter | 'z' in-flight), limit, amount, key TTL seconds
-- Returns {1, used after...} when reserved, {0, used before...} when refused (nothing changed).
local n = #KEYS - 1
local now = tonumber(ARGV[1])
local stale_after = tonumber(ARGV[2])
local member = ARGV[3]
local used = {}
local fits = true
for i = 1, n do
  local base = 4 + (i - 1) * 4
  local count
  if ARGV[base + 1] == 'z' then
    -- In-flight entries of a crashed process never settle: drop the stale ones first.
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - stale_after)
    count = redis.call('ZCARD', KEYS[i])
  else
    count = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  used[i] = count
  if count + tonumber(ARGV[base + 3]) > tonumber(ARGV[base + 2]) then
    fits = false
  end
end
if not fits then
  table.insert(used, 1, 0)
  return used
end
for i = 1, n do
  local base = 4 + (i - 1) * 4
  local amount = tonumber(ARGV[base + 3])
  if ARGV[base + 1] == 'z' then
    redis.call('ZADD', KEYS[i], now, member)
  else
    redis.call('INCRBY', KEYS[i], amount)
  end
  redis.call('EXPIRE', KEYS[i], ARGV[base + 4])
  used[i] = used[i] + amount
end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[n + 1], '1', 'EX', ARGV[4])
end
table.insert(used, 1, 1)
return used
