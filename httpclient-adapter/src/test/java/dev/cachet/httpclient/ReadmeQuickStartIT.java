package dev.cachet.httpclient;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start run as a user runs it: a short program ({@link ReadmeQuickStart}) in a
 * new JVM, twice on one cache directory. The second run's first request must be a hit, whether the
 * program closes the client as the README shows or closes nothing and returns from {@code main}.
 */
class ReadmeQuickStartIT extends OriginSupport {

  /** The program's client asks for HTTP/2, the JDK's default: this origin answers in HTTP/1.1. */
  @BeforeAll
  static void startOrigin() {
    origin =
        new WireMockServer(
            options().bindAddress("127.0.0.1").dynamicPort().http2PlainDisabled(true));
    origin.start();
  }

  @Test
  void asWritten_closingTheClient_theNextRunIsAHit() throws Exception {
    origin.stubFor(get("/data").willReturn(ok("data").withHeader("Cache-Control", "max-age=3600")));
    Path workDir = Files.createDirectories(dir.resolve("program"));

    List<String> firstRun = runProgram(workDir, "close");
    List<String> secondRun = runProgram(workDir, "close");

    assertThat(firstRun).anyMatch(l -> l.startsWith("first: Cachet; fwd=uri-miss; fwd-status=200"));
    assertThat(firstRun).anyMatch(l -> l.startsWith("again: Cachet; hit"));
    assertThat(secondRun).anyMatch(l -> l.startsWith("first: Cachet; hit"));
    assertThat(secondRun).contains("body: data");
    assertThat(originGets("/data")).isEqualTo(1);
  }

  @Test
  void withoutClosingAnything_theNextRunIsAHit() throws Exception {
    origin.stubFor(get("/data").willReturn(ok("data").withHeader("Cache-Control", "max-age=3600")));
    Path workDir = Files.createDirectories(dir.resolve("program"));

    List<String> firstRun = runProgram(workDir, "leave");
    List<String> secondRun = runProgram(workDir, "leave");

    assertThat(firstRun).anyMatch(l -> l.startsWith("again: Cachet; hit"));
    assertThat(secondRun).anyMatch(l -> l.startsWith("first: Cachet; hit"));
    assertThat(secondRun).contains("body: data");
    assertThat(originGets("/data")).isEqualTo(1);
  }

  /** Runs the program to its end in a new JVM in {@code workDir}; returns its output lines. */
  List<String> runProgram(Path workDir, String mode) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(classPath());
    command.add(ReadmeQuickStart.class.getName());
    command.add(uri("/data").toString());
    command.add(mode);
    Path output = Files.createTempFile(dir, "program", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(ended).as("the program ended by itself; output: %s", lines).isTrue();
    assertThat(p.exitValue()).as("exit status; output: %s", lines).isZero();
    return lines;
  }

  /** This JVM's class path, plus where the program's classes come from. */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (Class<?> c :
        List.of(
            ReadmeQuickStart.class,
            CachingHttpClient.class,
            dev.cachet.storage.FileStorage.class,
            dev.cachet.core.CacheKey.class,
            com.github.benmanes.caffeine.cache.Caffeine.class,
            com.fasterxml.jackson.databind.ObjectMapper.class,
            com.fasterxml.jackson.core.JsonFactory.class,
            com.fasterxml.jackson.annotation.JsonProperty.class)) {
      try {
        entries.add(
            Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException | NullPointerException e) {
        // Found through the class path below instead.
      }
    }
    for (String property : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.addAll(List.of(value.split(File.pathSeparator)));
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
