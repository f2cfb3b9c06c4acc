package dev.cachet.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine serves every shell (DESIGN.md): it references no HTTP client or server of its own,
 * knows storages only through the {@code Storage} SPI, and its classes stay small.
 */
class EngineArchitectureTest {

  private static List<Path> files(Path root, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static Path mainClasses() throws Exception {
    return Path.of(CacheEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void theEngine_referencesNoHttpClient_andNoConcreteStorage() throws Exception {
    List<String> forbidden =
        List.of(
            "java/net/http/",
            "dev/cachet/storage/MemoryStorage",
            "dev/cachet/storage/FileStorage",
            "dev/cachet/storage/redis/");
    for (Path classFile : files(mainClasses(), ".class")) {
      // Class and member references sit in the constant pool as modified UTF-8, which for these
      // ASCII names is the names' bytes.
      String pool = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
      for (String name : forbidden) {
        assertThat(pool).as("%s references %s", classFile.getFileName(), name).doesNotContain(name);
      }
    }
    assertThat(CacheEngine.class.getModule().getDescriptor().requires())
        .noneMatch(r -> r.name().equals("java.net.http"));
  }

  @Test
  void everySourceFile_staysWithinThreeHundredLines() throws Exception {
    for (Path source : files(Path.of("src/main/java"), ".java")) {
      assertThat(Files.readAllLines(source))
          .as("%s: split it along its concerns", source)
          .hasSizeLessThanOrEqualTo(300);
    }
  }

  @Test
  void noMethodOrConstructor_takesMoreThanFiveParameters() throws Exception {
    Path root = mainClasses();
    for (Path classFile : files(root, ".class")) {
      String name = root.relativize(classFile).toString().replace('/', '.').replace(".class", "");
      if (name.equals("module-info")) {
        continue;
      }
      Class<?> c = Class.forName(name);
      if (c.isRecord()) {
        continue; // A record's components are named where it is built.
      }
      for (java.lang.reflect.Executable e : c.getDeclaredMethods()) {
        if (!java.lang.reflect.Modifier.isPrivate(e.getModifiers()) && !e.isSynthetic()) {
          assertThat(e.getParameterCount()).as("%s.%s", name, e.getName()).isLessThanOrEqualTo(5);
        }
      }
      for (java.lang.reflect.Executable e : c.getDeclaredConstructors()) {
        if (!java.lang.reflect.Modifier.isPrivate(e.getModifiers()) && !e.isSynthetic()) {
          // An inner class's constructor takes its outer instance first.
          int outer =
              c.isMemberClass() && !java.lang.reflect.Modifier.isStatic(c.getModifiers()) ? 1 : 0;
          assertThat(e.getParameterCount() - outer)
              .as("%s constructor", name)
              .isLessThanOrEqualTo(5);
        }
      }
    }
  }
}
