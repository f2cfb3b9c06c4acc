package dev.cachet.httpclient.internal;

import java.net.http.HttpHeaders;
import java.util.function.Supplier;

/**
 * A response's {@code HttpHeaders}, built on first use. A hit's headers are a new immutable map
 * (the stored fields, its {@code Age} and {@code Cache-Status}); a caller that reads only the
 * status and the body never pays for it. Safe to share: two threads racing on the first use build
 * equal values and either may be kept.
 */
final class LazyHeaders implements Supplier<HttpHeaders> {
  private final Supplier<HttpHeaders> build;
  private volatile HttpHeaders built;

  private LazyHeaders(Supplier<HttpHeaders> build, HttpHeaders built) {
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
      h = build.get();
      built = h;
    }
    return h;
  }
}
