package dev.goroscope.it.cli;

import dev.goroscope.it.go.ExampleProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the real goroscope command line as its own process ({@code java -jar goroscope.jar}),
 * the way users run it, so signals, exit codes, stdout (JSON lines) and stderr are the real ones.
 * The reactor packages collector-core before this module's tests run.
 */
public final class Goroscope {
  /** Set by the integration-tests pom to collector-core/cli/target/goroscope.jar. */
  public static final String JAR_PROPERTY = "goroscope.jar";

  private Goroscope() {}

  /** The runnable jar; fails with the build command when it is missing. */
  public static Path jar() {
    Path jar =
        Path.of(System.getProperty(JAR_PROPERTY, "../collector-core/cli/target/goroscope.jar"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no goroscope jar at " + jar + ": build it with mvn -B -DskipTests package");
    }
    return jar;
  }

  /** The command line for {@code goroscope args...}. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Starts {@code goroscope args...}; stop it with {@link ExampleProcess#interrupt} or close. */
  public static ExampleProcess start(String... args) {
    return start(Map.of(), args);
  }

  /** As {@link #start(String...)} with extra environment (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  public static ExampleProcess start(Map<String, String> env, String... args) {
    return ExampleProcess.start("goroscope", command(args), jar().getParent(), env);
  }
}
