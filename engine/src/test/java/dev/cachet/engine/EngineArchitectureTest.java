package dev.cachet.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.engine.architecture.ArchitectureRules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine serves every shell (DESIGN.md): it references no HTTP client or server of its own,
 * knows storages only through the {@code Storage} SPI, and its classes stay small. The shared rules
 * are {@link ArchitectureRules}; the engine's size bound counts every line, comments included.
 */
class EngineArchitectureTest {

  @Test
  void theEngine_referencesNoHttpClient_andNoConcreteStorage() throws Exception {
    List<String> forbidden =
        List.of(
            "java/net/http/",
            "dev/cachet/storage/MemoryStorage",
            "dev/cachet/storage/FileStorage",
            "dev/cachet/storage/redis/");
    for (Path classFile :
        ArchitectureRules.files(ArchitectureRules.classesOf(CacheEngine.class), ".class")) {
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
    ArchitectureRules.assertEverySourceWithinLines(300);
  }

  @Test
  void noCoreStateIsCast_andNoConcreteStorageIsTested() throws Exception {
    ArchitectureRules.assertNoCoreStateCastAndNoConcreteStorageTest();
  }

  @Test
  void noMethodOrConstructor_takesMoreThanFiveParameters() throws Exception {
    ArchitectureRules.assertParametersAtMost(CacheEngine.class, 5);
  }
}
