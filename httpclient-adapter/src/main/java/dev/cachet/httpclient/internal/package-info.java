/** The {@code java.net.http} shell over the cache engine. Not exported. */
@NullMarked
package dev.cachet.httpclient.internal;

import org.jspecify.annotations.NullMarked;
