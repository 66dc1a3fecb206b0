package dev.goroscope.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.testing.Tracefs;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reason entry probes sit after the prologue, measured with real kernel uprobes (tracefs):
 * offsetprobe's {@code main.depth} recurses deep enough to grow its goroutines' stacks, and
 * morestack re-runs the function from its first instruction. A probe on the first instruction
 * therefore fires more often than the function is called; the probe at {@code entryOffset}
 * fires exactly once per call (1 + 1001 + 2001 + 3001 calls), and so do the RET probes together.
 */
class EntryProbeOnceTest {

  private static final Path TRACEFS = Tracefs.ROOT;
  private static final String GROUP = "goroscope_entry_test";
  private static final long CALLS = 1 + 1001 + 2001 + 3001;

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void entryOffsetFiresOncePerCallWhileTheFirstInstructionFiresOnEveryStackGrowth(
      Toolchain t) throws Exception {
    // Mounted when it is not; fails with the fix when it cannot be (never skipped).
    Path events = Tracefs.mounted().resolve("uprobe_events");
    Path bin = GoToolchains.build("offsetprobe", t, Mode.NORMAL);
    ElfFile elf = ElfFile.open(bin);
    FunctionBounds depth = FunctionLocator.fromSymbols(elf).find("main.depth").orElseThrow();
    ProbeSite site;
    try (X86Disassembler d = X86Disassembler.open()) {
      site = ProbeSites.locate(elf, depth, d);
    }
    assertThat(site.afterPrologue()).isTrue();
    String start = "start" + t.minor().replace(".", "");
    String body = "body" + t.minor().replace(".", "");
    append(events, String.format("p:%s/%s %s:0x%x", GROUP, start, bin, site.fileOffset()));
    java.util.List<String> rets = new java.util.ArrayList<>();
    try {
      append(events, String.format("p:%s/%s %s:0x%x", GROUP, body, bin, site.entryOffset()));
      for (long ret : site.returnOffsets()) {
        String name = "ret" + t.minor().replace(".", "") + "_" + rets.size();
        append(events, String.format("p:%s/%s %s:0x%x", GROUP, name, bin, ret));
        rets.add(name);
      }
      Path enable = TRACEFS.resolve("events").resolve(GROUP).resolve("enable");
      Files.writeString(enable, "1");
      try {
        Process p = new ProcessBuilder(bin.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).startsWith("ok true");
        String profile = Files.readString(TRACEFS.resolve("uprobe_profile"));
        long bodyHits = hits(profile, body);
        long startHits = hits(profile, start);
        System.out.printf("go%s main.depth: %d calls, %d hits on the first instruction, %d after"
            + " the prologue%n", t.minor(), CALLS, startHits, bodyHits);
        assertThat(bodyHits).as("hits after the prologue").isEqualTo(CALLS);
        long retHits = 0;
        for (String r : rets) {
          retHits += hits(profile, r);
        }
        assertThat(retHits).as("hits on the %d RETs", rets.size()).isEqualTo(CALLS);
        assertThat(startHits).as("hits on the first instruction (morestack re-entries)")
            .isGreaterThan(CALLS);
      } finally {
        Files.writeString(enable, "0");
      }
    } finally {
      rets.forEach(r -> remove(events, r));
      remove(events, body);
      remove(events, start);
    }
  }

  private static long hits(String profile, String event) {
    Matcher m = Pattern.compile("\\s(?:" + GROUP + "/)?" + event + "\\s+(\\d+)")
        .matcher(profile);
    assertThat(m.find()).as("%s in uprobe_profile:%n%s", event, profile).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void append(Path events, String line) throws IOException {
    Files.writeString(events, line + "\n", StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static void remove(Path events, String event) {
    try {
      append(events, "-:" + GROUP + "/" + event);
    } catch (IOException ignored) {
      // not registered (the add failed): nothing to remove
    }
  }
}
