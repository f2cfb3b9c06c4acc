package dev.cachet.core;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Invalidation after unsafe methods (RFC 9111 §4.4). */
final class Invalidation {
  private Invalidation() {}

  /**
   * I-01, I-02: the keys to invalidate after a non-error response to an unsafe request: the target
   * URI, and the {@code Location} and {@code Content-Location} URIs when they have the target's
   * origin. Empty for error responses and safe methods.
   */
  static List<CacheKey> keysAfter(Request request, Response response) {
    if (request.isSafe() || response.status() < 200 || response.status() >= 400) {
      return List.of();
    }
    Set<CacheKey> keys = new LinkedHashSet<>();
    keys.add(request.key());
    for (String field : List.of("Location", "Content-Location")) {
      resolve(request.uri(), response.headers().firstValue(field))
          .filter(u -> CacheKey.sameOrigin(u, request.uri()))
          .ifPresent(u -> keys.add(CacheKey.of(u)));
    }
    return List.copyOf(keys);
  }

  static Optional<URI> resolve(URI base, Optional<String> reference) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI resolved = base.resolve(new URI(reference.get().trim()));
      return resolved.isAbsolute() ? Optional.of(resolved) : Optional.empty();
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
