/**
 * Lua scripts for every transition that touches more than one key or must check-and-set atomically.
 * Shared layout: KEYS = [record, activePointer, activeSet, recent, tombstone, idempotency?]
 *                ARGV = [ttlSeconds, nowMs, taskId, ...script arguments]
 */

const PRELUDE = `
local ttl = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local id = ARGV[3]
-- Keep every key of the task alive together (Valkey Serverless evicts keys without a TTL first).
local function touch()
  redis.call('EXPIRE', KEYS[1], ttl)
  if redis.call('GET', KEYS[2]) == id then redis.call('EXPIRE', KEYS[2], ttl) end
  if redis.call('ZSCORE', KEYS[3], id) then redis.call('ZADD', KEYS[3], now + ttl * 1000, id) end
  redis.call('EXPIRE', KEYS[3], ttl)
  redis.call('EXPIRE', KEYS[4], ttl)
end
-- The task leaves the active phases: free its slot for the type and for the owner's cap.
local function release()
  if redis.call('GET', KEYS[2]) == id then redis.call('DEL', KEYS[2]) end
  redis.call('ZREM', KEYS[3], id)
end
local function holds(token)
  return redis.call('HGET', KEYS[1], 'phase') == 'running' and redis.call('HGET', KEYS[1], 'leaseToken') == token
end
`;

/** ARGV[4]=maxActive ARGV[5]=useIdempotency ARGV[6]=createdAt ARGV[7..]=record fields. */
export const REGISTER = `${PRELUDE}
if ARGV[5] == '1' then
  local existing = redis.call('GET', KEYS[6])
  if existing then return {'idempotent', existing} end
end
local active = redis.call('GET', KEYS[2])
if active then return {'conflict', active} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return {'cap', ''} end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('SET', KEYS[2], id, 'EX', ttl)
redis.call('ZADD', KEYS[3], now + ttl * 1000, id)
redis.call('ZADD', KEYS[4], tonumber(ARGV[6]), id)
-- Remembered for a day (Stripe's window) even after the task ends; a pointer that outlives its task is dropped
-- by the next registration that meets it.
if ARGV[5] == '1' then redis.call('SET', KEYS[6], id, 'EX', math.max(ttl, 86400)) end
touch()
return {'created', id}
`;

/** Compare-and-delete: drops a pointer only if it still names the given task. KEYS[1]=pointer ARGV[1]=id. */
export const DROP_POINTER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Removes a registration whose queue message could not be sent. ARGV[4]=tombstoneTtl. A send that failed only
 * from the client's point of view may still have queued the message: the tombstone keeps it from running.
 */
export const ABANDON = `${PRELUDE}
release()
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[4], id)
redis.call('SET', KEYS[5], 'abandoned', 'EX', tonumber(ARGV[4]))
if KEYS[6] and redis.call('GET', KEYS[6]) == id then redis.call('DEL', KEYS[6]) end
return 1
`;

/** ARGV[4]=from phase ARGV[5]=to phase. Returns 1 when the task was in the from phase. */
export const MOVE = `${PRELUDE}
if redis.call('HGET', KEYS[1], 'phase') ~= ARGV[4] then return 0 end
redis.call('HSET', KEYS[1], 'phase', ARGV[5], 'updatedAt', now)
touch()
return 1
`;

/** ARGV[4]=tombstoneTtl ARGV[5]=message ARGV[6]='1' to delete the record too (clear). */
export const CANCEL = `${PRELUDE}
local phase = redis.call('HGET', KEYS[1], 'phase')
if not phase then return 'not_found' end
local wasActive = phase == 'awaiting_upload' or phase == 'queued' or phase == 'running'
if wasActive then
  redis.call('HSET', KEYS[1], 'phase', 'cancelled', 'message', ARGV[5], 'finishedAt', now, 'updatedAt', now, 'leaseToken', '')
  release()
end
if wasActive or ARGV[6] == '1' then
  -- A replayed message of a cancelled or cleared task must not bring it back.
  redis.call('SET', KEYS[5], phase, 'EX', tonumber(ARGV[4]))
end
if ARGV[6] == '1' then
  release()
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], id)
  return 'cleared'
end
touch()
if wasActive then return 'cancelled' end
return 'not_active'
`;

/**
 * ARGV[4]=leaseMs ARGV[5]=token ARGV[6..]=record fields from the queue message, used only when the record
 * expired (a replay from the DLQ re-creates it).
 */
export const CLAIM = `${PRELUDE}
if redis.call('EXISTS', KEYS[5]) == 1 then return {'skip', 'cancelled'} end
local phase = redis.call('HGET', KEYS[1], 'phase')
if not phase then
  redis.call('HSET', KEYS[1], unpack(ARGV, 6))
  redis.call('ZADD', KEYS[4], tonumber(redis.call('HGET', KEYS[1], 'createdAt')), id)
  phase = 'queued'
end
if phase == 'succeeded' or phase == 'cancelled' or phase == 'awaiting_upload' then return {'skip', phase} end
if phase == 'running' and tonumber(redis.call('HGET', KEYS[1], 'leaseUntil') or '0') > now then return {'busy', ''} end
redis.call('HSET', KEYS[1], 'phase', 'running', 'leaseToken', ARGV[5], 'leaseUntil', now + tonumber(ARGV[4]),
  'startedAt', now, 'updatedAt', now, 'finishedAt', '', 'message', '', 'result', '')
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
-- Back in the active set (a replayed failed task); keep another active task's pointer if there is one.
redis.call('SET', KEYS[2], id, 'EX', ttl, 'NX')
redis.call('ZADD', KEYS[3], now + ttl * 1000, id)
touch()
return {'claimed', ''}
`;

/** Outcome for a worker whose lease is gone: cancelled (or cleared) by the owner, or taken over. */
const LOST = `
local function lost()
  if redis.call('EXISTS', KEYS[5]) == 1 or redis.call('HGET', KEYS[1], 'phase') == 'cancelled' then return 'cancelled' end
  return 'lost'
end
`;

/** ARGV[4]=leaseMs ARGV[5]=token ARGV[6]=processed ARGV[7]=total ('' unknown). Also the heartbeat. */
export const CHECKPOINT = `${PRELUDE}${LOST}
if not holds(ARGV[5]) then return lost() end
local processed = math.max(tonumber(redis.call('HGET', KEYS[1], 'processed') or '0'), tonumber(ARGV[6]))
redis.call('HSET', KEYS[1], 'processed', processed, 'updatedAt', now, 'leaseUntil', now + tonumber(ARGV[4]))
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'total', ARGV[7]) end
touch()
return 'running'
`;

/** ARGV[4]=token ARGV[5]=result JSON ARGV[6]=objectKey ARGV[7]=message ARGV[8]=processed. */
export const COMPLETE = `${PRELUDE}${LOST}
if not holds(ARGV[4]) then return lost() end
local processed = math.max(tonumber(redis.call('HGET', KEYS[1], 'processed') or '0'), tonumber(ARGV[8]))
redis.call('HSET', KEYS[1], 'phase', 'succeeded', 'result', ARGV[5], 'objectKey', ARGV[6], 'message', ARGV[7],
  'processed', processed, 'finishedAt', now, 'updatedAt', now, 'leaseToken', '', 'leaseUntil', 0)
release()
touch()
return 'succeeded'
`;

/** ARGV[4]=token ARGV[5]=message ARGV[6]='1' to hand the task back to the queue (running → queued). */
export const FAIL = `${PRELUDE}${LOST}
if not holds(ARGV[4]) then return lost() end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 'phase', 'queued', 'message', ARGV[5], 'updatedAt', now, 'leaseToken', '', 'leaseUntil', 0)
else
  redis.call('HSET', KEYS[1], 'phase', 'failed', 'message', ARGV[5], 'finishedAt', now, 'updatedAt', now,
    'leaseToken', '', 'leaseUntil', 0)
  release()
end
touch()
return 'ok'
`;
