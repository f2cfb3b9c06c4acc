/** The engine's parts; see {@code docs/ARCHITECTURE.md}. Not exported. */
@NullMarked
package dev.cachet.engine.internal;

import org.jspecify.annotations.NullMarked;
