package dev.cachet.httpclient.internal;

import dev.cachet.core.CacheOptions;
import dev.cachet.engine.CacheEngine;
import dev.cachet.engine.CacheListener;
import dev.cachet.storage.Storage;
import java.net.CookieHandler;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code CachingHttpClient.Builder} was given, and the shell made of it: the client that
 * talks to origins (built from the JDK builder, or the one given to wrap), the storage (a default
 * one when none was given), the options with the fields that client adds out of the cache's sight,
 * and the engine. Null stands for "not given".
 *
 * @param jdk the JDK builder holding the connection settings, for a client the cache builds
 * @param connectionSettings whether any connection setting was given
 * @param wrapped the client to wrap instead
 * @param executor the executor for the client built and for background work
 * @param cookies the cookie handler the cache applies
 * @param redirects the redirect policy the cache follows
 * @param storage the storage
 * @param closeStorage whether closing the client closes a given storage
 * @param defaultStorage makes the storage when none was given
 * @param options the cache options
 * @param offline whether the cache answers only from storage
 * @param listener the listener
 * @param clock the clock
 * @param backgroundTimeout the time limit of a background revalidation whose request has none
 */
public record ShellAssembly(
    HttpClient.Builder jdk,
    boolean connectionSettings,
    @Nullable HttpClient wrapped,
    @Nullable Executor executor,
    @Nullable CookieHandler cookies,
    Redirect redirects,
    @Nullable Storage storage,
    boolean closeStorage,
    Supplier<Storage> defaultStorage,
    @Nullable CacheOptions options,
    boolean offline,
    @Nullable CacheListener listener,
    @Nullable Clock clock,
    @Nullable Duration backgroundTimeout) {

  /**
   * Builds the shell.
   *
   * @return the shell, with its engine and the client that talks to origins
   * @throws IllegalStateException if connection settings were given with a client to wrap
   */
  public ClientShell build() {
    if (wrapped != null && connectionSettings) {
      throw new IllegalStateException(
          "connection settings configure the client the cache builds; a wrapped client has its"
              + " own");
    }
    HttpClient origin = wrapped;
    if (origin == null) {
      if (executor != null) {
        jdk.executor(executor);
      }
      origin = jdk.build();
    }
    Storage s = storage != null ? storage : defaultStorage.get();
    CacheOptions given = options != null ? options : CacheOptions.defaults();
    if (offline && !given.offline()) {
      given = given.toBuilder().offline(true).build();
    }
    Duration background =
        backgroundTimeout != null ? backgroundTimeout : CacheEngine.DEFAULT_BACKGROUND_TIMEOUT;
    CacheEngine.Builder engine =
        CacheEngine.newBuilder(s)
            .ownsStorage(storage == null || closeStorage)
            .options(ClientShell.withFieldsOutOfSight(given, origin))
            .clock(clock != null ? clock : Clock.systemUTC())
            .backgroundTimeout(background);
    if (listener != null) {
      engine.listener(listener);
    }
    if (executor != null) {
      engine.executor(executor);
    }
    WrappedClient client =
        new WrappedClient(
            origin, wrapped == null, Optional.ofNullable(cookies), redirects, background);
    return new ClientShell(client, engine.build());
  }
}
