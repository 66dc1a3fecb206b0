package dev.goroscope.bpf.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * The libc call made on every poll of a ring buffer, bound with JNA's direct mapping: a JNI stub
 * per method, where a call through a {@link LibC} proxy goes through reflection, a method table
 * look-up and per-argument conversion (about 7% of the drain thread's CPU, measured with {@code
 * scripts/bench.sh overhead}). Raw addresses are passed as {@code long}s.
 */
final class LibCDirect {

  static {
    Native.register(LibCDirect.class, "c");
  }

  private LibCDirect() {}

  /** @throws LastErrorException with errno when it returns -1 */
  static native int epoll_wait(int epfd, long events, int maxEvents, int timeoutMs)
      throws LastErrorException;
}
