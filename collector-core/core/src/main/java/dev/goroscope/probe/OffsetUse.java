package dev.goroscope.probe;

import java.util.Objects;

/**
 * A struct field offset a BPF program reads, and the {@code volatile const} that carries it.
 *
 * @param key the field, e.g. {@code runtime.g.goid} (see {@code OffsetKeys})
 * @param constant the BPF constant, e.g. {@code off_g_goid}
 * @param optional when the field is absent the constant is 0 and the program copes (e.g. no
 *     {@code g.parentGoid} before Go 1.21: the creator is read from {@code g0.m.curg})
 * @param pointerFlag null, or the BPF constant set to 1 when this member is a pointer in the
 *     binary's Go version (0 when embedded), so the program follows it: Go 1.20's timerCtx holds
 *     a {@code *cancelCtx} where other versions embed the cancelCtx
 */
public record OffsetUse(String key, String constant, boolean optional, String pointerFlag) {

  public OffsetUse {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(constant, "constant");
  }

  public static OffsetUse required(String key, String constant) {
    return new OffsetUse(key, constant, false, null);
  }

  public static OffsetUse optional(String key, String constant) {
    return new OffsetUse(key, constant, true, null);
  }

  /** Required; {@code pointerFlag} tells the program whether the member is a pointer. */
  public static OffsetUse embeddedOrPointer(String key, String constant, String pointerFlag) {
    return new OffsetUse(key, constant, false, Objects.requireNonNull(pointerFlag));
  }
}
