/**
 * Cachet's cache engine: {@link dev.cachet.engine.CacheEngine} carries out the core cache states
 * against a storage and an {@link dev.cachet.engine.Origin}, and delivers responses to a {@link
 * dev.cachet.engine.ResponseSink}; {@link dev.cachet.engine.CacheListener} and {@link
 * dev.cachet.engine.CacheStatistics} say what it did.
 */
@NullMarked
package dev.cachet.engine;

import org.jspecify.annotations.NullMarked;
