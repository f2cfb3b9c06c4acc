package dev.cachet.proxy.internal;

import dev.cachet.core.CacheOptions;
import dev.cachet.core.CacheStatus;
import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.proxy.ProxyOptions;
import dev.cachet.storage.Storage;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What every exchange shares: the options, the origin client, the cache engine (or none, when the
 * cache is off), and the proxy's own bookkeeping, which learns from the engine's events.
 */
final class ProxyCore {
  final ProxyOptions options;
  final OriginClient origin;
  final Optional<CacheEngine> engine;
  final String cacheName;
  final HttpDates dates;
  final PurgeIndex index = new PurgeIndex();
  final Consumer<String> accessLog;
  final String originPrefix;
  final Registry registry;
  volatile boolean draining;

  /** Builds the engine over the storage, unless the options turn the cache off. */
  ProxyCore(
      ProxyOptions options,
      OriginClient origin,
      Storage storage,
      Clock clock,
      Consumer<String> accessLog) {
    this.options = options;
    this.origin = origin;
    this.engine = options.cache() ? Optional.of(engine(options, storage, clock)) : Optional.empty();
    this.cacheName = engine.map(CacheEngine::cacheName).orElse(CacheEngine.DEFAULT_CACHE_NAME);
    this.dates = new HttpDates(clock);
    this.accessLog = accessLog;
    this.originPrefix = prefix(options.origin());
    this.registry = new Registry(options.maxConnections());
  }

  private CacheEngine engine(ProxyOptions options, Storage storage, Clock clock) {
    return CacheEngine.newBuilder(storage)
        // O-05: a gateway cache is what CDN-Cache-Control targets (RFC 9213 §2.1).
        .options(
            CacheOptions.newBuilder()
                .shared(true)
                .targetedFields(List.of("CDN-Cache-Control"))
                .build())
        .clock(clock)
        .listener(index)
        .backgroundTimeout(options.originTimeout())
        .build();
  }

  /** The origin as {@code scheme://authority/prefix}, without a trailing slash. */
  private static String prefix(URI origin) {
    String path = origin.getRawPath() == null ? "" : origin.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return origin.getScheme() + "://" + origin.getRawAuthority() + path;
  }

  /** Sends a request through the cache, or straight to the origin when the cache is off. */
  CompletableFuture<Void> send(CacheRequest request, Origin o, ResponseSink sink) {
    if (engine.isPresent()) {
      return engine.get().send(request, o, sink);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<?> unused =
        o.send(
                new OriginRequest(request.request(), false),
                (status, fields, version, phrase) ->
                    sink.fromOrigin(
                        new ResponseHead(
                            status,
                            fields,
                            CacheStatus.forwarded(CacheStatus.Forward.BYPASS).withFwdStatus(status),
                            cacheName,
                            Optional.empty())))
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    done.completeExceptionally(e);
                  } else {
                    done.complete(null);
                  }
                });
    return done;
  }
}
