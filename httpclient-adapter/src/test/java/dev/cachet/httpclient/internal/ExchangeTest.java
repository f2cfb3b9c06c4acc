package dev.cachet.httpclient.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeTest {
  @Test
  void handlesEveryPermittedState() {
    List<Class<?>> handled = List.copyOf(Exchange.HANDLED);
    assertThat(handled)
        .containsExactlyInAnyOrderElementsOf(List.of(CacheState.class.getPermittedSubclasses()));
  }
}
