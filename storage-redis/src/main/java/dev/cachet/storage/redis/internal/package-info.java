/** The Redis store's key space, scripts, writer and bodies; not exported. */
@NullMarked
package dev.cachet.storage.redis.internal;

import org.jspecify.annotations.NullMarked;
