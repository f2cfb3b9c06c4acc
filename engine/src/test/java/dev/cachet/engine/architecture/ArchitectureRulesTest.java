package dev.cachet.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArchitectureRulesTest {

  @Test
  void codeLines_skipBlankLinesAndComments() {
    assertThat(
            ArchitectureRules.codeLines(
                List.of(
                    "/**", " * doc", " */", "", "class A {", "  // note", "  int a; /* x */", "}")))
        .isEqualTo(3);
  }

  @Test
  void coreStateCast_isFound_butAParenthesisedNameIsNot() {
    assertThat(ArchitectureRules.CORE_STATE_CAST.matcher("FromCache f = (FromCache) s;").find())
        .isTrue();
    assertThat(ArchitectureRules.CORE_STATE_CAST.matcher("if (s instanceof FromCache f)").find())
        .isFalse();
  }

  @Test
  void concreteStorageTest_isFound() {
    assertThat(ArchitectureRules.CONCRETE_STORAGE.matcher("s instanceof MemoryStorage m").find())
        .isTrue();
    assertThat(ArchitectureRules.CONCRETE_STORAGE.matcher("s instanceof Storage m").find())
        .isFalse();
  }
}
