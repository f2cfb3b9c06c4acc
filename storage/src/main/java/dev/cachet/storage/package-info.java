/**
 * The {@link dev.cachet.storage.Storage} SPI that carries out what the core states decide, and its
 * two stores: {@link dev.cachet.storage.MemoryStorage} and {@link dev.cachet.storage.FileStorage}.
 */
@NullMarked
package dev.cachet.storage;

import org.jspecify.annotations.NullMarked;
