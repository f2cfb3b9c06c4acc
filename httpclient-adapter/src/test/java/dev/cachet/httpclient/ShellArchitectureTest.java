package dev.cachet.httpclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapter is a shell over the engine (DESIGN.md): small classes, short parameter lists, core's
 * states taken as the unions core gives (no casts), storages only through the {@code Storage} SPI.
 * A public class's Javadoc is its users' documentation, so the size bound counts code lines only.
 */
class ShellArchitectureTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern CORE_STATE_CAST =
      Pattern.compile(
          "\\(\\s*(IdleClient|CacheMiss|FromCache|NeedRevalidation|NeedToBeUpdated|StoreAndUse"
              + "|CouldNotBeStored|InvalidatePairs|StaleWhileRevalidate|StorePart)\\s*\\)\\s*\\w");
  private static final Pattern CONCRETE_STORAGE =
      Pattern.compile("instanceof\\s+(MemoryStorage|FileStorage|RedisStorage)\\b");

  private static List<Path> sources() throws Exception {
    try (Stream<Path> s = Files.walk(SOURCES)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** The lines that are neither blank nor comments. */
  static long codeLines(List<String> lines) {
    boolean inComment = false;
    long code = 0;
    for (String raw : lines) {
      String line = raw.strip();
      if (inComment) {
        int end = line.indexOf("*/");
        if (end < 0) {
          continue;
        }
        inComment = false;
        line = line.substring(end + 2).strip();
      }
      if (line.startsWith("/*")) {
        int end = line.indexOf("*/", 2);
        if (end < 0) {
          inComment = true;
          continue;
        }
        line = line.substring(end + 2).strip();
      }
      if (!line.isEmpty() && !line.startsWith("//")) {
        code++;
      }
    }
    return code;
  }

  @Test
  void codeLines_skipBlankLinesAndComments() {
    assertThat(
            codeLines(
                List.of(
                    "/**", " * doc", " */", "", "class A {", "  // note", "  int a; /* x */", "}")))
        .isEqualTo(3);
  }

  @Test
  void everySourceFile_staysWithinThreeHundredLinesOfCode() throws Exception {
    for (Path source : sources()) {
      assertThat(codeLines(Files.readAllLines(source)))
          .as("%s: split it along its concerns", source)
          .isLessThanOrEqualTo(300);
    }
  }

  @Test
  void noCoreStateIsCast_andNoConcreteStorageIsTested() throws Exception {
    for (Path source : sources()) {
      String text = Files.readString(source);
      assertThat(CORE_STATE_CAST.matcher(text).find())
          .as("%s casts a core state", source)
          .isFalse();
      assertThat(CONCRETE_STORAGE.matcher(text).find())
          .as("%s tests for a concrete storage", source)
          .isFalse();
    }
  }

  @Test
  void noMethodOrConstructor_takesMoreThanFiveParameters() throws Exception {
    Path classes =
        Path.of(
            CachingHttpClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> classFiles;
    try (Stream<Path> s = Files.walk(classes)) {
      classFiles =
          s.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class"))
              .toList();
    }
    for (Path file : classFiles) {
      String name =
          classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> c = Class.forName(name, false, getClass().getClassLoader());
      if (c.isRecord()) {
        continue; // a record's components are named where it is built
      }
      Stream.concat(Stream.of(c.getDeclaredMethods()), Stream.of(c.getDeclaredConstructors()))
          .filter(e -> !Modifier.isPrivate(e.getModifiers()) && !e.isSynthetic())
          .forEach(
              e -> assertThat(ownParameters(c, e)).as("%s: %s", name, e).isLessThanOrEqualTo(5));
    }
  }

  /** An inner class's constructor takes its outer instance first, which nobody writes. */
  private static int ownParameters(Class<?> c, Executable e) {
    boolean inner = c.isMemberClass() && !Modifier.isStatic(c.getModifiers());
    return e.getParameterCount() - (inner && e.getName().equals(c.getName()) ? 1 : 0);
  }
}
