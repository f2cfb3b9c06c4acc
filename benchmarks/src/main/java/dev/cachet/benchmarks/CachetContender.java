package dev.cachet.benchmarks;

import dev.cachet.core.CacheOptions;
import dev.cachet.httpclient.CachingHttpClient;
import dev.cachet.storage.FileStorage;
import dev.cachet.storage.MemoryStorage;
import dev.cachet.storage.Storage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;

/**
 * Cachet's {@link CachingHttpClient} with the default {@link CacheOptions} (a private cache), over
 * a {@link MemoryStorage} or a {@link FileStorage}, used through {@code send} like any {@code
 * HttpClient}.
 */
final class CachetContender {
  private CachetContender() {}

  static Contender memory(List<URI> uris) {
    return open(
        MemoryStorage.newBuilder()
            .maximumBytes(Contenders.MAX_MEMORY_BYTES)
            .maximumEntryBytes(Contenders.MAX_BODY_BYTES * 2)
            .build(),
        uris);
  }

  /**
   * A {@link FileStorage} as a user gets it by default, or with {@code durable(false)}: commits not
   * forced to the disk, as the peers' disk caches do not force theirs.
   */
  static Contender file(List<URI> uris, Path dir, boolean durable) throws IOException {
    return open(
        FileStorage.newBuilder(dir)
            .maximumBytes(Contenders.MAX_DISK_BYTES)
            .durable(durable)
            .build(),
        uris);
  }

  private static Contender open(Storage storage, List<URI> uris) {
    CachingHttpClient client =
        CachingHttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .storage(storage)
            .cacheOptions(CacheOptions.defaults())
            .build();
    return new JdkClientContender(
        client,
        uris,
        true,
        () -> {
          try {
            client.close();
          } finally {
            storage.close();
          }
        },
        storage instanceof FileStorage file ? file::flush : null);
  }
}
