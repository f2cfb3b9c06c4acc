package dev.cachet.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.CacheEngine;
import dev.cachet.storage.MemoryStorage;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class CacheEngineMetricsTest {
  @Test
  void bindsTheEnginesCounters_taggedWithTheCacheName() {
    try (MemoryStorage storage = MemoryStorage.newBuilder().build();
        CacheEngine engine = CacheEngine.newBuilder(storage).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();

      new CacheEngineMetrics(engine, "edge", Tags.of("region", "eu")).bindTo(registry);

      for (String result : new String[] {"hit", "miss", "revalidated"}) {
        assertThat(
                registry
                    .get("cachet.requests")
                    .tags("cache", "edge", "region", "eu", "result", result)
                    .functionCounter()
                    .count())
            .isZero();
      }
      assertThat(registry.get("cachet.stores").tag("cache", "edge").functionCounter().count())
          .isZero();
      assertThat(registry.find("cachet.origin.errors").functionCounter()).isNotNull();
    }
  }
}
