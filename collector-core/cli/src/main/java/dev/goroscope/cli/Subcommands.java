package dev.goroscope.cli;

import java.util.List;

/** The subcommands of {@code goroscope}; each command class registers itself here. */
final class Subcommands {
  private Subcommands() {}

  static List<Object> all() {
    return List.of(new InspectCommand(), new AttachCommand(), new DumpCommand(),
        new DemoCommand(), new ReportCommand());
  }
}
