package dev.goroscope.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GoroutineSnapshotTest {

  // Go 1.26 runtime.g offsets; the DWARF-backed check lives with the offset reader's tests.
  private static final Map<String, Long> GO_1_26 =
      Map.of(
          "runtime.g.goid", 152L,
          "runtime.g.atomicstatus", 144L,
          "runtime.g.waitreason", 176L,
          "runtime.g.parentGoid", 280L,
          "runtime.g.gopc", 288L,
          "runtime.g.startpc", 304L);

  @Test
  void readsEveryBlockedGoroutineWithItsParent() throws Exception {
    Path binary = GoToolchains.build("snapshotprog", Toolchain.GO_1_26, Mode.NORMAL);

    Process target = new ProcessBuilder(binary.toString(), "25").start();
    try {
      Map<Long, Long> printed = new HashMap<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      Pattern line = Pattern.compile("goroutine (\\d+) parent (\\d+)");
      for (String l = out.readLine(); l != null && !l.equals("ready"); l = out.readLine()) {
        Matcher m = line.matcher(l);
        if (m.matches()) {
          printed.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
      }
      assertThat(printed).hasSize(25);

      long allgs =
          ElfFile.open(binary).symbols().stream()
              .filter(s -> s.name().equals("runtime.allgs"))
              .mapToLong(ElfSymbol::value)
              .findFirst()
              .orElseThrow();
      List<SnapshotGoroutine> live;
      try (ProcessMemory memory = ProcessMemory.open((int) target.pid())) {
        live = GoroutineSnapshot.read(memory, allgs, GO_1_26);
      }

      Map<Long, SnapshotGoroutine> byGoid = new HashMap<>();
      live.forEach(g -> byGoid.put(g.goid(), g));
      assertThat(byGoid).containsKey(1L);
      for (Map.Entry<Long, Long> e : printed.entrySet()) {
        SnapshotGoroutine g = byGoid.get(e.getKey());
        assertThat(g).as("goroutine %d", e.getKey()).isNotNull();
        assertThat(g.parentGoid()).isEqualTo(e.getValue());
        assertThat(g.isWaiting()).isTrue();
        assertThat(g.startPc()).isNotZero();
        assertThat(g.creationPc()).isNotZero();
      }
    } finally {
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
