package dev.cachet.httpclient;

import dev.cachet.core.CacheOptions;
import dev.cachet.storage.FileStorage;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The README's quick start as a short program, run in a child JVM by {@link ReadmeQuickStartIT}:
 * the origin's URI is the first argument (the README's is example.org), and the second says whether
 * the program closes the client as the README does ({@code close}) or, as a program that simply
 * returns from {@code main}, closes nothing ({@code leave}). The cache directory is {@code
 * http-cache} in the working directory, as written.
 */
public final class ReadmeQuickStart {
  private ReadmeQuickStart() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    if (args[1].equals("close")) {
      try (CachingHttpClient client =
          CachingHttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .storage(
                  FileStorage.newBuilder(Path.of("http-cache")).maximumBytes(512L << 20).build())
              .cacheOptions(CacheOptions.defaults())
              .build()) {
        run(client, uri);
      }
    } else {
      CachingHttpClient client =
          CachingHttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .storage(
                  FileStorage.newBuilder(Path.of("http-cache")).maximumBytes(512L << 20).build())
              .cacheOptions(CacheOptions.defaults())
              .build();
      run(client, uri);
    }
  }

  private static void run(CachingHttpClient client, URI uri) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri).build();
    HttpResponse<String> first = client.send(request, BodyHandlers.ofString());
    HttpResponse<String> again = client.send(request, BodyHandlers.ofString());
    System.out.println("first: " + first.headers().firstValue("Cache-Status").orElse("none"));
    System.out.println("again: " + again.headers().firstValue("Cache-Status").orElse("none"));
    System.out.println("body: " + again.body());
  }
}
