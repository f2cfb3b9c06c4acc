package dev.cachet.core;

import static dev.cachet.core.Fixtures.SHARED;
import static dev.cachet.core.Fixtures.at;
import static dev.cachet.core.Fixtures.get;
import static dev.cachet.core.Fixtures.lookup;
import static dev.cachet.core.Fixtures.miss;
import static dev.cachet.core.Fixtures.ok;
import static dev.cachet.core.Fixtures.pair;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.core.internal.ListFields;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** SEC-05 over arbitrary {@code Vary} values: a value is a list of field names, or never reused. */
class VarySafetyProperties {

  @Provide
  Arbitrary<String> varyValues() {
    Arbitrary<String> pieces =
        Arbitraries.of(
                "Accept-Language",
                "accept-encoding",
                "*",
                "\"*\"",
                ",",
                ", ",
                " ",
                ";q=1",
                "=",
                "(",
                "\"",
                "X-Custom",
                "@",
                "\t")
            .list()
            .ofMaxSize(6)
            .map(l -> String.join("", l));
    Arbitrary<String> any =
        Arbitraries.strings()
            .all()
            .ofMaxLength(20)
            .map(s -> s.replace('\r', ' ').replace('\n', ' '));
    return Arbitraries.oneOf(pieces, any);
  }

  @Property(tries = 500)
  void SEC_05_whatIsStoredHasOnlyFieldNamesInVary(@ForAll("varyValues") String vary) {
    CacheMiss.Next next = miss(SHARED, get(), ok("Cache-Control", "max-age=60", "Vary", vary));
    if (next instanceof StoreAndUse) {
      List<String> members = new ArrayList<>();
      ListFields.split(vary, members);
      assertThat(members).allSatisfy(m -> assertThat(ListFields.isToken(m)).isTrue());
    }
  }

  @Property(tries = 500)
  void SEC_05_aStoredResponseWithABadVaryNeverMatches(@ForAll("varyValues") String vary) {
    List<String> members = new ArrayList<>();
    ListFields.split(vary, members);
    boolean wellFormed = members.stream().allMatch(m -> m.equals("*") || ListFields.isToken(m));
    StoredPair stored = pair(get(), ok("Cache-Control", "max-age=60", "Vary", vary), at(0), at(0));
    IdleClient.Next next = lookup(SHARED, get(), at(1), stored);
    if (!wellFormed || members.contains("*")) {
      assertThat(next).isInstanceOf(CacheMiss.class);
    }
  }
}
