package dev.cachet.httpclient.internal;

import static java.util.Objects.requireNonNull;

import java.net.http.HttpHeaders;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A response's {@code HttpHeaders}, built on first use. A hit's headers are a new immutable map
 * (the stored fields, its {@code Age} and {@code Cache-Status}); a caller that reads only the
 * status and the body never pays for it. Safe to share: two threads racing on the first use build
 * equal values and either may be kept.
 */
final class LazyHeaders implements Supplier<HttpHeaders> {
  private final @Nullable Supplier<HttpHeaders> build;
  private volatile @Nullable HttpHeaders built;

  private LazyHeaders(@Nullable Supplier<HttpHeaders> build, @Nullable HttpHeaders built) {
    this.build = build;
    this.built = built;
  }

  /** Headers built when first asked for. */
  static LazyHeaders of(Supplier<HttpHeaders> build) {
    return new LazyHeaders(build, null);
  }

  /** Headers already built. */
  static LazyHeaders built(HttpHeaders headers) {
    return new LazyHeaders(null, headers);
  }

  @Override
  public HttpHeaders get() {
    HttpHeaders h = built;
    if (h == null) {
      // Built lazily exactly when made with of(), which gives the supplier.
      h = requireNonNull(build, "build").get();
      built = h;
    }
    return h;
  }
}
