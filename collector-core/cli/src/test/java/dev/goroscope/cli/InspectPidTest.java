package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.LoadBias;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code inspect --pid} on a running probe program, normal and PIE (relocated by ASLR). */
class InspectPidTest {

  @ParameterizedTest
  @EnumSource(value = Mode.class, names = {"NORMAL", "STRIPPED", "PIE"})
  void resolvesRunTimePcsThroughTheLoadBias(Mode mode) throws Exception {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, mode);
    // With -wait the program prints main.worker's run-time entry PC and stays alive until its
    // stdin closes.
    Process p = new ProcessBuilder(bin.toString(), "-wait").start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("worker 0x");
      long runtimePc = Long.parseUnsignedLong(line.substring("worker 0x".length()), 16);
      String pid = Long.toString(p.pid());

      GoBinary file = GoBinary.open(bin);
      long fileEntry = file.function("main.worker").orElseThrow().entry();
      long bias = LoadBias.forProcess((int) p.pid(), file.elf());
      assertThat(runtimePc - bias).isEqualTo(fileEntry);
      if (mode == Mode.PIE) {
        assertThat(bias).isNotZero();
        assertThat(bias & 0xfff).isZero();
      } else {
        assertThat(bias).isZero();
      }

      InspectCommandTest.Result r = InspectCommandTest.run("inspect", "--pid", pid,
          "--resolve", "0x" + Long.toHexString(runtimePc + 4));
      assertThat(r.err()).isEmpty();
      assertThat(r.out().strip()).isEqualTo(file.resolve(fileEntry + 4).toString());
      assertThat(r.out()).startsWith("main.worker ");

      InspectCommandTest.Result json = InspectCommandTest.run("inspect", "--json", "--pid", pid);
      assertThat(json.err()).isEmpty();
      JsonNode j = new ObjectMapper().readTree(json.out());
      assertThat(j.get("binary").asText()).isEqualTo("/proc/" + pid + "/exe");
      assertThat(j.get("goVersion").asText()).isEqualTo(GoToolchains.version(Toolchain.GO_1_26));
      assertThat(j.get("pie").asBoolean()).isEqualTo(mode == Mode.PIE);
    } finally {
      p.getOutputStream().close();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
