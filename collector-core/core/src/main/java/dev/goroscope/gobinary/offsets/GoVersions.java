package dev.goroscope.gobinary.offsets;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Go version strings such as {@code go1.26.8}, {@code go1.21rc2}, {@code devel go1.27-x}.
 */
public final class GoVersions {

  private static final Pattern VERSION = Pattern.compile("go1\\.(\\d{1,3})(?![0-9])");

  private GoVersions() {}

  /** The minor number (26 for go1.26.8), or -1 when the string names no Go 1.x release. */
  public static int minor(String goVersion) {
    if (goVersion == null) {
      return -1;
    }
    Matcher m = VERSION.matcher(goVersion);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** "1.26" for minor 26. */
  public static String label(int minor) {
    return "1." + minor;
  }
}
