package dev.cachet.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The catalogue of reasons ({@link Rule}): one id, one rule, each documented (RFC 9111). */
class RuleTest {
  /** A checklist id: a letter group, perhaps with a section digit, then a two-digit number. */
  private static final Pattern CHECKLIST_ID = Pattern.compile("[A-Z]+[0-9]?-[0-9]{2}");

  /**
   * Ids that are not checklist lines: {@code CFG} reports a limit the user configured ({@link
   * CacheOptions#maximumBodySize()}), not a rule of the RFC; it is listed in CONFORMANCE.md too.
   */
  private static final Set<String> NOT_CHECKLIST_LINES = Set.of("CFG");

  @Nested
  class Catalogue {
    @Test
    void everyIdIsUnique() {
      List<String> ids = Arrays.stream(Rule.values()).map(Rule::id).toList();
      assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void everyIdHasTheChecklistForm() {
      List<String> odd =
          Arrays.stream(Rule.values())
              .map(Rule::id)
              .filter(id -> !CHECKLIST_ID.matcher(id).matches())
              .toList();
      assertThat(odd).containsExactlyInAnyOrderElementsOf(NOT_CHECKLIST_LINES);
    }

    @Test
    void everyConstantIsNamedAfterItsId() {
      for (Rule rule : Rule.values()) {
        assertThat(rule.name()).isEqualTo(rule.id().replace('-', '_'));
      }
    }

    @Test
    void everyIdIsARowOfTheConformanceDocument() throws Exception {
      Path doc = Path.of("../docs/CONFORMANCE.md");
      assertThat(doc).isRegularFile();
      Set<String> rows =
          Files.readAllLines(doc).stream()
              .filter(line -> line.startsWith("| "))
              .map(line -> line.substring(2, line.indexOf(' ', 2)))
              .collect(Collectors.toSet());
      List<String> missing =
          Arrays.stream(Rule.values()).map(Rule::id).filter(id -> !rows.contains(id)).toList();
      assertThat(missing).isEmpty();
    }

    @Test
    void everyRuleHasASectionAndAPhrase() {
      for (Rule rule : Rule.values()) {
        assertThat(rule.section()).isNotBlank();
        assertThat(rule.phrase()).isNotBlank();
      }
    }
  }

  @Nested
  class Reasons {
    @Test
    void aRulesReason_carriesItsIdSectionAndPhrase() {
      assertThat(Rule.S3_05.reason())
          .isEqualTo(
              new Reason("S3-05", "RFC 9111 §5.2.2.7", "private response in a shared cache"));
      assertThat(Rule.S3_05.reason()).hasToString("S3-05 private response in a shared cache");
    }

    @Test
    void aPhraseOfItsOwn_keepsTheRulesIdAndSection() {
      assertThat(Rule.S3_01.reason("method POST is not cached"))
          .isEqualTo(new Reason("S3-01", "RFC 9111 §3", "method POST is not cached"));
    }

    @Test
    void theSectionThatApplied_keepsTheRulesId() {
      assertThat(Rule.S3_04.reason("RFC 9111 §5.2.1.5", "no-store in the request"))
          .isEqualTo(new Reason("S3-04", "RFC 9111 §5.2.1.5", "no-store in the request"));
    }

    @Test
    void theEnginesOwnReasons_areInTheCatalogue() {
      assertThat(Rule.E_01.reason())
          .isEqualTo(new Reason("E-01", "Storage SPI", "the storage refused the write"));
      assertThat(Rule.R4_01.reason("the stored body is gone or unreadable"))
          .isEqualTo(new Reason("R4-01", "RFC 9111 §4", "the stored body is gone or unreadable"));
    }

    /** Guards against an id minted by hand in core, which could come to mean a second thing. */
    @Test
    void coreMakesEveryReasonFromTheCatalogue() throws Exception {
      Path sources = Path.of("src/main/java/dev/cachet/core");
      List<String> minted = new ArrayList<>();
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          if (f.getFileName().toString().equals("Rule.java")) {
            continue;
          }
          String src = Files.readString(f);
          if (src.contains("new Reason(") || src.contains("Reason.of(")) {
            minted.add(f.getFileName().toString());
          }
        }
      }
      assertThat(minted).isEmpty();
    }
  }
}
