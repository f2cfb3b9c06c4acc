package dev.cachet.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.invoker.HttpExchangeAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * Spring's clients on a given {@link HttpClient}, wired as docs/FRAMEWORKS.md shows: the same code
 * for Spring 6.1+ and 7.
 */
final class Spring {
  private static final Duration BLOCK = Duration.ofSeconds(30);

  private Spring() {}

  static Framework.Reply reply(ResponseEntity<String> entity) {
    return new Framework.Reply(
        entity.getStatusCode().value(),
        entity.getBody(),
        Optional.ofNullable(entity.getHeaders().getFirst("Cache-Status")));
  }

  static Framework restClient(HttpClient client, URI base) {
    RestClient rest =
        RestClient.builder()
            .requestFactory(new JdkClientHttpRequestFactory(client))
            .baseUrl(base.toString())
            .build();
    return new Framework() {
      @Override
      public Reply get(String path) {
        return reply(rest.get().uri(path).retrieve().toEntity(String.class));
      }

      @Override
      public void post(String path, String body) {
        rest.post().uri(path).body(body).retrieve().toBodilessEntity();
      }
    };
  }

  static Framework restTemplate(HttpClient client, URI base) {
    RestTemplate rest = new RestTemplate(new JdkClientHttpRequestFactory(client));
    return new Framework() {
      @Override
      public Reply get(String path) {
        return reply(rest.getForEntity(base.resolve(path), String.class));
      }

      @Override
      public void post(String path, String body) {
        rest.postForEntity(base.resolve(path), body, Void.class);
      }
    };
  }

  static Framework webClient(HttpClient client, URI base) {
    WebClient web = webClientOf(client, base);
    return new Framework() {
      @Override
      public Reply get(String path) {
        return reply(web.get().uri(path).retrieve().toEntity(String.class).block(BLOCK));
      }

      @Override
      public void post(String path, String body) {
        web.post().uri(path).bodyValue(body).retrieve().toBodilessEntity().block(BLOCK);
      }
    };
  }

  private static WebClient webClientOf(HttpClient client, URI base) {
    return WebClient.builder()
        .clientConnector(new JdkClientHttpConnector(client))
        .baseUrl(base.toString())
        .build();
  }

  /** An {@code @HttpExchange} interface: the URI argument names the resource. */
  interface Resources {
    @GetExchange
    ResponseEntity<String> get(URI uri);

    @PostExchange
    void post(URI uri, @RequestBody String body);
  }

  static Framework httpExchangeOnRestClient(HttpClient client, URI base) {
    RestClient rest =
        RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(client)).build();
    return httpExchange(RestClientAdapter.create(rest), base);
  }

  static Framework httpExchangeOnWebClient(HttpClient client, URI base) {
    return httpExchange(WebClientAdapter.create(webClientOf(client, base)), base);
  }

  private static Framework httpExchange(HttpExchangeAdapter adapter, URI base) {
    Resources resources =
        HttpServiceProxyFactory.builderFor(adapter).build().createClient(Resources.class);
    return new Framework() {
      @Override
      public Reply get(String path) {
        return reply(resources.get(base.resolve(path)));
      }

      @Override
      public void post(String path, String body) {
        resources.post(base.resolve(path), body);
      }
    };
  }
}
