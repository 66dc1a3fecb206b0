package dev.goroscope.gobinary;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go toolchain version as written in {@code .go.buildinfo}, e.g. {@code go1.26.8}, {@code
 * go1.27rc1} or {@code devel go1.27-abcdef}.
 *
 * @param major 1 for every Go release so far
 * @param minor the release, e.g. 26 for go1.26.8
 * @param patch the point release, 0 for go1.21.0, pre-releases and devel builds
 * @param raw the string as found in the binary
 */
public record GoVersion(int major, int minor, int patch, String raw)
    implements Comparable<GoVersion> {

  /** Oldest Go release goroscope attaches to. */
  public static final GoVersion MIN_SUPPORTED = new GoVersion(1, 19, 0, "go1.19");
  /** Newest Go release line goroscope has been checked against (its point releases included). */
  public static final GoVersion MAX_SUPPORTED = new GoVersion(1, 27, 0, "go1.27");

  private static final Pattern VERSION =
      Pattern.compile("(?:devel )?go(\\d{1,3})(?:\\.(\\d{1,4}))?(?:\\.(\\d{1,4}))?.*");

  /** A version that could not be read: {@link #isKnown()} is false, minor is -1. */
  public static GoVersion unknown(String raw) {
    return new GoVersion(0, -1, 0, raw);
  }

  /** The release line {@code 1.minor}, e.g. to key tables by. */
  public static GoVersion ofMinor(int minor) {
    return new GoVersion(1, minor, 0, "go1." + minor);
  }

  /** Parses a version string, or {@link #unknown} when it does not look like a Go version. */
  public static GoVersion parseOrUnknown(String raw) {
    return parse(raw).orElseGet(() -> unknown(raw));
  }

  /** Parses a version string; empty when it does not look like a Go version. */
  public static Optional<GoVersion> parse(String raw) {
    Matcher m = VERSION.matcher(raw.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(new GoVersion(major, minor, patch, raw.strip()));
  }

  /** False for {@link #unknown} versions. */
  public boolean isKnown() {
    return major > 0;
  }

  /** True when this is release {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return this.major > major || (this.major == major && this.minor >= minor);
  }

  /** True for the releases goroscope supports ({@link #MIN_SUPPORTED}–{@link #MAX_SUPPORTED}). */
  public boolean isSupported() {
    return isKnown() && atLeast(MIN_SUPPORTED.major, MIN_SUPPORTED.minor)
        && !atLeast(MAX_SUPPORTED.major, MAX_SUPPORTED.minor + 1);
  }

  /** The release line, e.g. {@code go1.26} ({@code an unknown Go version} when unknown). */
  public String release() {
    return isKnown() ? "go" + major + "." + minor : "an unknown Go version";
  }

  @Override
  public int compareTo(GoVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return raw;
  }
}
