package dev.cachet.httpclient.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.CacheState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeTest {
  @Test
  void handlesEveryPermittedState() {
    List<Class<?>> handled = List.copyOf(Exchange.HANDLED);
    assertThat(handled).containsExactlyInAnyOrderElementsOf(states());
  }

  /** The records reached through CacheState's permitted subtypes (each Next union is one). */
  private static List<Class<?>> states() {
    List<Class<?>> states = new ArrayList<>();
    List<Class<?>> pending = new ArrayList<>(List.of(CacheState.class.getPermittedSubclasses()));
    while (!pending.isEmpty()) {
      Class<?> c = pending.remove(pending.size() - 1);
      if (c.isInterface()) {
        pending.addAll(List.of(c.getPermittedSubclasses()));
      } else if (!states.contains(c)) {
        states.add(c);
      }
    }
    return states;
  }
}
