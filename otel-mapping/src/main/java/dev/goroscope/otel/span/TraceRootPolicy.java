package dev.goroscope.otel.span;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which start functions begin a trace of their own even though their creator is traced, so that
 * each HTTP connection (or job, or stream) becomes one trace instead of a giant trace per
 * process. An entry matches a start function exactly, or by prefix when it ends in {@code *}
 * (e.g. {@code main.handle*}).
 */
public final class TraceRootPolicy {

  /** net/http's per-connection goroutine: one trace per connection. */
  public static final String NET_HTTP_CONN_SERVE = "net/http.(*conn).serve";

  /** The default root functions: {@value #NET_HTTP_CONN_SERVE} and its HTTP/2 sibling. */
  public static final Set<String> DEFAULT_ROOT_FUNCTIONS =
      Set.of(NET_HTTP_CONN_SERVE, "golang.org/x/net/http2.(*serverConn).serve",
          "net/http.(*http2serverConn).serve");

  private final Set<String> exact;
  private final List<String> prefixes;

  private TraceRootPolicy(Set<String> exact, List<String> prefixes) {
    this.exact = exact;
    this.prefixes = prefixes;
  }

  public static TraceRootPolicy defaults() {
    return of(DEFAULT_ROOT_FUNCTIONS);
  }

  /** A policy with exactly these root functions (none: only untraced parents start traces). */
  public static TraceRootPolicy of(Collection<String> rootFunctions) {
    Objects.requireNonNull(rootFunctions, "rootFunctions");
    List<String> exact = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (String f : rootFunctions) {
      Objects.requireNonNull(f, "root function");
      String t = f.trim();
      if (t.isEmpty()) {
        throw new IllegalArgumentException("root function must not be empty");
      }
      if (t.endsWith("*")) {
        prefixes.add(t.substring(0, t.length() - 1));
      } else {
        exact.add(t);
      }
    }
    return new TraceRootPolicy(Set.copyOf(exact), List.copyOf(prefixes));
  }

  /** True when a goroutine started in this function starts its own trace. */
  public boolean isRootFunction(String startFunction) {
    if (exact.contains(startFunction)) {
      return true;
    }
    for (String p : prefixes) {
      if (startFunction.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>(exact);
    prefixes.forEach(p -> all.add(p + "*"));
    return "TraceRootPolicy" + all;
  }
}
