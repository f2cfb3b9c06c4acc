/** Core's parsers and rules behind the public API; not exported. */
@NullMarked
package dev.cachet.core.internal;

import org.jspecify.annotations.NullMarked;
