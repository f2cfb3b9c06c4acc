package dev.cachet.benchmarks;

import com.github.mizosoft.methanol.HttpCache;
import com.github.mizosoft.methanol.Methanol;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The contenders by name, with the limits every cache gets: large enough that nothing a benchmark
 * stores is evicted or refused for its size, so each cache is measured doing its job.
 */
final class Contenders {
  /** Bytes an in-memory store may hold: 1,000 × 64 KiB fits many times over. */
  static final long MAX_MEMORY_BYTES = 512L << 20;

  /** Bytes a disk store may hold. */
  static final long MAX_DISK_BYTES = 2L << 30;

  /** Entries a store may hold where it counts entries (Apache). */
  static final int MAX_ENTRIES = 200_000;

  /** The largest body a store must accept (Apache's default is 8 KiB). */
  static final long MAX_BODY_BYTES = 1L << 20;

  static final String CACHET_MEMORY = "cachet-memory";
  static final String CACHET_FILE = "cachet-file";
  static final String CACHET_FILE_NOSYNC = "cachet-file-nosync";
  static final String APACHE_MEMORY = "apache-memory";
  static final String APACHE_FILE = "apache-file";
  static final String METHANOL_MEMORY = "methanol-memory";
  static final String METHANOL_DISK = "methanol-disk";
  static final String OKHTTP_DISK = "okhttp-disk";
  static final String HTTPCLIENT_NOCACHE = "httpclient-nocache";
  static final String FLOOR_MAP = "floor-map";

  /**
   * The floor for a caller that owns the array it gets, as every {@code ofByteArray} caller does:
   * the map look-up plus a copy of the body. Not in the standard set; name it with {@code -p}.
   */
  static final String FLOOR_MAP_COPY = "floor-map-copy";

  /** Every contender, Cachet first. */
  static final List<String> ALL =
      List.of(
          CACHET_MEMORY,
          CACHET_FILE,
          CACHET_FILE_NOSYNC,
          APACHE_MEMORY,
          APACHE_FILE,
          METHANOL_MEMORY,
          METHANOL_DISK,
          OKHTTP_DISK,
          HTTPCLIENT_NOCACHE,
          FLOOR_MAP,
          FLOOR_MAP_COPY);

  private Contenders() {}

  static Contender open(String name, List<URI> uris, Path dir) throws IOException {
    return switch (name) {
      case CACHET_MEMORY -> CachetContender.memory(uris);
      case CACHET_FILE -> CachetContender.file(uris, dir, true);
      case CACHET_FILE_NOSYNC -> CachetContender.file(uris, dir, false);
      case APACHE_MEMORY -> ApacheContender.open(uris, null);
      case APACHE_FILE -> ApacheContender.open(uris, dir);
      case METHANOL_MEMORY ->
          methanol(HttpCache.newBuilder().cacheOnMemory(MAX_MEMORY_BYTES), uris);
      case METHANOL_DISK -> methanol(HttpCache.newBuilder().cacheOnDisk(dir, MAX_DISK_BYTES), uris);
      case OKHTTP_DISK -> OkHttpContender.open(uris, dir);
      case HTTPCLIENT_NOCACHE ->
          new JdkClientContender(JdkClientContender.plainBuilder().build(), uris, false, () -> {});
      case FLOOR_MAP -> new FloorMapContender(uris, false);
      case FLOOR_MAP_COPY -> new FloorMapContender(uris, true);
      default ->
          throw new IllegalArgumentException("unknown contender " + name + "; known: " + ALL);
    };
  }

  private static Contender methanol(HttpCache.Builder cacheBuilder, List<URI> uris) {
    HttpCache cache = cacheBuilder.build();
    Methanol client =
        Methanol.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .cache(cache)
            .build();
    return new JdkClientContender(client, uris, true, cache);
  }
}
