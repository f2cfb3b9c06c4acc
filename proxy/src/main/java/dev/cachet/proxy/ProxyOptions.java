package dev.cachet.proxy;

import static java.util.Objects.requireNonNull;

import dev.cachet.proxy.internal.OptionsParser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The reverse proxy's settings: where it listens, the origin it forwards to, its storage and the
 * limits that protect it. Built with {@link #newBuilder(URI)} or parsed from the command line with
 * {@link #parse(List)}.
 *
 * <pre>{@code
 * ProxyOptions options = ProxyOptions.newBuilder(URI.create("http://127.0.0.1:9000/app"))
 *     .listen(new InetSocketAddress("127.0.0.1", 8080))
 *     .admin(new InetSocketAddress("127.0.0.1", 9901))
 *     .build();
 * }</pre>
 */
public final class ProxyOptions {
  /** The listen address when none is given. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";

  /** The storage bound when none is given: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** The options' usage text, one option a line. */
  public static final String USAGE =
      String.join(
          "\n",
          "  --listen HOST:PORT     where to accept clients (default " + DEFAULT_LISTEN + ")",
          "  --origin URL           the origin to forward to, e.g. http://127.0.0.1:9000 (required)",
          "  --storage memory|DIR   keep responses in memory (default) or in directory DIR",
          "  --max-bytes N          the storage's bound in bytes; suffix k, m or g for KiB, MiB,"
              + " GiB (default 64m)",
          "  --admin HOST:PORT      serve health, statistics, metrics and purge there (default"
              + " off; a bare port listens on loopback)",
          "  --forwarded STYLE      x-forwarded (default), forwarded (RFC 7239) or none",
          "  --tls-cert FILE        serve HTTPS (HTTP/2 by ALPN) with this PEM certificate chain",
          "  --tls-key FILE         ... and this PEM PKCS#8 private key",
          "  --max-connections N    client connections at once (default 10000)",
          "  --cache on|off         off forwards everything and stores nothing (default on)");

  /** Which fields tell the origin about the client (RFC 7239, or the common X-Forwarded-*). */
  public enum ForwardedStyle {
    /** {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}. */
    X_FORWARDED,
    /** {@code Forwarded: for=...;proto=...;host=...} (RFC 7239). */
    FORWARDED,
    /** Neither: only {@code Via}. */
    NONE
  }

  private final InetSocketAddress listen;
  private final URI origin;
  private final Optional<Path> storageDirectory;
  private final long maxBytes;
  private final Optional<InetSocketAddress> admin;
  private final ForwardedStyle forwarded;
  private final Optional<Path> tlsCertificate;
  private final Optional<Path> tlsKey;
  private final int maxConnections;
  private final Duration headTimeout;
  private final Duration bodyTimeout;
  private final Duration idleTimeout;
  private final Duration originTimeout;
  private final Duration shutdownGrace;
  private final int maxHeadBytes;
  private final int maxFields;
  private final boolean cache;

  private ProxyOptions(Builder b) {
    this.listen = b.listen;
    this.origin = b.origin;
    this.storageDirectory = Optional.ofNullable(b.storageDirectory);
    this.maxBytes = b.maxBytes;
    this.admin = Optional.ofNullable(b.admin);
    this.forwarded = b.forwarded;
    this.tlsCertificate = Optional.ofNullable(b.tlsCertificate);
    this.tlsKey = Optional.ofNullable(b.tlsKey);
    this.maxConnections = b.maxConnections;
    this.headTimeout = b.headTimeout;
    this.bodyTimeout = b.bodyTimeout;
    this.idleTimeout = b.idleTimeout;
    this.originTimeout = b.originTimeout;
    this.shutdownGrace = b.shutdownGrace;
    this.maxHeadBytes = b.maxHeadBytes;
    this.maxFields = b.maxFields;
    this.cache = b.cache;
  }

  /**
   * {@return a builder for a proxy in front of this origin}
   *
   * @param origin an absolute {@code http} or {@code https} URI with a host and no query, fragment
   *     or user info; its path is the prefix every request target is appended to
   * @throws IllegalArgumentException if the origin is not such a URI
   */
  public static Builder newBuilder(URI origin) {
    return new Builder(OptionsParser.checkOrigin(origin, origin.toString()));
  }

  /** {@return the address clients connect to} */
  public InetSocketAddress listen() {
    return listen;
  }

  /** {@return the origin's base URI; its path is a prefix no request can leave} */
  public URI origin() {
    return origin;
  }

  /** {@return where responses are kept on disk; empty to keep them in memory} */
  public Optional<Path> storageDirectory() {
    return storageDirectory;
  }

  /** {@return the storage's bound in bytes} */
  public long maxBytes() {
    return maxBytes;
  }

  /** {@return the admin listener's address, if there is one} */
  public Optional<InetSocketAddress> admin() {
    return admin;
  }

  /** {@return which fields tell the origin about the client} */
  public ForwardedStyle forwarded() {
    return forwarded;
  }

  /** {@return the PEM certificate chain for HTTPS, if the proxy serves HTTPS} */
  public Optional<Path> tlsCertificate() {
    return tlsCertificate;
  }

  /** {@return the PEM private key for HTTPS, if the proxy serves HTTPS} */
  public Optional<Path> tlsKey() {
    return tlsKey;
  }

  /** {@return the most client connections open at once} */
  public int maxConnections() {
    return maxConnections;
  }

  /** {@return how long a client may take to send a whole request head, from its first byte} */
  public Duration headTimeout() {
    return headTimeout;
  }

  /** {@return how long a client may take to send a whole request body} */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /** {@return how long a connection may sit idle between requests} */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@return how long to wait for the origin's response head, and between pieces of its body} */
  public Duration originTimeout() {
    return originTimeout;
  }

  /** {@return how long closing waits for exchanges in flight} */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /** {@return the largest request head in bytes (request line and fields)} */
  public int maxHeadBytes() {
    return maxHeadBytes;
  }

  /** {@return the most field lines in a request head} */
  public int maxFields() {
    return maxFields;
  }

  /** {@return whether the proxy caches; false when it forwards everything and stores nothing} */
  public boolean cache() {
    return cache;
  }

  /** {@return a builder with these options, to change some} */
  public Builder toBuilder() {
    Builder b = new Builder(origin);
    b.listen = listen;
    b.storageDirectory = storageDirectory.orElse(null);
    b.maxBytes = maxBytes;
    b.admin = admin.orElse(null);
    b.forwarded = forwarded;
    b.tlsCertificate = tlsCertificate.orElse(null);
    b.tlsKey = tlsKey.orElse(null);
    b.maxConnections = maxConnections;
    b.headTimeout = headTimeout;
    b.bodyTimeout = bodyTimeout;
    b.idleTimeout = idleTimeout;
    b.originTimeout = originTimeout;
    b.shutdownGrace = shutdownGrace;
    b.maxHeadBytes = maxHeadBytes;
    b.maxFields = maxFields;
    b.cache = cache;
    return b;
  }

  /** Builds {@link ProxyOptions}; reusable. */
  public static final class Builder {
    private final URI origin;
    private InetSocketAddress listen = OptionsParser.parseListen(DEFAULT_LISTEN, "--listen");
    private @Nullable Path storageDirectory;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private @Nullable InetSocketAddress admin;
    private ForwardedStyle forwarded = ForwardedStyle.X_FORWARDED;
    private @Nullable Path tlsCertificate;
    private @Nullable Path tlsKey;
    private int maxConnections = 10_000;
    private Duration headTimeout = Duration.ofSeconds(10);
    private Duration bodyTimeout = Duration.ofSeconds(60);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private Duration originTimeout = Duration.ofSeconds(60);
    private Duration shutdownGrace = Duration.ofSeconds(5);
    private int maxHeadBytes = 16 * 1024;
    private int maxFields = 100;
    private boolean cache = true;

    private Builder(URI origin) {
      this.origin = origin;
    }

    /**
     * Where to accept clients; {@value ProxyOptions#DEFAULT_LISTEN} by default.
     *
     * @param address the address to listen on
     * @return this builder
     */
    public Builder listen(InetSocketAddress address) {
      this.listen = requireNonNull(address, "address");
      return this;
    }

    /**
     * Keep responses in this directory rather than in memory.
     *
     * @param directory the directory responses are kept in
     * @return this builder
     */
    public Builder storageDirectory(Path directory) {
      this.storageDirectory = requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The storage's bound; 64 MiB by default.
     *
     * @param bytes the storage's bound in bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxBytes(long bytes) {
      this.maxBytes = positive(bytes, "maxBytes");
      return this;
    }

    /**
     * Serve health, statistics, metrics and purge on this address; off by default.
     *
     * @param address the admin listener's address
     * @return this builder
     */
    public Builder admin(InetSocketAddress address) {
      this.admin = requireNonNull(address, "address");
      return this;
    }

    /**
     * Which fields tell the origin about the client; {@code X_FORWARDED} by default.
     *
     * @param style which fields tell the origin about the client
     * @return this builder
     */
    public Builder forwarded(ForwardedStyle style) {
      this.forwarded = requireNonNull(style, "style");
      return this;
    }

    /**
     * Serve HTTPS, with HTTP/2 offered by ALPN, with this PEM chain and PKCS#8 key.
     *
     * @param certificateChain the PEM certificate chain
     * @param privateKey the PEM PKCS#8 private key
     * @return this builder
     */
    public Builder tls(Path certificateChain, Path privateKey) {
      this.tlsCertificate = requireNonNull(certificateChain, "certificateChain");
      this.tlsKey = requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The most client connections at once; 10,000 by default. At the limit, the connection that has
     * waited longest for a request head is closed to admit the new one, so clients that are slow to
     * send cannot keep others out.
     *
     * @param n the most client connections at once
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxConnections(int n) {
      this.maxConnections = (int) positive(n, "maxConnections");
      return this;
    }

    /**
     * How long a request head may take from its first byte; 10 s by default.
     *
     * @param timeout how long a request head may take; positive
     * @return this builder
     */
    public Builder headTimeout(Duration timeout) {
      this.headTimeout = positive(timeout, "headTimeout");
      return this;
    }

    /**
     * How long a request body may take; 60 s by default.
     *
     * @param timeout how long a request body may take; positive
     * @return this builder
     */
    public Builder bodyTimeout(Duration timeout) {
      this.bodyTimeout = positive(timeout, "bodyTimeout");
      return this;
    }

    /**
     * How long a connection may sit idle between requests; 60 s by default.
     *
     * @param timeout how long a connection may sit idle; positive
     * @return this builder
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * How long the origin may take to answer, and between pieces of a body; 60 s by default.
     *
     * @param timeout how long the origin may take; positive
     * @return this builder
     */
    public Builder originTimeout(Duration timeout) {
      this.originTimeout = positive(timeout, "originTimeout");
      return this;
    }

    /**
     * How long closing waits for exchanges in flight; 5 s by default.
     *
     * @param grace how long closing waits; positive
     * @return this builder
     */
    public Builder shutdownGrace(Duration grace) {
      this.shutdownGrace = positive(grace, "shutdownGrace");
      return this;
    }

    /**
     * The largest request head in bytes; 16 KiB by default (431 beyond, 414 for the line).
     *
     * @param bytes the largest request head in bytes
     * @return this builder
     */
    public Builder maxHeadBytes(int bytes) {
      this.maxHeadBytes = (int) positive(bytes, "maxHeadBytes");
      return this;
    }

    /**
     * The most field lines in a request head; 100 by default (431 beyond).
     *
     * @param n the most field lines in a request head
     * @return this builder
     */
    public Builder maxFields(int n) {
      this.maxFields = (int) positive(n, "maxFields");
      return this;
    }

    /**
     * False to forward everything and store nothing; true by default.
     *
     * @param on false to forward everything and store nothing
     * @return this builder
     */
    public Builder cache(boolean on) {
      this.cache = on;
      return this;
    }

    /** {@return the options} */
    public ProxyOptions build() {
      if ((tlsCertificate == null) != (tlsKey == null)) {
        throw new IllegalArgumentException("TLS needs both a certificate and a key");
      }
      return new ProxyOptions(this);
    }

    private static long positive(long n, String name) {
      if (n <= 0) {
        throw new IllegalArgumentException(name + " must be positive: " + n);
      }
      return n;
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }

  /**
   * Parses {@code --name value} or {@code --name=value} arguments.
   *
   * @param args the arguments, without the program name
   * @return the options they give
   * @throws IllegalArgumentException with a one-line message fit for the user, for an unknown,
   *     repeated, missing or invalid option
   */
  public static ProxyOptions parse(List<String> args) {
    return OptionsParser.parse(args);
  }
}
