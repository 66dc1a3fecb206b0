package dev.goroscope.bpf.internal;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * One libc function of this very process, called from Java: the trap-cost calibration probes it
 * and calls it a known number of times. {@code getppid} does one short system call and nothing
 * else, the same every time.
 */
public final class SelfCalls {

  /** The probed function. */
  public static final String FUNCTION = "getppid";

  private static final Function GETPPID = NativeLibrary.getInstance("c").getFunction(FUNCTION);
  private static final Object[] NO_ARGS = new Object[0];

  private SelfCalls() {}

  /** Where {@link #FUNCTION} is in this process's memory. */
  public static long address() {
    return Pointer.nativeValue(GETPPID);
  }

  /** Calls {@link #FUNCTION} {@code n} times; returns its last result (so nothing is elided). */
  public static int call(int n) {
    int r = 0;
    for (int i = 0; i < n; i++) {
      r = GETPPID.invokeInt(NO_ARGS);
    }
    return r;
  }
}
