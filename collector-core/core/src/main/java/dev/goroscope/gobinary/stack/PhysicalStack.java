package dev.goroscope.gobinary.stack;

import java.util.Arrays;

/**
 * The physical frames a {@link StackUnwinder} found, innermost first: each frame's PC and
 * whether it was interrupted (a signal or an injected call rather than a CALL: its PC is not
 * backed up by one to find the line). Reused between goroutines; copy what you keep.
 */
public final class PhysicalStack {

  /** How an unwind ended. */
  public enum Outcome {
    /** Reached the top of the goroutine's stack ({@code goexit}) where the runtime expects. */
    COMPLETE,
    /** Stopped early by a limit of ours: the frame cap or the end of the copied memory. */
    TRUNCATED,
    /**
     * Stopped where Go's own traceback stops without error: a function that switches stacks
     * (SPWRITE) or has no frame information.
     */
    STOPPED,
    /** The memory does not form a stack: an unknown PC, a frame outside the stack, or the walk
     * did not end at the recorded top. For a live goroutine this means it changed while read. */
    BROKEN
  }

  private long[] pcs = new long[32];
  private boolean[] traps = new boolean[32];
  private int size;
  private Outcome outcome = Outcome.BROKEN;
  private String problem = "";

  public void clear() {
    size = 0;
    outcome = Outcome.BROKEN;
    problem = "";
  }

  void add(long pc, boolean trap) {
    if (size == pcs.length) {
      pcs = Arrays.copyOf(pcs, size * 2);
      traps = Arrays.copyOf(traps, size * 2);
    }
    pcs[size] = pc;
    traps[size] = trap;
    size++;
  }

  void finish(Outcome o, String why) {
    this.outcome = o;
    this.problem = why;
  }

  public int size() {
    return size;
  }

  public long pc(int i) {
    return pcs[i];
  }

  public boolean trap(int i) {
    return traps[i];
  }

  public Outcome outcome() {
    return outcome;
  }

  /** What went wrong for {@link Outcome#BROKEN} / {@link Outcome#TRUNCATED}; "" otherwise. */
  public String problem() {
    return problem;
  }

  /** A hash of the frames (PCs and trap flags), to intern identical stacks. */
  public long hash() {
    long h = 0x9E3779B97F4A7C15L * (size + 1) + outcome.ordinal();
    for (int i = 0; i < size; i++) {
      h = (h ^ (pcs[i] + (traps[i] ? 1 : 0))) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }

  /** True when {@code other} holds the same frames and outcome. */
  public boolean sameAs(long[] otherPcs, boolean[] otherTraps, int otherSize, Outcome o) {
    if (otherSize != size || o != outcome) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      if (pcs[i] != otherPcs[i] || traps[i] != otherTraps[i]) {
        return false;
      }
    }
    return true;
  }

  long[] pcsCopy() {
    return Arrays.copyOf(pcs, size);
  }

  boolean[] trapsCopy() {
    return Arrays.copyOf(traps, size);
  }
}
