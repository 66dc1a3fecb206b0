package dev.goroscope.otel.span;

import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies the record contract's {@link Attrs} into OpenTelemetry attributes: each {@link Attr}
 * becomes the {@link AttributeKey} of its span name and type (made once, then cached).
 */
final class AttrMapping {

  private static final ConcurrentHashMap<Attr<?>, AttributeKey<?>> KEYS =
      new ConcurrentHashMap<>();

  private AttrMapping() {}

  static void putAll(AttributesBuilder out, Attrs attrs) {
    for (int i = 0; i < attrs.size(); i++) {
      put(out, attrs.key(i), attrs.value(i));
    }
  }

  @SuppressWarnings("unchecked")
  private static void put(AttributesBuilder out, Attr<?> attr, Object value) {
    AttributeKey<?> key = KEYS.computeIfAbsent(attr, AttrMapping::keyOf);
    switch (attr.type()) {
      case STRING -> out.put((AttributeKey<String>) key, (String) value);
      case LONG -> out.put((AttributeKey<Long>) key, (Long) value);
      case BOOLEAN -> out.put((AttributeKey<Boolean>) key, (Boolean) value);
      case DOUBLE -> out.put((AttributeKey<Double>) key, (Double) value);
      case ADDRESS -> out.put((AttributeKey<String>) key, Attr.hex((Long) value));
    }
  }

  private static AttributeKey<?> keyOf(Attr<?> a) {
    return switch (a.type()) {
      case STRING, ADDRESS -> AttributeKey.stringKey(a.name());
      case LONG -> AttributeKey.longKey(a.name());
      case BOOLEAN -> AttributeKey.booleanKey(a.name());
      case DOUBLE -> AttributeKey.doubleKey(a.name());
    };
  }
}
