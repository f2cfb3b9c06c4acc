package dev.cachet.storage.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script that Redis runs atomically: no other command runs while it does, so what it changes
 * is seen all at once or not at all. It is sent by its SHA-1 ({@code EVALSHA}) and, when the server
 * does not know it yet (after a restart, say), in full ({@code EVAL}).
 */
final class Script {
  /**
   * Every pair under a key whose body is present and of the length its value names. Values whose
   * body is missing (expired or evicted) or whose head is malformed are deleted. Returns the number
   * deleted, then the pair id and value of each pair kept.
   */
  static final Script FIND =
      new Script(
          """
          local out = {0}
          local all = redis.call('HGETALL', KEYS[1])
          for i = 1, #all, 2 do
            local v = all[i + 1]
            local ok = false
            if #v >= 48 then
              local len = tonumber(string.sub(v, 33, 48), 16)
              local bk = ARGV[1] .. string.sub(v, 1, 32)
              ok = len ~= nil and redis.call('EXISTS', bk) == 1
                  and redis.call('STRLEN', bk) == len
            end
            if ok then
              out[#out + 1] = all[i]
              out[#out + 1] = v
            else
              redis.call('HDEL', KEYS[1], all[i])
              out[1] = out[1] + 1
            end
          end
          return out
          """);

  /**
   * One pair's value when its body is present and whole; otherwise the value is deleted and 1
   * returned. Returns nil when there is no such pair.
   */
  static final Script OPEN =
      new Script(
          """
          local v = redis.call('HGET', KEYS[1], ARGV[1])
          if not v then return false end
          if #v >= 48 then
            local len = tonumber(string.sub(v, 33, 48), 16)
            local bk = ARGV[2] .. string.sub(v, 1, 32)
            if len ~= nil and redis.call('EXISTS', bk) == 1
                and redis.call('STRLEN', bk) == len then
              return v
            end
          end
          redis.call('HDEL', KEYS[1], ARGV[1])
          return 1
          """);

  /** Appends a chunk to a body being written and renews its time to live; returns its length. */
  static final Script APPEND =
      new Script(
          """
          local n = redis.call('APPEND', KEYS[1], ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return n
          """);

  /**
   * Publishes a written body and its pair in one step. KEYS: entry hash, written body, published
   * body. ARGV: pair id, value, body length, time to live (ms), body prefix, linger (ms). Returns
   * 0, publishing nothing, when the written body is gone or not of the length written (it expired
   * or was evicted while being written); 1 when published. A body the pair replaces is not deleted
   * at once but left to expire after the linger, so a reader streaming it is not cut off.
   */
  static final Script COMMIT =
      new Script(
          """
          local len = tonumber(ARGV[3])
          if redis.call('EXISTS', KEYS[2]) == 0 then
            if len ~= 0 then return 0 end
            redis.call('SET', KEYS[2], '')
          end
          if redis.call('STRLEN', KEYS[2]) ~= len then
            redis.call('DEL', KEYS[2])
            return 0
          end
          redis.call('RENAME', KEYS[2], KEYS[3])
          redis.call('PEXPIRE', KEYS[3], ARGV[4])
          local old = redis.call('HGET', KEYS[1], ARGV[1])
          if old and #old >= 48 then
            local bk = ARGV[5] .. string.sub(old, 1, 32)
            local t = redis.call('PTTL', bk)
            if t == -1 or t > tonumber(ARGV[6]) then redis.call('PEXPIRE', bk, ARGV[6]) end
          end
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
          end
          return 1
          """);

  /**
   * Replaces a pair's value, keeping its body, and sets the body's time to live anew. ARGV: pair
   * id, new value without its head, time to live (ms), body prefix. Returns 1 when updated, 0 when
   * there is no such pair, -1 when its body was gone (the pair is then deleted).
   */
  static final Script UPDATE =
      new Script(
          """
          local old = redis.call('HGET', KEYS[1], ARGV[1])
          if not old then return 0 end
          local bk = ARGV[4] .. string.sub(old, 1, 32)
          if #old < 48 or redis.call('EXISTS', bk) == 0 then
            redis.call('HDEL', KEYS[1], ARGV[1])
            return -1
          end
          redis.call('HSET', KEYS[1], ARGV[1], string.sub(old, 1, 48) .. ARGV[2])
          redis.call('PEXPIRE', bk, ARGV[3])
          if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
          end
          return 1
          """);

  /**
   * Removes pairs from under a key. ARGV: body prefix, linger (ms), then the pair ids, or none to
   * remove every pair. Bodies are left to expire after the linger, for readers still streaming
   * them. Returns the number of pairs removed.
   */
  static final Script REMOVE =
      new Script(
          """
          local ids = {}
          if #ARGV > 2 then
            for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
          else
            ids = redis.call('HKEYS', KEYS[1])
          end
          local n = 0
          for _, id in ipairs(ids) do
            local v = redis.call('HGET', KEYS[1], id)
            if v then
              if #v >= 48 then
                local bk = ARGV[1] .. string.sub(v, 1, 32)
                local t = redis.call('PTTL', bk)
                if t == -1 or t > tonumber(ARGV[2]) then redis.call('PEXPIRE', bk, ARGV[2]) end
              end
              redis.call('HDEL', KEYS[1], id)
              n = n + 1
            end
          end
          return n
          """);

  /**
   * The bytes of the pairs under these entry keys whose body is present, and of the partial entries
   * under these partial-entry keys (ending in {@code p}) whose body is there: each value's length
   * and its body's length.
   */
  static final Script SIZE =
      new Script(
          """
          local total = 0
          for _, key in ipairs(KEYS) do
            local partial = string.sub(key, -1) == 'p'
            local prefix = string.sub(key, 1, -2) .. (partial and 'pb:' or 'b:')
            for _, v in ipairs(redis.call('HVALS', key)) do
              if #v >= 48 then
                local n = redis.call('STRLEN', prefix .. string.sub(v, 1, 32))
                if n == tonumber(string.sub(v, 33, 48), 16) or (partial and n > 0) then
                  total = total + #v + n
                end
              end
            end
          end
          return total
          """);

  /** Deletes one pair's value if it is still this value (a corrupt one, found by a reader). */
  static final Script DROP_IF_SAME =
      new Script(
          """
          if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
            return redis.call('HDEL', KEYS[1], ARGV[1])
          end
          return 0
          """);

  /**
   * Joins a written part to a partial entry (RFC 9111 §3.4). KEYS: partial hash, ranges hash,
   * written part, entry body. ARGV: entry id, value, offset, part length, the nonce of the entry
   * the part joins ({@code ''} for a new entry), time to live (ms), complete length. The part's
   * bytes are written at their offset and its range joined to the ranges held, in one step. Returns
   * 1 when joined; 0 when the written part is gone or of another length; -1 when the entry is not
   * the one expected (gone, replaced, its body evicted, or another complete length).
   */
  static final Script PART_COMMIT =
      new Script(
          """
          local len = tonumber(ARGV[4])
          local function fail(code)
            redis.call('DEL', KEYS[3])
            return code
          end
          if redis.call('STRLEN', KEYS[3]) ~= len then return fail(0) end
          local old = redis.call('HGET', KEYS[1], ARGV[1])
          local ranges = ''
          if ARGV[5] == '' then
            if old then return fail(-1) end
          else
            if (not old) or #old < 48 or string.sub(old, 1, 32) ~= ARGV[5]
                or tonumber(string.sub(old, 33, 48), 16) ~= tonumber(ARGV[7]) then
              return fail(-1)
            end
            if redis.call('EXISTS', KEYS[4]) == 0 then
              redis.call('HDEL', KEYS[1], ARGV[1])
              redis.call('HDEL', KEYS[2], ARGV[1])
              return fail(-1)
            end
            ranges = redis.call('HGET', KEYS[2], ARGV[1]) or ''
          end
          local t = {}
          for a, b in string.gmatch(ranges, '(%d+)-(%d+)') do
            t[#t + 1] = {tonumber(a), tonumber(b)}
          end
          local first = tonumber(ARGV[3])
          t[#t + 1] = {first, first + len - 1}
          table.sort(t, function(x, y) return x[1] < y[1] end)
          local out = {}
          local cur = nil
          for _, r in ipairs(t) do
            if cur and r[1] <= cur[2] + 1 then
              if r[2] > cur[2] then cur[2] = r[2] end
            else
              if cur then out[#out + 1] = string.format('%.0f-%.0f', cur[1], cur[2]) end
              cur = {r[1], r[2]}
            end
          end
          out[#out + 1] = string.format('%.0f-%.0f', cur[1], cur[2])
          redis.call('SETRANGE', KEYS[4], first, redis.call('GET', KEYS[3]))
          redis.call('DEL', KEYS[3])
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          redis.call('HSET', KEYS[2], ARGV[1], table.concat(out, ','))
          local ttl = tonumber(ARGV[6])
          for i = 1, 2 do
            if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
          end
          redis.call('PEXPIRE', KEYS[4], ttl)
          return 1
          """);

  /**
   * The partial entries under a key whose body is present: id, value and ranges of each. Entries
   * whose body is gone (expired, evicted) are deleted. KEYS: partial hash, ranges hash. ARGV:
   * partial body prefix.
   */
  static final Script PARTIALS =
      new Script(
          """
          local out = {}
          local all = redis.call('HGETALL', KEYS[1])
          for i = 1, #all, 2 do
            local v = all[i + 1]
            local r = redis.call('HGET', KEYS[2], all[i])
            if #v >= 48 and r and redis.call('EXISTS', ARGV[1] .. string.sub(v, 1, 32)) == 1 then
              out[#out + 1] = all[i]
              out[#out + 1] = v
              out[#out + 1] = r
            else
              redis.call('HDEL', KEYS[1], all[i])
              redis.call('HDEL', KEYS[2], all[i])
            end
          end
          return out
          """);

  /**
   * One partial entry's value and ranges, when its body is present; nil otherwise. KEYS: partial
   * hash, ranges hash. ARGV: entry id, partial body prefix.
   */
  static final Script PART_OPEN =
      new Script(
          """
          local v = redis.call('HGET', KEYS[1], ARGV[1])
          if not v then return false end
          local r = redis.call('HGET', KEYS[2], ARGV[1])
          if #v < 48 or not r or redis.call('EXISTS', ARGV[2] .. string.sub(v, 1, 32)) == 0 then
            return false
          end
          return {v, r}
          """);

  private final byte[] source;
  private final byte[] sha1;

  private Script(String source) {
    this.source = source.getBytes(UTF_8);
    try {
      this.sha1 =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-1").digest(this.source))
              .getBytes(UTF_8);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-1", e);
    }
  }

  /** Runs the script; Redis errors surface as the client's runtime exceptions. */
  Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(source, keys, args);
    }
  }
}
