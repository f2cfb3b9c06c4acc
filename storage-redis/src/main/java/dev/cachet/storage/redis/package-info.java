/**
 * The {@link dev.cachet.storage.Storage} SPI on Redis: {@link
 * dev.cachet.storage.redis.RedisStorage}, shared by many application instances.
 */
@NullMarked
package dev.cachet.storage.redis;

import org.jspecify.annotations.NullMarked;
