package dev.goroscope.it.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How a goroscope mode starts its sidecar: which build ({@code goroscope} or the baseline's
 * launcher) and where its records go ({@code /dev/null} as JSON lines, or the harness's
 * discarding OTLP receiver).
 */
final class Sidecars {
  private final Launcher current;
  private final Launcher baseline;
  private final DiscardingOtlpReceiver otlp;

  /**
   * @param baseline the baseline build's launcher, or null without one
   * @param otlp the receiver of the otlp modes, or null when none runs
   */
  Sidecars(Launcher current, Launcher baseline, DiscardingOtlpReceiver otlp) {
    this.current = current;
    this.baseline = baseline;
    this.otlp = otlp;
  }

  Sidecar attach(Mode mode, int pid) {
    Launcher launcher = mode.baseline() ? baseline : current;
    if (launcher == null) {
      throw new IllegalStateException(mode.id() + " needs --baseline");
    }
    List<String> args = new ArrayList<>();
    if (mode.output() == Mode.Output.OTLP) {
      if (otlp == null) {
        throw new IllegalStateException(mode.id() + " needs the OTLP receiver");
      }
      args.addAll(List.of("--output", "otlp", "--otlp-endpoint", otlp.endpoint(),
          "--otlp-protocol", "http/protobuf"));
    } else {
      args.addAll(List.of("--output", "jsonl", "--jsonl-file", "/dev/null"));
    }
    args.addAll(mode.attachArgs());
    return Sidecar.attach(launcher, pid, args);
  }
}
