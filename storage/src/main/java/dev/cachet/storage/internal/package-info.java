/**
 * The stores' machinery: the file layout, its metadata codec, recovery and bodies; not exported.
 */
@NullMarked
package dev.cachet.storage.internal;

import org.jspecify.annotations.NullMarked;
