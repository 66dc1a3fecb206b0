package dev.goroscope.record;

import java.util.Arrays;

/**
 * Array-backed storage for {@link AttachmentKey} values: one per tracked goroutine, allocated
 * on first use. Not thread-safe (sinks are called from one thread).
 */
public final class Attachments {

  private Object[] values;

  @SuppressWarnings("unchecked")
  public <T> T get(AttachmentKey<T> key) {
    Object[] v = values;
    int i = key.index();
    return v == null || i >= v.length ? null : (T) v[i];
  }

  public <T> void set(AttachmentKey<T> key, T value) {
    int i = key.index();
    if (values == null || i >= values.length) {
      if (value == null) {
        return;
      }
      int size = Math.max(i + 1, AttachmentKey.count());
      values = values == null ? new Object[size] : Arrays.copyOf(values, size);
    }
    values[i] = value;
  }
}
