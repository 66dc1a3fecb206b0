package dev.goroscope.otel.receiver;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a receiver listens: {@code [HOST:]PORT}. Without a host it is loopback only
 * ({@code 127.0.0.1}), like the Collector's receivers: anything wider is the user's explicit
 * choice ({@code 0.0.0.0:4317}, {@code [::]:4317}). Port 0 takes any free port.
 *
 * @param host a host name or IP literal (IPv6 without brackets)
 * @param port 0–65535
 */
public record ListenAddress(String host, int port) {

  public static final String LOOPBACK = "127.0.0.1";

  public ListenAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("listen host must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("listen port " + port + " is not in 0-65535");
    }
  }

  /** Loopback on {@code port}. */
  public static ListenAddress loopback(int port) {
    return new ListenAddress(LOOPBACK, port);
  }

  /**
   * Parses {@code PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}.
   *
   * @throws IllegalArgumentException naming the value and the expected form
   */
  public static ListenAddress parse(String value) {
    Objects.requireNonNull(value, "value");
    String v = value.trim();
    String host = LOOPBACK;
    String port = v;
    if (v.startsWith("[")) {
      int close = v.indexOf("]:");
      if (close < 0) {
        throw bad(value);
      }
      host = v.substring(1, close);
      port = v.substring(close + 2);
    } else if (v.contains(":")) {
      int colon = v.lastIndexOf(':');
      host = v.substring(0, colon);
      port = v.substring(colon + 1);
      if (host.contains(":")) {
        throw bad(value); // a bare IPv6 literal needs brackets
      }
    }
    if (host.isBlank() || port.isEmpty() || !port.chars().allMatch(Character::isDigit)
        || port.length() > 5) {
      throw bad(value);
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw bad(value);
    }
    return new ListenAddress(host, p);
  }

  private static IllegalArgumentException bad(String value) {
    return new IllegalArgumentException("'" + value + "' is not [HOST:]PORT, e.g. 4317,"
        + " 127.0.0.1:4317, 0.0.0.0:4317 or [::1]:4317");
  }

  InetSocketAddress socketAddress() {
    return new InetSocketAddress(host, port);
  }

  /** True for loopback hosts (the default); false for anything reachable from elsewhere. */
  public boolean isLoopback() {
    InetSocketAddress a = socketAddress();
    return a.getAddress() != null && a.getAddress().isLoopbackAddress();
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
