/**
 * The reverse proxy's parts: Netty channels, the origin client and the admin endpoints. Not
 * exported.
 */
@NullMarked
package dev.cachet.proxy.internal;

import org.jspecify.annotations.NullMarked;
