-- Replace a reservation's estimates by the real figures and free its concurrency slot, once.
-- KEYS[1..n]  counters to adjust or in-flight sets to leave    KEYS[n+1]  the reservation marker
-- ARGV[1] reservation id, then 2 per key: type ('c' | 'z'), delta (actual - reserved)
-- Returns 1 when settled now, 0 when it was settled before (or its marker expired).
local n = #KEYS - 1
if redis.call('DEL', KEYS[n + 1]) == 0 then
  return 0
end
for i = 1, n do
  if ARGV[2 * i] == 'z' then
    redis.call('ZREM', KEYS[i], ARGV[1])
  elseif redis.call('EXISTS', KEYS[i]) == 1 then
    -- A counter whose window has ended is gone; recreating it would leave a key without TTL.
    if redis.call('INCRBY', KEYS[i], ARGV[2 * i + 1]) < 0 then
      redis.call('SET', KEYS[i], '0', 'KEEPTTL')
    end
  end
end
return 1
