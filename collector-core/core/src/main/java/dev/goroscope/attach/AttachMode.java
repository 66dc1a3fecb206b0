package dev.goroscope.attach;

/** How {@code goroscope attach} watches. */
public enum AttachMode {
  /** Uprobes at goroutine creation, exit and contexts (plus parks with {@code --deep}). */
  PRECISE,
  /**
   * No uprobe: every goroutine read from the process's memory at an interval (ptrace-read
   * permission only), optionally with short precise bursts under an overhead budget.
   */
  SAMPLED
}
