package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheState;
import dev.cachet.engine.CacheEvent;
import dev.cachet.engine.CacheListener;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client drives every state of the core machine: the states its exchanges report, over a
 * handful of real flows, are exactly the records permitted under {@link CacheState}.
 */
class CoreStatesIT extends OriginSupport {

  @Test
  void everyPermittedStateIsReachedThroughTheClient() throws Exception {
    Set<String> seen = new ConcurrentSkipListSet<>();
    CachingHttpClient client =
        client(
            new Setup(Storages.Kind.MEMORY, false),
            b ->
                b.listener(
                    new CacheListener() {
                      @Override
                      public void onOutcome(CacheEvent e) {
                        seen.addAll(e.states());
                      }
                    }));
    origin.stubFor(get("/fresh").willReturn(ok("a").withHeader("Cache-Control", "max-age=60")));
    origin.stubFor(get("/nostore").willReturn(ok("b").withHeader("Cache-Control", "no-store")));
    origin.stubFor(
        get("/etag")
            .willReturn(
                ok("c").withHeader("Cache-Control", "max-age=1").withHeader("ETag", "\"1\"")));
    origin.stubFor(
        get("/etag")
            .withHeader("If-None-Match", equalTo("\"1\""))
            .atPriority(1)
            .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"1\"")));
    origin.stubFor(get("/changed").willReturn(ok("d").withHeader("Cache-Control", "max-age=1")));
    origin.stubFor(
        get("/swr")
            .willReturn(
                ok("e").withHeader("Cache-Control", "max-age=1, stale-while-revalidate=60")));
    origin.stubFor(post("/fresh").willReturn(aResponse().withStatus(204)));

    for (String p : new String[] {"/fresh", "/fresh", "/nostore", "/etag", "/changed", "/swr"}) {
      client.send(request(p).build(), BodyHandlers.discarding());
    }
    clock.advanceSeconds(5);
    for (String p : new String[] {"/etag", "/changed", "/swr"}) {
      client.send(request(p).build(), BodyHandlers.discarding());
    }
    client.send(request("/fresh").POST(BodyPublishers.noBody()).build(), BodyHandlers.discarding());

    Set<String> permitted =
        states(CacheState.class)
            .map(Class::getSimpleName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(new TreeSet<>(seen)).isEqualTo(permitted);
  }

  /** The records behind a sealed type, through its permitted subtypes (each Next union is one). */
  private static Stream<Class<?>> states(Class<?> sealed) {
    return Arrays.stream(sealed.getPermittedSubclasses())
        .flatMap(c -> c.isInterface() ? states(c) : Stream.of(c));
  }
}
