package dev.goroscope.probe;

import java.util.Objects;

/**
 * A struct field offset a BPF program reads, and the {@code volatile const} that carries it.
 *
 * @param key the field, e.g. {@code runtime.g.goid} (see {@code OffsetKeys})
 * @param constant the BPF constant, e.g. {@code off_g_goid}
 * @param optional when the field is absent the constant is 0 and the program copes (e.g. no
 *     {@code g.parentGoid} before Go 1.21: the creator is read from {@code g0.m.curg})
 * @param embedded the program adds this offset to reach fields of the member itself, so the
 *     member must be embedded, not a pointer (Go 1.20's timerCtx holds a *cancelCtx)
 */
public record OffsetUse(String key, String constant, boolean optional, boolean embedded) {

  public OffsetUse {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(constant, "constant");
  }

  public static OffsetUse required(String key, String constant) {
    return new OffsetUse(key, constant, false, false);
  }

  public static OffsetUse optional(String key, String constant) {
    return new OffsetUse(key, constant, true, false);
  }

  /** Required, and the member must be embedded in its struct. */
  public static OffsetUse embedded(String key, String constant) {
    return new OffsetUse(key, constant, false, true);
  }
}
