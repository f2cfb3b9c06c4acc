package dev.cachet.proxy.internal;

import dev.cachet.core.CacheStatus;
import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheRequest;
import dev.cachet.engine.Origin;
import dev.cachet.engine.OriginRequest;
import dev.cachet.engine.ResponseHead;
import dev.cachet.engine.ResponseSink;
import dev.cachet.proxy.ProxyOptions;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What every exchange shares: the options, the origin client, the cache engine (or none, when the
 * cache is off), and the proxy's own bookkeeping.
 */
final class ProxyCore {
  final ProxyOptions options;
  final OriginClient origin;
  final Optional<CacheEngine> engine;
  final String cacheName;
  final HttpDates dates;
  final OriginFailures failures;
  final Consumer<String> accessLog;
  final String originPrefix;
  final Registry registry;
  volatile boolean draining;

  ProxyCore(
      ProxyOptions options,
      OriginClient origin,
      Optional<CacheEngine> engine,
      String cacheName,
      HttpDates dates,
      OriginFailures failures,
      Consumer<String> accessLog,
      Registry registry) {
    this.options = options;
    this.origin = origin;
    this.engine = engine;
    this.cacheName = cacheName;
    this.dates = dates;
    this.failures = failures;
    this.accessLog = accessLog;
    this.originPrefix = prefix(options.origin());
    this.registry = registry;
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
                (status, fields, version) ->
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
