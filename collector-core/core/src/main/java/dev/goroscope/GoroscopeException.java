package dev.goroscope;

/**
 * An error whose message is fit for the user: one lower-case line saying what failed, why, and
 * the fix where there is one. {@code Main} prints it as {@code goroscope: <message>} and exits
 * with {@link #exitCode()}; anything else escaping to {@code Main} is a bug.
 */
public class GoroscopeException extends RuntimeException {

  /** Exit code for bad input (bad file, missing pid, unsupported binary). */
  public static final int EXIT_BAD_INPUT = 2;

  private final int exitCode;

  public GoroscopeException(String message) {
    this(message, null);
  }

  public GoroscopeException(String message, Throwable cause) {
    this(message, cause, EXIT_BAD_INPUT);
  }

  public GoroscopeException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
