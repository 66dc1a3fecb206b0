package dev.goroscope.otel.span;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Span and event attributes kept in the order they were put, one value per key (a later put
 * replaces an earlier one; null values and keys with an empty name are ignored, as the SDK's
 * builder does).
 *
 * <p>Why not {@link Attributes#builder()}: its {@code build()} sorts every set by key name, a
 * merge sort of string comparisons over names that share their {@code goroutine.} prefix, and
 * that sort was a sixth of the drain thread with OTLP output (JFR, docs/benchmarks.md). Nothing
 * downstream needs the order: the OTLP encoder and the console read them with {@link #forEach}.
 * {@link #equals} compares the key-value pairs with any {@link Attributes}, in any order.
 */
final class PutOrderAttributes implements Attributes {

  private static final Object[] NONE = new Object[0];

  /** Keys at even indexes, their values after them. */
  private final Object[] data;

  private PutOrderAttributes(Object[] data) {
    this.data = data;
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    for (int i = 0; i < data.length; i += 2) {
      if (data[i].equals(key)) {
        return (T) data[i + 1];
      }
    }
    return null;
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    for (int i = 0; i < data.length; i += 2) {
      consumer.accept((AttributeKey<?>) data[i], data[i + 1]);
    }
  }

  @Override
  public int size() {
    return data.length / 2;
  }

  @Override
  public boolean isEmpty() {
    return data.length == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public AttributesBuilder toBuilder() {
    return Attributes.builder().putAll(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes other && other.size() == size()
        && other.asMap().equals(asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /** Collects attributes for one {@link PutOrderAttributes}; not thread-safe. */
  static final class Builder implements AttributesBuilder {
    private Object[] data = new Object[32];
    private int size; // entries used in data: twice the pairs

    @Override
    public Attributes build() {
      return new PutOrderAttributes(size == 0 ? NONE : Arrays.copyOf(data, size));
    }

    @Override
    public <T> AttributesBuilder put(AttributeKey<Long> key, int value) {
      return put(key, (Long) (long) value);
    }

    @Override
    public <T> AttributesBuilder put(AttributeKey<T> key, T value) {
      if (key == null || key.getKey().isEmpty() || value == null) {
        return this;
      }
      int hash = key.hashCode();
      for (int i = 0; i < size; i += 2) {
        Object k = data[i];
        if (k == key || (k.hashCode() == hash && k.equals(key))) {
          data[i + 1] = value;
          return this;
        }
      }
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size] = key;
      data[size + 1] = value;
      size += 2;
      return this;
    }

    @Override
    public <T> AttributesBuilder remove(AttributeKey<T> key) {
      return key == null ? this : removeIf(key::equals);
    }

    @Override
    public AttributesBuilder removeIf(Predicate<AttributeKey<?>> filter) {
      int kept = 0;
      for (int i = 0; i < size; i += 2) {
        if (!filter.test((AttributeKey<?>) data[i])) {
          data[kept] = data[i];
          data[kept + 1] = data[i + 1];
          kept += 2;
        }
      }
      Arrays.fill(data, kept, size, null);
      size = kept;
      return this;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public AttributesBuilder putAll(Attributes attributes) {
      if (attributes != null) {
        attributes.forEach((k, v) -> put((AttributeKey) k, v));
      }
      return this;
    }
  }
}
