/**
 * Cachet's Redis storage: the {@link dev.cachet.storage.Storage} SPI on Redis, so that many
 * application instances share one cache. Entered through {@link
 * dev.cachet.storage.redis.RedisStorage#newBuilder(java.net.URI)}.
 */
module dev.cachet.storage.redis {
  requires static org.jspecify;
  requires transitive dev.cachet.storage;
  requires transitive redis.clients.jedis;
  requires org.apache.commons.pool2;

  exports dev.cachet.storage.redis;
}
