package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.core.Headers;
import java.net.http.HttpHeaders;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The hit path's header conversion, remembered per stored pair: the {@code HttpHeaders} of a hit
 * change only when its {@code Age} (whole seconds) or its {@code Cache-Status} changes, so most
 * hits reuse the last value instead of building a new map. A small direct-mapped table: a collision
 * only costs a rebuild.
 */
final class HitHeaders {
  private static final int SLOTS = 1024;

  private record Memo(
      UUID id, Headers headers, CacheStatus status, String value, HttpHeaders http) {}

  private final AtomicReferenceArray<Memo> table = new AtomicReferenceArray<>(SLOTS);
  private final String cacheName;

  HitHeaders(String cacheName) {
    this.cacheName = cacheName;
  }

  /** The caller's headers for a response served from the pair {@code id}. */
  HttpHeaders of(UUID id, Headers headers, CacheStatus status) {
    int slot = (id.hashCode() ^ (id.hashCode() >>> 16)) & (SLOTS - 1);
    Memo m = table.get(slot);
    if (m != null && m.id.equals(id) && m.status.equals(status) && m.headers.equals(headers)) {
      return m.http;
    }
    String value = status.toFieldValue(cacheName);
    HttpHeaders http = Conversions.httpHeaders(headers, value);
    table.lazySet(slot, new Memo(id, headers, status, value, http));
    return http;
  }

  /** The {@code Cache-Status} member last built for this pair and status. */
  String value(UUID id, CacheStatus status) {
    int slot = (id.hashCode() ^ (id.hashCode() >>> 16)) & (SLOTS - 1);
    Memo m = table.get(slot);
    if (m != null && m.id.equals(id) && m.status.equals(status)) {
      return m.value;
    }
    return status.toFieldValue(cacheName);
  }
}
