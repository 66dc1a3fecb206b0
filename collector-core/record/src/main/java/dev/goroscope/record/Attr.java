package dev.goroscope.record;

import java.util.Objects;

/**
 * The key of one attribute of a goroutine or of one of its events, typed like OpenTelemetry's
 * {@code AttributeKey} but free of it: {@link #name()} is the span (event) attribute name,
 * {@link #jsonName()} the field name in JSON lines ({@code null}: not written to JSON, e.g.
 * a value derived only for people reading traces). Immutable; compare with {@code equals}.
 *
 * @param name the attribute name on spans and span events, e.g. {@code channel.address}
 * @param jsonName the JSON-lines field name, e.g. {@code address}, or null
 * @param type the value type
 * @param <T> the Java type of values: String, Long (also for addresses), Boolean or Double
 */
public record Attr<T>(String name, String jsonName, Type type) {

  /** Value types, those OpenTelemetry and JSON both have, plus addresses. */
  public enum Type {
    STRING,
    LONG,
    BOOLEAN,
    DOUBLE,
    /**
     * A memory address held as a {@code Long} and written as the string {@code 0x…} by every
     * output: the hex text is made only where it is written, not per event on the hot path.
     */
    ADDRESS
  }

  public Attr {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("attribute name must not be empty");
    }
  }

  public static Attr<String> string(String name, String jsonName) {
    return new Attr<>(name, jsonName, Type.STRING);
  }

  public static Attr<Long> integer(String name, String jsonName) {
    return new Attr<>(name, jsonName, Type.LONG);
  }

  public static Attr<Boolean> bool(String name, String jsonName) {
    return new Attr<>(name, jsonName, Type.BOOLEAN);
  }

  public static Attr<Double> number(String name, String jsonName) {
    return new Attr<>(name, jsonName, Type.DOUBLE);
  }

  /** An address, written {@code 0x…}; see {@link Type#ADDRESS}. */
  public static Attr<Long> address(String name, String jsonName) {
    return new Attr<>(name, jsonName, Type.ADDRESS);
  }

  /** The text outputs write for an address: {@code 0x} and lower-case hex. */
  public static String hex(long address) {
    return "0x" + Long.toHexString(address);
  }
}
