package dev.goroscope.correlate;

/**
 * An immutable stack of the application spans a goroutine started and has not ended, innermost
 * first. Usually one or two deep; rebuilt without a span when that span ends (wherever it is:
 * spans may end out of order, or on another goroutine).
 */
final class AppSpanNode {
  final LiveAppSpan span;
  final AppSpanNode next;
  final int depth;

  AppSpanNode(LiveAppSpan span, AppSpanNode next) {
    this.span = span;
    this.next = next;
    this.depth = next == null ? 1 : next.depth + 1;
  }

  /** This stack without {@code s} (and without ended spans, which it meets on the way). */
  static AppSpanNode without(AppSpanNode stack, LiveAppSpan s) {
    if (stack == null) {
      return null;
    }
    AppSpanNode rest = without(stack.next, s);
    if (stack.span == s || stack.span.ended) {
      return rest;
    }
    return rest == stack.next ? stack : new AppSpanNode(stack.span, rest);
  }

  /** This stack cut to its innermost {@code max} spans. */
  static AppSpanNode cut(AppSpanNode stack, int max) {
    if (stack == null || max <= 0) {
      return null;
    }
    if (stack.depth <= max) {
      return stack;
    }
    return new AppSpanNode(stack.span, cut(stack.next, max - 1));
  }
}
