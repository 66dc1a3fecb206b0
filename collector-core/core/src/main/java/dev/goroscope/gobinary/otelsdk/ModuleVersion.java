package dev.goroscope.gobinary.otelsdk;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Go module version ({@code v1.47.0}, {@code v1.48.0-rc.1}, a pseudo-version) reduced to what
 * ranges compare: major, minor, patch. Pre-release and build suffixes are kept in {@link #raw()}
 * only.
 *
 * @param major e.g. 1
 * @param minor e.g. 47
 * @param patch e.g. 0
 * @param raw the version as written
 */
public record ModuleVersion(int major, int minor, int patch, String raw)
    implements Comparable<ModuleVersion> {

  private static final Pattern SEMVER = Pattern.compile("v(\\d{1,6})\\.(\\d{1,6})\\.(\\d{1,6})(.*)");

  /** Parses {@code vMAJOR.MINOR.PATCH[...]}; empty for {@code (devel)} and anything else. */
  public static Optional<ModuleVersion> parse(String raw) {
    Matcher m = SEMVER.matcher(raw.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new ModuleVersion(Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), raw.strip()));
  }

  /** Whether {@code raw} has a pre-release or build suffix (e.g. {@code -rc.1}). */
  public boolean preRelease() {
    return !raw.equals("v" + major + "." + minor + "." + patch);
  }

  /** The release line, e.g. {@code v1.47.x}. */
  public String line() {
    return "v" + major + "." + minor + ".x";
  }

  /** Same major and minor. */
  public boolean sameLine(ModuleVersion o) {
    return major == o.major && minor == o.minor;
  }

  @Override
  public int compareTo(ModuleVersion o) {
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
