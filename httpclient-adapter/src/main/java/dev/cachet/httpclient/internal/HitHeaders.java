package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.Headers;
import dev.cachet.engine.ResponseHead;
import java.net.http.HttpHeaders;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * The hit path's header conversion, remembered per stored pair: the {@code HttpHeaders} of a hit
 * change only when its {@code Age} (whole seconds) or its {@code Cache-Status} changes, so most
 * hits reuse the last value instead of building a new map. A small two-way set-associative table
 * (the newest memo of a set first): a third pair in a set only costs a rebuild.
 */
final class HitHeaders {
  private static final int SLOTS = 2048;

  private record Memo(
      UUID id,
      Headers headers,
      CacheStatus status,
      int pseudoStatus,
      String value,
      HttpHeaders http) {}

  private final AtomicReferenceArray<Memo> table = new AtomicReferenceArray<>(SLOTS);
  private final String cacheName;

  HitHeaders(String cacheName) {
    this.cacheName = cacheName;
  }

  /**
   * The caller's headers for a response served from the pair {@code id}, with a {@code :status}
   * pseudo-header of this value when it is not 0 (as the JDK gives an HTTP/2 response's).
   */
  HttpHeaders of(UUID id, Headers headers, CacheStatus status, int pseudoStatus) {
    int set = set(id);
    for (int i = set; i < set + 2; i++) {
      Memo m = table.get(i);
      if (m != null
          && m.id.equals(id)
          && m.pseudoStatus == pseudoStatus
          && m.status.equals(status)
          && m.headers.equals(headers)) {
        return m.http;
      }
    }
    String value = status.toFieldValue(cacheName);
    HttpHeaders http = Conversions.httpHeaders(headers, value, pseudoStatus);
    Memo newest = table.get(set);
    if (newest != null && !newest.id.equals(id)) {
      table.lazySet(set + 1, newest);
    }
    table.lazySet(set, new Memo(id, headers, status, pseudoStatus, value, http));
    return http;
  }

  /**
   * {@link #of} for a response served from storage, as a supplier to call when the caller first
   * reads the headers. A small record: the capturing lambda it replaced showed its linkage ({@code
   * DirectMethodHandle.allocateInstance}) in the hit path's CPU profile.
   */
  Supplier<HttpHeaders> deferred(UUID id, ResponseHead head, int pseudoStatus) {
    return new Deferred(this, id, head.fields(), head.cacheStatus(), pseudoStatus);
  }

  private record Deferred(
      HitHeaders memo, UUID id, Headers headers, CacheStatus status, int pseudoStatus)
      implements Supplier<HttpHeaders> {
    @Override
    public HttpHeaders get() {
      return memo.of(id, headers, status, pseudoStatus);
    }
  }

  /** The {@code Cache-Status} member last built for this pair and status. */
  String value(UUID id, CacheStatus status) {
    int set = set(id);
    for (int i = set; i < set + 2; i++) {
      Memo m = table.get(i);
      if (m != null && m.id.equals(id) && m.status.equals(status)) {
        return m.value;
      }
    }
    return status.toFieldValue(cacheName);
  }

  private static int set(UUID id) {
    int h = id.hashCode();
    return (h ^ (h >>> 16)) & (SLOTS - 2);
  }
}
