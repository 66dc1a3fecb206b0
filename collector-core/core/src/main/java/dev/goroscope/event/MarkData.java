package dev.goroscope.event;

/**
 * What the correlator keeps of one {@link GoroutineMark} until it is read: its time, its four
 * payload words, and the ids of up to two call sites resolved from its stack when it arrived
 * ({@link MarkSymbols#site(int)}; 0 = none).
 *
 * @param timestampNs when the probe fired (for waits: when the wait ended)
 * @param a first payload word (meaning per {@link MarkKind})
 * @param b second payload word
 * @param c third payload word (marks with a stack; else 0)
 * @param d fourth payload word (marks with a stack; else 0)
 * @param site first call site id
 * @param site2 second call site id
 */
public record MarkData(long timestampNs, long a, long b, long c, long d, int site, int site2) {

  /** A mark with two words and no call site. */
  public static MarkData of(long timestampNs, long a, long b) {
    return new MarkData(timestampNs, a, b, 0, 0, 0, 0);
  }
}
