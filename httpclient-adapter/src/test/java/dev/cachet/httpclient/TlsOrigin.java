package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A WireMock origin on 127.0.0.1 that speaks only HTTPS, offering HTTP/2 and HTTP/1.1 by ALPN (RFC
 * 7301), with a self-signed certificate made for the test run whose subject alternative name is the
 * IP address 127.0.0.1. Clients trust exactly that certificate through {@link #trustingContext()},
 * so the JDK client's host name verification stays on.
 */
final class TlsOrigin {
  private static final String ALIAS = "origin";
  private static final String PASSWORD = "cachet-test";

  final WireMockServer server;
  private final SSLContext trusting;

  private TlsOrigin(WireMockServer server, SSLContext trusting) {
    this.server = server;
    this.trusting = trusting;
  }

  /** Makes a key pair and certificate in {@code dir} and starts the origin with them. */
  static TlsOrigin start(Path dir) throws IOException, GeneralSecurityException {
    Path keystore = dir.resolve("origin.p12");
    generateKeystore(keystore);
    WireMockServer server =
        new WireMockServer(
            options()
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .dynamicHttpsPort()
                .http2TlsDisabled(false)
                .keystorePath(keystore.toString())
                .keystoreType("PKCS12")
                .keystorePassword(PASSWORD)
                .keyManagerPassword(PASSWORD));
    server.start();
    return new TlsOrigin(server, trustOnly(keystore));
  }

  /** An SSL context whose only trust anchor is the origin's certificate. */
  SSLContext trustingContext() {
    return trusting;
  }

  void stop() {
    server.stop();
  }

  /**
   * The JDK has no public API that issues a certificate, so its {@code keytool} does: an EC key and
   * a self-signed certificate for {@code IP:127.0.0.1}, valid for two days.
   */
  private static void generateKeystore(Path keystore) throws IOException {
    Path keytool =
        Path.of(System.getProperty("java.home"), "bin", isWindows() ? "keytool.exe" : "keytool");
    Process p =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    ALIAS,
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=ip:127.0.0.1",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool did not finish");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for keytool", e);
    }
    if (p.exitValue() != 0 || !Files.isRegularFile(keystore)) {
      throw new IOException("keytool failed (" + p.exitValue() + "): " + output);
    }
  }

  private static SSLContext trustOnly(Path keystore) throws IOException, GeneralSecurityException {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    Certificate certificate = keys.getCertificate(ALIAS);
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry(ALIAS, certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("win");
  }
}
