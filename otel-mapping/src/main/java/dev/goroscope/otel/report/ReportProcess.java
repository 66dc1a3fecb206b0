package dev.goroscope.otel.report;

/** One incarnation of a watched process: a pid reused after {@code process_end} is a new one. */
final class ReportProcess {
  final int index;
  final int pid;
  String executable = "";
  String goVersion = "";
  String modulePath = "";
  long endNs = ReportGoroutine.NONE;
  long eventsLost;
  int goroutines;

  ReportProcess(int index, int pid) {
    this.index = index;
    this.pid = pid;
  }

  boolean ended() {
    return endNs != ReportGoroutine.NONE;
  }
}
