/**
 * Cachet's caching reverse proxy: {@link dev.cachet.proxy.ReverseProxy}, configured by {@link
 * dev.cachet.proxy.ProxyOptions} and runnable from the command line with {@link
 * dev.cachet.proxy.ProxyCommand}.
 */
@NullMarked
package dev.cachet.proxy;

import org.jspecify.annotations.NullMarked;
