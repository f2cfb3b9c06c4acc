/**
 * Cachet's sans-I/O cache: the state machine that carries out <a
 * href="https://www.rfc-editor.org/rfc/rfc9111">RFC 9111</a> §3 (storing) and §4 (constructing
 * responses from caches), {@link dev.cachet.core.CachePolicy} beside it, and the catalogue of
 * reasons ({@link dev.cachet.core.Rule}). Core takes values (a request, the pairs stored for it, a
 * response, the time) and returns a value saying what to do next; it never does I/O and never reads
 * a clock.
 *
 * <h2>The state machine</h2>
 *
 * A machine starts at {@link dev.cachet.core.IdleClient} ({@code IdleClient.forClient()}, {@code
 * forServer()} or {@code of(options)}). Each non-terminal state's {@code next(...)} returns a
 * sealed union of the states that may follow ({@code IdleClient.Next}, {@code CacheMiss.Next},
 * {@code NeedRevalidation.Next}, {@code InvalidatePairs.Next}), so an {@code instanceof} chain over
 * the result sees every case. Each union is a {@link dev.cachet.core.CacheState}, and {@code
 * InvalidatePairs.Next} (what any origin response leads to, stored or not) is part of the unions of
 * a miss and of a revalidation, so a caller never casts. This is the one copy of the diagram:
 *
 * <pre>
 * IdleClient ──► FromCache              (fresh, allowed stale, 304 to the client's own conditions,
 *            │                           or the 504 of only-if-cached)
 *            ├─► StaleWhileRevalidate   (serve stale now, revalidate behind)
 *            ├─► NeedRevalidation ──► NeedToBeUpdated ──► FromCache     (304, matching HEAD)
 *            │                    ├─► InvalidatePairs ──► StoreAndUse | CouldNotBeStored
 *            │                    │                       (a full response replaces the stored)
 *            │                    ├─► CacheMiss          (a 304 that selects nothing)
 *            │                    ├─► FromCache          (stale-if-error)
 *            │                    └─► CouldNotBeStored   (a 5xx forwarded, or the answer to one
 *            │                                            client's own preconditions or range)
 *            └─► CacheMiss ──► StoreAndUse | CouldNotBeStored
 *                          ├─► StorePart          (a 206 stored as a part of a partial entry: only
 *                          │                       CacheMiss.next(..., partials), with
 *                          │                       CacheOptions.partialContent)
 *                          └─► InvalidatePairs ──► StoreAndUse | CouldNotBeStored
 *                                                  (after an unsafe method)
 * </pre>
 *
 * Terminal states: {@link dev.cachet.core.FromCache}, {@link dev.cachet.core.StaleWhileRevalidate}
 * (its {@code revalidate()} is a {@link dev.cachet.core.NeedRevalidation} run behind), {@link
 * dev.cachet.core.StoreAndUse}, {@link dev.cachet.core.CouldNotBeStored} and {@link
 * dev.cachet.core.StorePart} (only from a miss whose key's partial entries take part). When the
 * origin cannot be reached, {@code NeedRevalidation.onOriginUnreachable(now)} says whether a stale
 * {@code FromCache} may be served. {@code NeedRevalidation.Next} also admits {@code StoreAndUse},
 * through {@code InvalidatePairs.Next}, though no revalidation leads there directly today.
 */
@NullMarked
package dev.cachet.core;

import org.jspecify.annotations.NullMarked;
