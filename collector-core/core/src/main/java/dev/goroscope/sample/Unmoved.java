package dev.goroscope.sample;

/**
 * Which goroutines of a {@link ProcessSample} (by their index in {@link
 * ProcessSample#goroutines()}) the sampler found parked exactly where its previous sample found
 * them — same g, goid, state, resume point, stack bounds, wait list and {@code g.trackingSeq},
 * which the runtime bumps on every switch out of running: they have not run in between. A
 * goroutine that woke and parked again at the same spot is not among them. Immutable.
 */
public final class Unmoved {

  /**
   * Not known: the binary has no {@code g.trackingSeq} offset (or the sample was built without
   * a sampler's memory), so nothing can be said about who ran.
   */
  public static final Unmoved NONE = new Unmoved(new long[0], 0, false);

  private final long[] bits;
  private final int count;
  private final boolean known;

  private Unmoved(long[] bits, int count, boolean known) {
    this.bits = bits;
    this.count = count;
    this.known = known;
  }

  /** From per-index flags ({@code flags[i]} for goroutine {@code i} of {@code n}). */
  public static Unmoved of(boolean[] flags, int n) {
    long[] bits = new long[(n + 63) >>> 6];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (flags[i]) {
        bits[i >>> 6] |= 1L << i;
        count++;
      }
    }
    return new Unmoved(bits, count, true);
  }

  /** False for {@link #NONE}: the sampler could not tell who ran. */
  public boolean known() {
    return known;
  }

  /** Whether goroutine {@code index} of the sample has not run since the previous sample. */
  public boolean contains(int index) {
    int word = index >>> 6;
    return index >= 0 && word < bits.length && (bits[word] & (1L << index)) != 0;
  }

  /** How many goroutines of the sample are unmoved. */
  public int count() {
    return count;
  }
}
