package dev.cachet.httpclient;

import dev.cachet.engine.architecture.ArchitectureRules;
import org.junit.jupiter.api.Test;

/**
 * The adapter is a shell over the engine (DESIGN.md): small classes, short parameter lists, core's
 * states taken as the unions core gives (no casts), storages only through the {@code Storage} SPI.
 * A public class's Javadoc is its users' documentation, so the size bound counts code lines only.
 */
class ShellArchitectureTest {

  @Test
  void everySourceFile_staysWithinThreeHundredLinesOfCode() throws Exception {
    ArchitectureRules.assertEverySourceWithinCodeLines(300);
  }

  @Test
  void noCoreStateIsCast_andNoConcreteStorageIsTested() throws Exception {
    ArchitectureRules.assertNoCoreStateCastAndNoConcreteStorageTest();
  }

  @Test
  void noMethodOrConstructor_takesMoreThanFiveParameters() throws Exception {
    ArchitectureRules.assertParametersAtMost(CachingHttpClient.class, 5);
  }
}
