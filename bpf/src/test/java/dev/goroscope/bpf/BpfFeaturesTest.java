package dev.goroscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfFeaturesTest {

  @Test
  void rootWithoutBpfCapabilitiesIsToldWhatIsMissingAndHowToFixIt() throws Exception {
    assumeTrue(BpfFeatures.isAvailable(), () -> "BPF unavailable: " + BpfFeatures.unavailabilityCause());
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // root keeps its uid but loses the capabilities, as in a container without --cap-add
    List<String> out = run("/usr/bin/setpriv", "--bounding-set", "-bpf,-perfmon,-sys_admin",
        "--inh-caps", "-all", java, "-cp", System.getProperty("java.class.path"),
        "dev.goroscope.bpf.testing.FeaturesMain");
    assertThat(out).contains("cause: root but missing CAP_BPF and CAP_PERFMON: run as root or "
        + "grant CAP_BPF and CAP_PERFMON (setcap or docker --cap-add)");
    assertThat(out).anySatisfy(l -> assertThat(l)
        .startsWith("load: load bpf object goroscope.bpf.o: operation not permitted (EPERM)")
        .endsWith(": run as root or grant CAP_BPF and CAP_PERFMON"));
  }

  static List<String> run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().toList();
  }
}
