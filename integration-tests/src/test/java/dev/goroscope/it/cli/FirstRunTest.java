package dev.goroscope.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./goroscope demo} on a machine where nothing is installed or built yet: the launcher
 * runs scripts/setup.sh and Maven first. Standard output must hold the demo's result only: the
 * installs and the build go to a log, with one progress line on stderr. The machine here is not
 * fresh, so the checkout is a copy without a build, and apt-get, dpkg-query and mvn are stand-ins
 * that talk as much as the real ones on standard output (mvn puts the real jar in place).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FirstRunTest {

  @Test
  void firstRunOfTheDemoKeepsStandardOutputForTheResult(@TempDir Path tmp) throws IOException {
    Path repo = Examples.moduleDir().getParent();
    Path checkout = Files.createDirectories(tmp.resolve("goroscope"));
    Files.copy(repo.resolve("goroscope"), checkout.resolve("goroscope"));
    Files.createDirectories(checkout.resolve("scripts"));
    Files.copy(repo.resolve("scripts/setup.sh"), checkout.resolve("scripts/setup.sh"));
    Files.createSymbolicLink(checkout.resolve("examples"), repo.resolve("examples"));
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    tool(bin, "dpkg-query", "exit 1"); // nothing installed
    tool(bin, "apt-get", String.join("\n",
        "for i in $(seq 1 40); do echo \"Get:$i http://deb.debian.org/debian bookworm/main amd64"
            + " Packages [$i kB]\"; done",
        "if [ \"$1\" = install ]; then",
        "  for i in $(seq 1 150); do echo \"Setting up package-$i (1.0-$i) ...\"; done",
        "fi"));
    tool(bin, "mvn", String.join("\n",
        "for i in $(seq 1 30); do echo \"[INFO] Building module $i\"; done",
        "mkdir -p collector-core/cli/target",
        "cp '" + Goroscope.jar() + "' collector-core/cli/target/goroscope.jar"));
    Path cache = tmp.resolve("cache");
    Map<String, String> env = Map.of(
        "PATH", bin + ":" + System.getenv("PATH"),
        "XDG_CACHE_HOME", cache.toString(),
        "GOROSCOPE_HOME", "",
        "OTEL_EXPORTER_OTLP_ENDPOINT", "",
        "OTEL_SERVICE_NAME", "");

    try (ExampleProcess demo = ExampleProcess.start("first-run",
        List.of(checkout.resolve("goroscope").toString(), "demo", "--requests", "20"),
        checkout, env)) {
      assertThat(demo.awaitExit(Duration.ofMinutes(5))).as(demo.transcript()).isZero();
      assertThat(demo.stdout()).as("standard output is the demo's result\n%s", demo.transcript())
          .isNotEmpty()
          .anyMatch(l -> l.startsWith("trace "))
          .allMatch(l -> l.startsWith("trace ") || l.matches("\\s*[│├└].*"));
      assertThat(demo.stderr()).as(demo.transcript())
          .first().asString().startsWith("goroscope: first run: installing what goroscope needs"
              + " and building it");
      assertThat(demo.stderr()).filteredOn(l -> l.contains("first run")).hasSize(1);
      assertThat(String.join("\n", demo.stderr())).doesNotContain("Setting up", "Get:", "[INFO]");
    }
    String log = Files.readString(cache.resolve("goroscope/first-run.log"));
    assertThat(log).contains("Setting up package-150", "[INFO] Building module 30");
    assertThat(checkout.resolve("collector-core/cli/target/goroscope.jar")).exists();
  }

  private static void tool(Path bin, String name, String body) throws IOException {
    Path tool = bin.resolve(name);
    Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
