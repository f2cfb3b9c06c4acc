package dev.cachet.httpclient;

import dev.cachet.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * One way of running a scenario: a storage kind and a way of sending (blocking {@code send} or
 * {@code sendAsync}). Integration tests run every scenario in each.
 */
record Setup(Storages.Kind storage, boolean async) {

  static Stream<Setup> all() {
    return Stream.of(Storages.Kind.values())
        .flatMap(k -> Stream.of(new Setup(k, false), new Setup(k, true)));
  }

  Storage newStorage(Path dir) throws IOException {
    return Storages.create(storage, dir);
  }

  /** Sends through {@code send} or through {@code sendAsync} and a join. */
  <T> HttpResponse<T> send(HttpClient client, HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    if (!async) {
      return client.send(request, handler);
    }
    try {
      return client.sendAsync(request, handler).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  <T> HttpResponse<T> sendUnchecked(
      HttpClient client, HttpRequest request, BodyHandler<T> handler) {
    try {
      return send(client, request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return storage + (async ? " sendAsync" : " send");
  }
}
