package dev.cachet.engine.architecture;

import org.junit.jupiter.api.Test;

/**
 * The rules every shell over the engine is held to (docs/ARCHITECTURE.md): small classes, short
 * parameter lists, core's states taken as the unions core gives (no casts), storages only through
 * the {@code Storage} SPI. A public class's Javadoc is its users' documentation, so the size bound
 * counts code lines only. A shell's architecture test extends this and names a class of its main
 * sources.
 */
public abstract class ShellArchitectureContract {

  /** {@return a class of the shell's main sources, which locates them} */
  protected abstract Class<?> anchor();

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
    ArchitectureRules.assertParametersAtMost(anchor(), 5);
  }
}
