package dev.cachet.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Resident memory is bounded by configuration: the packaged proxy with {@code --max-bytes 64m}, run
 * with the JVM flags the README gives, under a chaos load (a hundred concurrent 8 MB misses, two
 * hundred slowloris connections and a thousand small hits at once) keeps its peak resident set
 * ({@code VmHWM}) under 256 MiB and serves every body whole.
 */
class ProxyMemoryIT {
  private static final Path JAR = Path.of("target", "cachet-proxy.jar");

  @Test
  void chaosLoad_keepsPeakResidentMemoryUnder256MiB() throws Exception {
    Path status = Path.of("/proc/self/status");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(status), "needs Linux's /proc");
    byte[] big = new byte[8_000_000];
    new Random(8).nextBytes(big);
    WireMockServer origin =
        new WireMockServer(
            wireMockConfig().bindAddress("127.0.0.1").dynamicPort().containerThreads(160));
    origin.start();
    origin.stubFor(
        get(urlPathMatching("/big/.*"))
            .willReturn(aResponse().withBody(big).withHeader("Cache-Control", "max-age=600")));
    origin.stubFor(
        get(urlPathMatching("/small/.*"))
            .willReturn(
                aResponse().withBody("x".repeat(4096)).withHeader("Cache-Control", "max-age=600")));
    Path log = Files.createTempFile("proxy-memory", ".txt");
    Process proxy =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:MaxDirectMemorySize=64m",
                "-jar",
                JAR.toString(),
                "--quiet",
                "--listen",
                "127.0.0.1:0",
                "--origin",
                origin.baseUrl(),
                "--max-bytes",
                "64m")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    List<Socket> slow = new ArrayList<>();
    try {
      String base = ProxyHeapIT.awaitBanner(log).split(" ")[3];
      URI uri = URI.create(base);
      for (int i = 0; i < 200; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), uri.getPort());
        s.getOutputStream()
            .write("GET /small/0 HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<Long>> bigs = new ArrayList<>();
      List<String> cutShort = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < 100; i++) {
        bigs.add(
            client
                .sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/big/" + i)).build(),
                    HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(r -> drain(r.body(), cutShort)));
      }
      // Fifty clients asking for small bodies twenty times each: the origin (WireMock, 160
      // threads) serves them beside the hundred big ones without refusing connections.
      List<CompletableFuture<Integer>> smalls = new ArrayList<>();
      for (int lane = 0; lane < 50; lane++) {
        CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
        for (int i = 0; i < 20; i++) {
          URI small = URI.create(base + "/small/" + ((lane + i) % 50));
          chain =
              chain.thenCompose(
                  ok ->
                      client
                          .sendAsync(
                              HttpRequest.newBuilder(small).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .thenApply(r -> ok + (r.body().length() == 4096 ? 1 : 0)));
        }
        smalls.add(chain);
      }
      int whole = 0;
      for (CompletableFuture<Long> f : bigs) {
        long n = f.get(5, TimeUnit.MINUTES);
        if (n == big.length) {
          whole++;
        } else if (n >= 0) {
          cutShort.add(n + " of " + big.length + " bytes, with no error");
        }
      }
      int smallOk = 0;
      for (CompletableFuture<Integer> f : smalls) {
        smallOk += f.get(5, TimeUnit.MINUTES);
      }
      assertThat(smallOk).isEqualTo(1000);
      long peakKiB = peakResidentKiB(proxy.pid());
      System.out.println("ProxyMemoryIT: peak resident memory " + peakKiB / 1024 + " MiB");
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(whole)
          .as("bodies cut short: " + cutShort + "; proxy log: " + output)
          .isEqualTo(100);
      assertThat(peakKiB).as("peak resident KiB; " + output).isLessThan(256 * 1024);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
      proxy.destroy();
      proxy.waitFor(30, TimeUnit.SECONDS);
      proxy.destroyForcibly();
      origin.stop();
      Files.deleteIfExists(log);
    }
  }

  /** The bytes of a body; -1, with why in {@code cutShort}, when reading it failed. */
  private static long drain(java.io.InputStream in, List<String> cutShort) {
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (in) {
      for (int r; (r = in.read(buf)) >= 0; ) {
        n += r;
      }
    } catch (IOException e) {
      cutShort.add("after " + n + " bytes: " + e);
      return -1;
    }
    return n;
  }

  private static long peakResidentKiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmHWM for " + pid);
  }
}
