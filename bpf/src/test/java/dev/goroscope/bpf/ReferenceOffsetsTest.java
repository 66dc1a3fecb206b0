package dev.goroscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The probe tests take every offset from the binary's DWARF; this cross-checks those against
 * the table in shared/reference/go-runtime.md (the built-in fallback), so a wrong table entry
 * shows up here rather than as silently wrong goids.
 */
class ReferenceOffsetsTest {

  static Map<String, Long> reference(Toolchain go) {
    Map<String, Long> table = new HashMap<>(Map.of(
        "runtime.g.m", 48L, "runtime.g.goid", 152L,
        "context.cancelCtx.err", 48L, "context.cancelCtx.Context", 0L,
        "context.timerCtx.cancelCtx", 0L,
        // time.Time{wall, ext, loc} and hchan{qcount, dataqsiz, ...} have not moved since 1.0
        "time.Time.wall", 0L, "time.Time.ext", 8L,
        "runtime.hchan.qcount", 0L, "runtime.hchan.dataqsiz", 8L));
    if (go == Toolchain.GO_1_19) {
      table.putAll(Map.of("runtime.g.parentGoid", -1L, "runtime.g.gopc", 296L,
          "runtime.g.startpc", 312L, "runtime.m.curg", 192L, "context.timerCtx.deadline", 72L));
    } else { // 1.26 and 1.27
      table.putAll(Map.of("runtime.g.parentGoid", 280L, "runtime.g.gopc", 288L,
          "runtime.g.startpc", 304L, "runtime.m.curg", 184L, "context.timerCtx.deadline", 88L));
    }
    return table;
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void dwarfAgreesWithTheReferenceTable(Toolchain go) throws Exception {
    Optional<String> why = GoToolchains.unavailability(go);
    assumeTrue(why.isEmpty(), () -> "toolchain " + go + " unavailable: " + why.orElseThrow());
    ProbeSites sites = ProbeSites.of(go, false);
    assertThat(sites.fields).containsExactlyInAnyOrderEntriesOf(reference(go));
  }
}
