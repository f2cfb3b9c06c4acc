package dev.cachet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.core.CacheKey;
import dev.cachet.core.ContentRange;
import dev.cachet.core.Headers;
import dev.cachet.core.PartialEntry;
import dev.cachet.core.Request;
import dev.cachet.core.Response;
import dev.cachet.core.StoredPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Storage} passes: extend this class, give {@link #newStorage(long)}, and
 * the storage is tested for storing, finding and reading pairs, {@code Vary} siblings under one key
 * (RFC 9111 §4.1), header updates that keep the body (§3.2, §4.3.4), removal (§4.4), aborted and
 * uncommitted writes, eviction under the byte bound, concurrent writers and readers on one key,
 * bodies read by range (RFC 9110 §14), and, for a storage that {@linkplain
 * Storage#keepsPartialEntries keeps partial entries}, parts stored, combined and read by range (RFC
 * 9111 §3.3, §3.4).
 *
 * <pre>{@code
 * class MyStorageTest extends StorageContract {
 *   @Override
 *   protected Storage newStorage(long maximumBytes) throws IOException {
 *     return MyStorage.newBuilder().maximumBytes(maximumBytes).build();
 *   }
 * }
 * }</pre>
 *
 * <p>Storages made by {@link #newStorage(long)} are closed after each test.
 */
public abstract class StorageContract {
  /** A bound large enough that no test but the eviction tests comes near it. */
  protected static final long ROOMY = 64L << 20;

  private final List<Storage> opened = new ArrayList<>();

  /**
   * A new, empty storage bounded by about this many bytes. It must accept pairs of at least 64 KiB
   * of body when the bound is {@link #ROOMY}, and a pair of a tenth of the bound otherwise.
   */
  protected abstract Storage newStorage(long maximumBytes) throws IOException;

  /** A new roomy storage, closed after the test. */
  protected final Storage storage() throws IOException {
    return storage(ROOMY);
  }

  /** A new storage with this bound, closed after the test. */
  protected final Storage storage(long maximumBytes) throws IOException {
    Storage s = newStorage(maximumBytes);
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeStorages() throws IOException {
    for (Storage s : opened) {
      s.close();
    }
  }

  // ---- helpers other storages' tests may use ----

  /** A GET pair for this URI with a fresh id and the given response headers. */
  protected static StoredPair pair(String uri, Headers requestHeaders, String... responseHeaders) {
    URI u = URI.create(uri);
    Instant t = Instant.parse("2026-01-02T03:04:05.123456789Z");
    return new StoredPair(
        UUID.randomUUID(),
        CacheKey.of(u),
        new Request("GET", u, requestHeaders),
        Response.of(200, Headers.of(responseHeaders)),
        t,
        t.plusMillis(7));
  }

  /** A GET pair for this URI with a fresh id. */
  protected static StoredPair pair(String uri) {
    return pair(uri, Headers.empty(), "Cache-Control", "max-age=60");
  }

  /** Stores a pair with this body, written in chunks of at most {@code chunk} bytes. */
  protected static void store(Storage s, StoredPair pair, byte[] body, int chunk)
      throws IOException {
    try (BodyWriter w = s.newWriter(pair)) {
      for (int i = 0; i < body.length; i += chunk) {
        w.write(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
      }
      assertThat(w.bytesWritten()).isEqualTo(body.length);
      w.commit();
    }
  }

  /** Stores a pair with this body in one chunk. */
  protected static void store(Storage s, StoredPair pair, byte[] body) throws IOException {
    store(s, pair, body, Math.max(1, body.length));
  }

  /** The body of a pair read as chunks, or empty when the storage has none. */
  protected static Optional<byte[]> readChunks(Storage s, StoredPair pair) throws IOException {
    Optional<StoredBody> opened = s.openBody(pair);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (StoredBody body = opened.get()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
        ByteBuffer b = c.get();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a);
      }
      byte[] bytes = out.toByteArray();
      assertThat((long) bytes.length).isEqualTo(body.length());
      return Optional.of(bytes);
    }
  }

  /** The body of a pair read as a stream, or empty when the storage has none. */
  protected static Optional<byte[]> readStream(Storage s, StoredPair pair) throws IOException {
    Optional<StoredBody> opened = s.openBody(pair);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (StoredBody body = opened.get();
        InputStream in = body.asInputStream()) {
      byte[] bytes = in.readAllBytes();
      assertThat((long) bytes.length).isEqualTo(body.length());
      return Optional.of(bytes);
    }
  }

  /** Bytes that differ from one seed to another. */
  protected static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    long x = seed * 0x9E3779B97F4A7C15L + 1;
    for (int i = 0; i < length; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      b[i] = (byte) x;
    }
    return b;
  }

  /** The bytes of a range of a body read as chunks, or empty when the storage has none. */
  protected static Optional<byte[]> readRange(Storage s, StoredPair pair, long offset, long length)
      throws IOException {
    Optional<StoredBody> opened = s.openBody(pair, offset, length);
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    try (StoredBody body = opened.get()) {
      assertThat(body.length()).isEqualTo(length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
        ByteBuffer b = c.get();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        out.write(a);
      }
      return Optional.of(out.toByteArray());
    }
  }

  /** The bytes of a range of a body read as a stream. */
  private static byte[] readRangeAsStream(Storage s, StoredPair pair, long offset, long length)
      throws IOException {
    try (StoredBody body = s.openBody(pair, offset, length).orElseThrow();
        InputStream in = body.asInputStream()) {
      return in.readAllBytes();
    }
  }

  /** A partial entry's pair: the complete 200 of {@code completeLength} bytes, with an ETag. */
  protected static StoredPair partialPair(String uri, long completeLength, String etag) {
    return pair(
        uri,
        Headers.empty(),
        "Cache-Control",
        "max-age=60",
        "ETag",
        etag,
        "Content-Length",
        Long.toString(completeLength));
  }

  /** Stores one part of a partial entry. */
  protected static void storePart(Storage s, StoredPair pair, ContentRange part, byte[] whole)
      throws IOException {
    try (BodyWriter w = s.newPartWriter(pair, part)) {
      w.write(ByteBuffer.wrap(whole, (int) part.offset(), (int) part.length()));
      w.commit();
    }
  }

  private static byte[] slice(byte[] b, long offset, long length) {
    return java.util.Arrays.copyOfRange(b, (int) offset, (int) (offset + length));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- store, find, read ----

  @Test
  void find_unknownKey_isEmpty() throws IOException {
    assertThat(storage().find(CacheKey.of(URI.create("http://example.com/none")))).isEmpty();
  }

  @Test
  void storedPair_isFound_withItsBody_asChunksAndAsStream() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/a");
    byte[] body = bytes(10_000, 1);
    store(s, p, body, 777);

    assertThat(s.find(p.key())).containsExactly(p);
    StoredPair found = s.find(p.key()).get(0);
    assertThat(found.request()).isEqualTo(p.request());
    assertThat(found.response()).isEqualTo(p.response());
    assertThat(found.requestTime()).isEqualTo(p.requestTime());
    assertThat(found.responseTime()).isEqualTo(p.responseTime());
    assertThat(readChunks(s, found)).contains(body);
    assertThat(readStream(s, found)).contains(body);
  }

  @Test
  void headersKeepOrderCaseAndDuplicates() throws IOException {
    Storage s = storage();
    StoredPair p =
        pair(
            "https://example.com/h?q=1",
            Headers.of("Accept", "text/html", "accept", "*/*"),
            "Vary",
            "Accept",
            "Set-Cookie",
            "a=1",
            "cache-control",
            "max-age=5",
            "Set-Cookie",
            "b=2; Path=/",
            "X-Empty",
            "");
    store(s, p, utf8("x"));

    StoredPair found = s.find(p.key()).get(0);
    assertThat(found.response().headers().fields()).isEqualTo(p.response().headers().fields());
    assertThat(found.request().headers().fields()).isEqualTo(p.request().headers().fields());
  }

  @Test
  void emptyBody_isStoredAndReadAsEmpty() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/empty");
    try (BodyWriter w = s.newWriter(p)) {
      w.commit();
    }
    assertThat(s.find(p.key())).containsExactly(p);
    assertThat(readChunks(s, p)).contains(new byte[0]);
    assertThat(readStream(s, p)).contains(new byte[0]);
  }

  @Test
  void writerDoesNotKeepTheCallersBuffer() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/reuse");
    ByteBuffer buf = ByteBuffer.allocate(4);
    try (BodyWriter w = s.newWriter(p)) {
      buf.put(utf8("abcd")).flip();
      w.write(buf);
      assertThat(buf.remaining()).isZero();
      buf.clear().put(utf8("efgh")).flip();
      w.write(buf);
      buf.clear().put(utf8("XXXX"));
      w.commit();
    }
    assertThat(readChunks(s, p)).contains(utf8("abcdefgh"));
  }

  @Test
  void directBuffersAreAccepted() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/direct");
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(utf8("xyz")).flip();
    try (BodyWriter w = s.newWriter(p)) {
      w.write(direct);
      w.commit();
    }
    assertThat(readStream(s, p)).contains(utf8("xyz"));
  }

  @Test
  void K_keysAreDistinct_pairsOfOtherUrisAreNotFound() throws IOException {
    Storage s = storage();
    StoredPair a = pair("http://example.com/a");
    StoredPair b = pair("http://example.com/b");
    store(s, a, utf8("A"));
    store(s, b, utf8("B"));
    assertThat(s.find(a.key())).containsExactly(a);
    assertThat(s.find(b.key())).containsExactly(b);
    assertThat(readChunks(s, b)).contains(utf8("B"));
  }

  // ---- Vary siblings (RFC 9111 §4.1) ----

  @Test
  void V_varySiblings_areAllKeptUnderOneKey_eachWithItsBody() throws IOException {
    Storage s = storage();
    String uri = "http://example.com/negotiated";
    StoredPair gzip =
        pair(uri, Headers.of("Accept-Encoding", "gzip"), "Vary", "Accept-Encoding", "A", "1");
    StoredPair br =
        pair(uri, Headers.of("Accept-Encoding", "br"), "Vary", "Accept-Encoding", "A", "2");
    StoredPair none = pair(uri, Headers.empty(), "Vary", "Accept-Encoding", "A", "3");
    store(s, gzip, utf8("gzip body"));
    store(s, br, utf8("br body"));
    store(s, none, utf8("identity body"));

    assertThat(s.find(gzip.key())).containsExactlyInAnyOrder(gzip, br, none);
    assertThat(readChunks(s, gzip)).contains(utf8("gzip body"));
    assertThat(readChunks(s, br)).contains(utf8("br body"));
    assertThat(readStream(s, none)).contains(utf8("identity body"));
  }

  @Test
  void commitWithSameId_replacesThePairAndItsBody() throws IOException {
    Storage s = storage();
    StoredPair old = pair("http://example.com/r");
    store(s, old, utf8("old"));
    StoredPair neu =
        old.withResponse(
            Response.of(200, Headers.of("ETag", "\"2\"")),
            old.requestTime().plusSeconds(10),
            old.responseTime().plusSeconds(10));
    store(s, neu, utf8("new body"));

    assertThat(s.find(old.key())).containsExactly(neu);
    assertThat(readChunks(s, neu)).contains(utf8("new body"));
    assertThat(s.openBody(old)).as("the replaced pair's body").isEmpty();
  }

  // ---- update (RFC 9111 §3.2, §4.3.4) ----

  @Test
  void update_replacesHeadersAndTimes_andKeepsTheBody() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/u", Headers.empty(), "ETag", "\"1\"", "X", "old");
    byte[] body = bytes(5000, 3);
    store(s, p, body);
    StoredPair updated =
        p.withResponse(
            Response.of(200, Headers.of("ETag", "\"1\"", "X", "new", "Date", "later")),
            p.requestTime().plusSeconds(60),
            p.responseTime().plusSeconds(61));

    assertThat(s.update(updated)).isTrue();

    assertThat(s.find(p.key())).containsExactly(updated);
    assertThat(readChunks(s, updated)).contains(body);
  }

  @Test
  void httpVersion_isKeptWithThePair_andThroughAnUpdate() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/version").withHttpVersion("HTTP/1.1");
    store(s, p, utf8("v"));

    assertThat(s.find(p.key())).containsExactly(p);
    assertThat(s.find(p.key()).get(0).httpVersion()).contains("HTTP/1.1");
    StoredPair updated =
        p.withResponse(
            Response.of(200, Headers.of("Cache-Control", "max-age=60", "X", "new")),
            p.requestTime().plusSeconds(60),
            p.responseTime().plusSeconds(61));
    assertThat(s.update(updated)).isTrue();
    assertThat(s.find(p.key())).containsExactly(updated);
    assertThat(s.find(p.key()).get(0).httpVersion()).contains("HTTP/1.1");
    assertThat(readChunks(s, updated)).contains(utf8("v"));
  }

  @Test
  void reasonPhrase_isKeptWithThePair_throughAnUpdate_andWhenOnlyPartOfTheRequestIsKept()
      throws IOException {
    Storage s = storage();
    StoredPair p =
        pair(
                "http://example.com/reason",
                Headers.of("Cookie", "secret=1", "Accept", "text/plain"),
                "Cache-Control",
                "max-age=60",
                "Vary",
                "Accept")
            .withHttpVersion("HTTP/1.1")
            .withReasonPhrase("Splendidly Done");
    store(s, p, utf8("r"));

    assertThat(s.find(p.key()))
        .singleElement()
        .satisfies(f -> assertThat(f.reasonPhrase()).contains("Splendidly Done"));
    StoredPair found = s.find(p.key()).get(0);
    StoredPair updated =
        found.withResponse(
            Response.of(200, Headers.of("Cache-Control", "max-age=60", "Vary", "Accept")),
            p.requestTime().plusSeconds(60),
            p.responseTime().plusSeconds(61));
    assertThat(s.update(updated)).isTrue();
    assertThat(s.find(p.key()))
        .singleElement()
        .satisfies(f -> assertThat(f.reasonPhrase()).contains("Splendidly Done"));
  }

  @Test
  void httpVersion_isKept_whenAStorageKeepsOnlyPartOfTheRequest() throws IOException {
    // A storage may keep only the request fields Vary names (FileStorage, SEC-10): the version
    // must survive that reduction too.
    Storage s = storage();
    StoredPair p =
        pair(
                "http://example.com/reduced",
                Headers.of("Cookie", "secret=1", "Accept", "text/plain"),
                "Cache-Control",
                "max-age=60",
                "Vary",
                "Accept")
            .withHttpVersion("HTTP/2");
    store(s, p, utf8("r"));

    assertThat(s.find(p.key()))
        .singleElement()
        .satisfies(f -> assertThat(f.httpVersion()).contains("HTTP/2"));
  }

  @Test
  void update_ofAMissingPair_returnsFalse_andStoresNothing() throws IOException {
    Storage s = storage();
    StoredPair sibling = pair("http://example.com/m");
    store(s, sibling, utf8("s"));
    StoredPair missing = pair("http://example.com/m");

    assertThat(s.update(missing)).isFalse();
    assertThat(s.update(pair("http://example.com/other"))).isFalse();
    assertThat(s.find(missing.key())).containsExactly(sibling);
  }

  // ---- removal (RFC 9111 §4.4) ----

  @Test
  void remove_removesTheGivenIdsOnly() throws IOException {
    Storage s = storage();
    String uri = "http://example.com/rm";
    StoredPair a = pair(uri, Headers.of("Accept", "a"), "Vary", "Accept");
    StoredPair b = pair(uri, Headers.of("Accept", "b"), "Vary", "Accept");
    StoredPair c = pair(uri, Headers.of("Accept", "c"), "Vary", "Accept");
    store(s, a, utf8("a"));
    store(s, b, utf8("b"));
    store(s, c, utf8("c"));

    s.remove(a.key(), List.of(a.id(), c.id(), UUID.randomUUID()));

    assertThat(s.find(a.key())).containsExactly(b);
    assertThat(s.openBody(a)).isEmpty();
    assertThat(s.openBody(c)).isEmpty();
    assertThat(readChunks(s, b)).contains(utf8("b"));
    assertThatCode(() -> s.remove(a.key(), Set.of())).doesNotThrowAnyException();
  }

  @Test
  void removeAll_removesEveryPairUnderTheKey_andNoOther() throws IOException {
    Storage s = storage();
    StoredPair a = pair("http://example.com/x", Headers.of("Accept", "a"), "Vary", "Accept");
    StoredPair b = pair("http://example.com/x", Headers.of("Accept", "b"), "Vary", "Accept");
    StoredPair other = pair("http://example.com/y");
    store(s, a, utf8("a"));
    store(s, b, utf8("b"));
    store(s, other, utf8("o"));

    s.removeAll(a.key());
    s.removeAll(CacheKey.of(URI.create("http://example.com/never-stored")));

    assertThat(s.find(a.key())).isEmpty();
    assertThat(s.openBody(b)).isEmpty();
    assertThat(s.find(other.key())).containsExactly(other);
  }

  @Test
  void sizeCountsBodies_andFallsOnRemoval_andClearEmptiesAll() throws IOException {
    Storage s = storage();
    assertThat(s.size()).isZero();
    StoredPair a = pair("http://example.com/s1");
    StoredPair b = pair("http://example.com/s2");
    store(s, a, bytes(20_000, 1));
    long one = s.size();
    assertThat(one).isGreaterThanOrEqualTo(20_000);
    store(s, b, bytes(30_000, 2));
    assertThat(s.size()).isGreaterThanOrEqualTo(one + 30_000);

    s.removeAll(b.key());
    assertThat(s.size()).isEqualTo(one);

    s.clear();
    assertThat(s.size()).isZero();
    assertThat(s.find(a.key())).isEmpty();
    assertThat(s.openBody(a)).isEmpty();
    assertThat(s.evictionCount()).as("removals are not evictions").isZero();
  }

  // ---- nothing half-done is visible ----

  @Test
  void abort_leavesNothingBehind() throws IOException {
    Storage s = storage();
    long before = s.size();
    StoredPair p = pair("http://example.com/abort");
    BodyWriter w = s.newWriter(p);
    w.write(ByteBuffer.wrap(bytes(4000, 9)));
    w.abort();
    w.abort();
    w.close();

    assertThat(s.find(p.key())).isEmpty();
    assertThat(s.openBody(p)).isEmpty();
    assertThat(s.size()).isEqualTo(before);
  }

  @Test
  void abort_ofAReplacement_keepsTheOldPair() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/keep");
    store(s, p, utf8("kept"));
    StoredPair replacement =
        p.withResponse(Response.of(200, Headers.of("X", "2")), p.requestTime(), p.responseTime());
    try (BodyWriter w = s.newWriter(replacement)) {
      w.write(ByteBuffer.wrap(utf8("half")));
      w.abort();
    }
    assertThat(s.find(p.key())).containsExactly(p);
    assertThat(readChunks(s, p)).contains(utf8("kept"));
  }

  @Test
  void closeWithoutCommit_aborts() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/unclosed");
    try (BodyWriter w = s.newWriter(p)) {
      w.write(ByteBuffer.wrap(utf8("partial")));
    }
    assertThat(s.find(p.key())).isEmpty();
    assertThat(s.openBody(p)).isEmpty();
  }

  @Test
  void pairIsVisibleOnlyAfterCommit() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/visible");
    try (BodyWriter w = s.newWriter(p)) {
      w.write(ByteBuffer.wrap(utf8("first ")));
      assertThat(s.find(p.key())).isEmpty();
      assertThat(s.openBody(p)).isEmpty();
      w.write(ByteBuffer.wrap(utf8("second")));
      assertThat(s.find(p.key())).isEmpty();
      w.commit();
    }
    assertThat(s.find(p.key())).containsExactly(p);
    assertThat(readChunks(s, p)).contains(utf8("first second"));
  }

  @Test
  void writerAfterCommitOrAbort_refusesMore() throws IOException {
    Storage s = storage();
    BodyWriter committed = s.newWriter(pair("http://example.com/w1"));
    committed.commit();
    assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class);
    assertThatCode(committed::abort).doesNotThrowAnyException();
    committed.close();

    BodyWriter aborted = s.newWriter(pair("http://example.com/w2"));
    aborted.abort();
    assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
    assertThat(s.find(CacheKey.of(URI.create("http://example.com/w1")))).hasSize(1);
  }

  // ---- eviction under the byte bound ----

  @Test
  void eviction_keepsSizeWithinTheBound_andCountsEveryPairEvicted() throws IOException {
    Assumptions.assumeTrue(
        evictsToItsOwnBound(),
        "this storage is bounded by its server, not by newStorage(maximumBytes): its own tests"
            + " cover eviction");
    long bound = 256 * 1024;
    Storage s = storage(bound);
    List<StoredPair> pairs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // Two Vary siblings per key: an evicted pair goes with its body, and counts once.
      for (String lang : List.of("en", "fr")) {
        StoredPair p =
            pair(
                "http://example.com/e/" + i,
                Headers.of("Accept-Language", lang),
                "Vary",
                "Accept-Language");
        store(s, p, bytes(4 * 1024, pairs.size()), 1000);
        pairs.add(p);
        assertThat(s.size()).isLessThanOrEqualTo(bound);
      }
    }
    assertThat(s.evictionCount()).isPositive();
    int kept = 0;
    for (int i = 0; i < pairs.size(); i++) {
      StoredPair p = pairs.get(i);
      if (s.find(p.key()).contains(p)) {
        assertThat(readChunks(s, p)).as("body of a kept pair").contains(bytes(4 * 1024, i));
        kept++;
      } else {
        assertThat(s.openBody(p)).as("body of an evicted pair").isEmpty();
      }
    }
    assertThat(kept).as("pairs kept").isPositive();
    assertThat(kept + s.evictionCount()).as("pairs kept plus pairs evicted").isEqualTo(100);
  }

  // ---- commitIsCheap ----

  /**
   * {@link Storage#commitIsCheap(long)} answers for any length, known or not, without I/O (so even
   * after close), and a commit it calls cheap still publishes the pair at once, whole.
   */
  @Test
  void commitIsCheap_answersForAnyLength_andACheapCommitIsVisibleAtOnce() throws IOException {
    Storage s = storage();
    long[] lengths = {-1, 0, 1, 1000, 64 << 10, Long.MAX_VALUE};
    for (long length : lengths) {
      assertThatCode(() -> s.commitIsCheap(length)).doesNotThrowAnyException();
    }
    for (int length : new int[] {0, 1, 1000}) {
      if (s.commitIsCheap(length)) {
        StoredPair p = pair("http://example.com/cheap-" + length);
        store(s, p, bytes(length, length));
        assertThat(s.find(p.key())).containsExactly(p);
        assertThat(readChunks(s, p)).contains(bytes(length, length));
      }
    }
    Storage closed = newStorage(ROOMY);
    closed.close();
    assertThatCode(() -> closed.commitIsCheap(1000)).doesNotThrowAnyException();
  }

  // ---- closed ----

  @Test
  void closedStorage_refusesCalls_withAStorageFailure() throws IOException {
    Storage s = newStorage(ROOMY);
    StoredPair p = pair("http://example.com/closed");
    store(s, p, utf8("c"));
    s.close();
    assertThatThrownBy(() -> s.find(p.key())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> s.newWriter(p)).isInstanceOf(IOException.class);
  }

  @Test
  void closingTheStorage_abortsPendingWriters() throws IOException {
    Storage s = newStorage(ROOMY);
    BodyWriter w = s.newWriter(pair("http://example.com/pending"));
    w.write(ByteBuffer.wrap(bytes(1000, 1)));
    s.close();
    assertThatThrownBy(
            () -> {
              w.write(ByteBuffer.wrap(bytes(10, 2)));
              w.commit();
            })
        .isInstanceOfAny(IOException.class, IllegalStateException.class);
    assertThatCode(w::close).doesNotThrowAnyException();
  }

  /**
   * Guards against a writer that outlives its storage: once the storage is closed, its pending
   * writers are aborted (the SPI's {@code close}), so a further chunk is refused at once rather
   * than gathered for a commit that can never publish it.
   */
  @Test
  void closingTheStorage_abortsPendingWriters_soAFurtherWriteIsRefused() throws IOException {
    Storage s = newStorage(ROOMY);
    BodyWriter w = s.newWriter(pair("http://example.com/pending-write"));
    w.write(ByteBuffer.wrap(bytes(1000, 1)));
    s.close();
    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(bytes(10, 2))))
        .isInstanceOfAny(IOException.class, IllegalStateException.class);
    assertThatThrownBy(w::commit).isInstanceOfAny(IOException.class, IllegalStateException.class);
    assertThatCode(w::close).doesNotThrowAnyException();
  }

  /** A writer whose body was complete before the close still cannot commit after it. */
  @Test
  void closingTheStorage_abortsPendingWriters_soACompleteBodyIsNotCommitted() throws IOException {
    Storage s = newStorage(ROOMY);
    BodyWriter w = s.newWriter(pair("http://example.com/pending-commit"));
    w.write(ByteBuffer.wrap(bytes(1000, 1)));
    s.close();
    assertThatThrownBy(w::commit).isInstanceOfAny(IOException.class, IllegalStateException.class);
    assertThatCode(w::close).doesNotThrowAnyException();
  }

  // ---- threads ----

  /**
   * Two writers replace pairs under one key (same ids, new headers and bodies each time) while two
   * readers find and read them: no exception, and every body read belongs to the headers it was
   * found with.
   */
  @Test
  void concurrentWritersAndReaders_onOneKey_neverSeeATornPair() throws Exception {
    Storage s = storage();
    String uri = "http://example.com/contended";
    UUID[] ids = {UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()};
    int operations = concurrentOperations();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < operations; i++) {
                    long seq = (long) writer << 32 | i;
                    UUID id = ids[(i + writer) % ids.length];
                    int length = 1 + (int) ((seq * 7919) % 3000);
                    StoredPair p = versioned(uri, id, seq, length);
                    if (i % 10 == 9) {
                      s.remove(p.key(), List.of(id));
                    } else {
                      store(s, p, bytes(length, seq), 512);
                    }
                    writes.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (int r = 0; r < 2; r++) {
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  while (!stop.get()) {
                    for (StoredPair p : s.find(CacheKey.of(URI.create(uri)))) {
                      long seq = Long.parseLong(p.response().headers().firstValue("X-Seq").get());
                      int length =
                          Integer.parseInt(p.response().headers().firstValue("X-Length").get());
                      Optional<byte[]> body = readChunks(s, p);
                      if (body.isPresent()) {
                        assertThat(body.get()).isEqualTo(bytes(length, seq));
                        reads.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      tasks.get(0).get(2, TimeUnit.MINUTES);
      tasks.get(1).get(2, TimeUnit.MINUTES);
      stop.set(true);
      for (Future<?> f : tasks) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(writes.get()).isEqualTo(2L * operations);
    assertThat(reads.get()).isPositive();
  }

  /**
   * Whether the storage keeps itself within the bound given to {@link #newStorage(long)} and counts
   * what it evicts; true unless overridden. A storage bounded by its server instead (Redis under
   * {@code maxmemory}, which evicts on its own) returns false, and the eviction test is skipped for
   * it with that reason.
   */
  protected boolean evictsToItsOwnBound() {
    return true;
  }

  // ---- ranges (RFC 9110 §14) ----

  @Test
  void P_01_rangeRead_givesExactlyThoseBytes_asChunksAndAsStream() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/range");
    byte[] body = bytes(10_000, 17);
    store(s, p, body, 777);
    long[][] ranges = {{0, 10}, {9_990, 10}, {1_234, 5_000}, {0, 10_000}, {10_000, 0}, {9_999, 1}};
    for (long[] r : ranges) {
      assertThat(readRange(s, p, r[0], r[1]))
          .as("%d+%d", r[0], r[1])
          .contains(slice(body, r[0], r[1]));
      assertThat(readRangeAsStream(s, p, r[0], r[1])).isEqualTo(slice(body, r[0], r[1]));
    }
  }

  @Test
  void P_01_rangeRead_ofAGoneOrReplacedPair_isEmpty() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/range-gone");
    store(s, p, bytes(100, 1));
    StoredPair replacement =
        p.withResponse(
            Response.of(200, Headers.of("X-Version", "2")), p.requestTime(), p.responseTime());
    store(s, replacement, bytes(100, 2));
    assertThat(s.openBody(p, 0, 10)).isEmpty();
    s.remove(p.key(), List.of(p.id()));
    assertThat(s.openBody(replacement, 0, 10)).isEmpty();
  }

  @Test
  void P_01_aRangeBeyondTheBody_isAStorageFailure_andANegativeOneACallerBug() throws IOException {
    Storage s = storage();
    StoredPair p = pair("http://example.com/range-beyond");
    store(s, p, bytes(100, 3));
    assertThatThrownBy(() -> s.openBody(p, 95, 10)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> s.openBody(p, -1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThat(readRange(s, p, 90, 10)).contains(slice(bytes(100, 3), 90, 10));
  }

  // ---- partial entries (RFC 9111 §3.3, §3.4) ----

  @Test
  void P_04_aStorageWithoutPartialEntries_refusesParts_andFindsNone() throws IOException {
    Storage s = storage();
    Assumptions.assumeFalse(s.keepsPartialEntries());
    StoredPair p = partialPair("http://example.com/no-parts", 100, "\"v1\"");
    assertThatThrownBy(() -> s.newPartWriter(p, new ContentRange(0, 10, 100)))
        .isInstanceOf(StorageException.class);
    assertThat(s.findPartial(p.key())).isEmpty();
  }

  @Test
  void P_04_aPart_isAPartialEntry_neverFoundAsComplete_andReadOnlyWhereStored() throws IOException {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair p = partialPair("http://example.com/part", 100, "\"v1\"");
    byte[] whole = bytes(100, 4);
    storePart(s, p, new ContentRange(10, 20, 100), whole);

    assertThat(s.find(p.key())).isEmpty();
    assertThat(s.openBody(p)).isEmpty();
    List<PartialEntry> found = s.findPartial(p.key());
    assertThat(found).hasSize(1);
    assertThat(found.get(0).pair()).isEqualTo(p);
    assertThat(found.get(0).present().toString()).isEqualTo("10-29");
    assertThat(readRange(s, found.get(0).pair(), 10, 20)).contains(slice(whole, 10, 20));
    assertThat(readRange(s, p, 15, 5)).contains(slice(whole, 15, 5));
    assertThat(s.openBody(p, 0, 11)).isEmpty();
    assertThat(s.openBody(p, 25, 10)).isEmpty();
  }

  @Test
  void P_05_partsCombine_theLatestHeadersWin_andReadsCrossTheirSeam() throws IOException {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair first = partialPair("http://example.com/parts", 100, "\"v1\"");
    StoredPair second =
        new StoredPair(
            first.id(),
            first.key(),
            first.request(),
            first.response().withHeaders(first.response().headers().plus("X-Part", "2")),
            first.requestTime().plusSeconds(1),
            first.responseTime().plusSeconds(1));
    byte[] whole = bytes(100, 5);
    storePart(s, first, new ContentRange(0, 40, 100), whole);
    storePart(s, second, new ContentRange(30, 30, 100), whole);
    storePart(s, second, new ContentRange(80, 20, 100), whole);

    PartialEntry entry = s.findPartial(first.key()).get(0);
    assertThat(entry.pair()).isEqualTo(second);
    assertThat(entry.present().toString()).isEqualTo("0-59,80-99");
    assertThat(readRange(s, second, 20, 40)).contains(slice(whole, 20, 40));
    assertThat(readRange(s, second, 85, 15)).contains(slice(whole, 85, 15));
    assertThat(s.openBody(second, 50, 40)).isEmpty();
    assertThat(s.openBody(first, 0, 10)).as("headers since replaced").isEmpty();
  }

  @Test
  void P_05_aCompleteEntry_becomesAComplete200_asTheEngineCopiesIt() throws IOException {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair p = partialPair("http://example.com/complete", 100, "\"v1\"");
    byte[] whole = bytes(100, 6);
    storePart(s, p, new ContentRange(50, 50, 100), whole);
    storePart(s, p, new ContentRange(0, 50, 100), whole);
    PartialEntry entry = s.findPartial(p.key()).get(0);
    assertThat(entry.isComplete()).isTrue();

    StoredPair complete = entry.asComplete(UUID.randomUUID());
    try (StoredBody body = s.openBody(entry.pair(), 0, entry.completeLength()).orElseThrow();
        BodyWriter w = s.newWriter(complete)) {
      for (Optional<ByteBuffer> c = body.nextChunk(); c.isPresent(); c = body.nextChunk()) {
        w.write(c.get());
      }
      w.commit();
    }
    s.remove(p.key(), List.of(entry.pair().id()));

    assertThat(s.find(p.key())).containsExactly(complete);
    assertThat(s.findPartial(p.key())).isEmpty();
    assertThat(readChunks(s, complete)).contains(whole);
  }

  @Test
  void P_04_aPartOfTheWrongLength_orAborted_storesNothing() throws IOException {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair p = partialPair("http://example.com/short-part", 100, "\"v1\"");
    try (BodyWriter w = s.newPartWriter(p, new ContentRange(0, 10, 100))) {
      w.write(ByteBuffer.wrap(bytes(9, 7)));
      assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
    }
    try (BodyWriter w = s.newPartWriter(p, new ContentRange(0, 10, 100))) {
      w.write(ByteBuffer.wrap(bytes(10, 7)));
      w.abort();
    }
    try (BodyWriter w = s.newPartWriter(p, new ContentRange(0, 10, 100))) {
      w.write(ByteBuffer.wrap(bytes(10, 7)));
    }
    assertThat(s.findPartial(p.key())).isEmpty();
    assertThatThrownBy(() -> s.newPartWriter(p, new ContentRange(0, 10, 200)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void P_05_partsCommittedAtOnce_areAllJoined_noneLost() throws Exception {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair p = partialPair("http://example.com/together", 1000, "\"v1\"");
    byte[] whole = bytes(1000, 10);
    storePart(s, p, new ContentRange(0, 100, 1000), whole);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 1; i < 10; i++) {
        ContentRange part = new ContentRange(i * 100L, 100, 1000);
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  storePart(s, p, part, whole);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    PartialEntry entry = s.findPartial(p.key()).get(0);
    assertThat(entry.isComplete()).isTrue();
    assertThat(readRange(s, p, 0, 1000)).contains(whole);
  }

  @Test
  void P_05_removeAndRemoveAll_takePartialEntriesToo() throws IOException {
    Storage s = storage();
    Assumptions.assumeTrue(s.keepsPartialEntries());
    StoredPair a = partialPair("http://example.com/rm", 100, "\"a\"");
    StoredPair b = partialPair("http://example.com/rm", 100, "\"b\"");
    StoredPair complete = pair("http://example.com/rm");
    byte[] whole = bytes(100, 8);
    storePart(s, a, new ContentRange(0, 10, 100), whole);
    storePart(s, b, new ContentRange(0, 10, 100), whole);
    store(s, complete, whole);
    assertThat(s.size()).isGreaterThanOrEqualTo(100);
    s.remove(a.key(), List.of(a.id()));
    assertThat(s.findPartial(a.key())).extracting(PartialEntry::pair).containsExactly(b);
    assertThat(s.find(a.key())).containsExactly(complete);
    s.removeAll(a.key());
    assertThat(s.findPartial(a.key())).isEmpty();
    assertThat(s.find(a.key())).isEmpty();
  }

  /** Operations per writer in {@link #concurrentWritersAndReaders_onOneKey_neverSeeATornPair}. */
  protected int concurrentOperations() {
    return 3000;
  }

  private static StoredPair versioned(String uri, UUID id, long seq, int length) {
    URI u = URI.create(uri);
    Instant t = Instant.ofEpochSecond(1_700_000_000L + seq % 1000);
    return new StoredPair(
        id,
        CacheKey.of(u),
        Request.get(u),
        Response.of(
            200, Headers.of("X-Seq", Long.toString(seq), "X-Length", Integer.toString(length))),
        t,
        t);
  }
}
