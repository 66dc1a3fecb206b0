package dev.goroscope.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable, ordered set of attributes ({@link Attr} → value). Small by design: goroutine
 * events carry one to four attributes, so two parallel arrays beat a map.
 */
public final class Attrs {

  private static final Attrs EMPTY = new Attrs(new Attr<?>[0], new Object[0]);

  private final Attr<?>[] keys;
  private final Object[] values;

  private Attrs(Attr<?>[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  public static Attrs empty() {
    return EMPTY;
  }

  // The of(...) factories build straight into exact arrays (no builder): they run per event.
  // Null values are skipped, as the builder skips them; the keys must be distinct.

  public static <T> Attrs of(Attr<T> key, T value) {
    Objects.requireNonNull(key, "key");
    return value == null ? EMPTY : new Attrs(new Attr<?>[] {key}, new Object[] {value});
  }

  public static <A, B> Attrs of(Attr<A> k1, A v1, Attr<B> k2, B v2) {
    return ofPairs(new Attr<?>[] {k1, k2}, new Object[] {v1, v2});
  }

  public static <A, B, C> Attrs of(Attr<A> k1, A v1, Attr<B> k2, B v2, Attr<C> k3, C v3) {
    return ofPairs(new Attr<?>[] {k1, k2, k3}, new Object[] {v1, v2, v3});
  }

  private static Attrs ofPairs(Attr<?>[] keys, Object[] values) {
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      Objects.requireNonNull(keys[i], "key");
      for (int j = 0; j < i; j++) {
        if (keys[j].equals(keys[i])) {
          throw new IllegalArgumentException("attribute " + keys[i].name() + " given twice");
        }
      }
      if (values[i] != null) {
        keys[n] = keys[i];
        values[n++] = values[i];
      }
    }
    return n == 0 ? EMPTY : n == keys.length ? new Attrs(keys, values)
        : new Attrs(Arrays.copyOf(keys, n), Arrays.copyOf(values, n));
  }

  public static Builder builder() {
    return new Builder();
  }

  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  public Attr<?> key(int i) {
    return keys[i];
  }

  public Object value(int i) {
    return values[i];
  }

  /** The value of {@code key}, or null when absent. */
  @SuppressWarnings("unchecked")
  public <T> T get(Attr<T> key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return (T) values[i];
      }
    }
    return null;
  }

  /** The value of the attribute named {@code name} (span name), or null. */
  public Object get(String name) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].name().equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attrs a && Arrays.equals(keys, a.keys) && Arrays.equals(values, a.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(keys[i].name()).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }

  /** Builds {@link Attrs}; a key put twice keeps the last value; null values are skipped. */
  public static final class Builder {
    private Attr<?>[] keys = new Attr<?>[4];
    private Object[] values = new Object[4];
    private int size;

    private Builder() {}

    public <T> Builder put(Attr<T> key, T value) {
      Objects.requireNonNull(key, "key");
      if (value == null) {
        return this;
      }
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] = value;
          return this;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
      return this;
    }

    public Builder putAll(Attrs attrs) {
      for (int i = 0; i < attrs.size(); i++) {
        putRaw(attrs.keys[i], attrs.values[i]);
      }
      return this;
    }

    @SuppressWarnings("unchecked")
    private <T> void putRaw(Attr<T> key, Object value) {
      put(key, (T) value);
    }

    public Attrs build() {
      return size == 0 ? EMPTY : new Attrs(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
    }
  }
}
