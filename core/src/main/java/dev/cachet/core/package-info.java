/**
 * Cachet's sans-I/O RFC 9111 core: the caching state machine entered at {@link
 * dev.cachet.core.IdleClient}, and {@link dev.cachet.core.CachePolicy}, which answers the same
 * questions one response at a time. Nothing here reads a clock, a file or a socket.
 */
@NullMarked
package dev.cachet.core;

import org.jspecify.annotations.NullMarked;
