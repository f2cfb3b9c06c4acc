package dev.cachet.it;

import java.net.URI;
import java.net.http.HttpClient;

/** The framework contract through a Spring {@code @HttpExchange} interface on a RestClient. */
class SpringHttpExchangeOnRestClientIT extends FrameworkContract {
  @Override
  Framework framework(HttpClient client, URI base) {
    return Spring.httpExchangeOnRestClient(client, base);
  }
}
