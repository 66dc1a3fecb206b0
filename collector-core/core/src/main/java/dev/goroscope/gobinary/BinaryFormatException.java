package dev.goroscope.gobinary;

import dev.goroscope.GoroscopeException;

/**
 * The file is not what the inspector needs: not ELF, not Go, truncated, corrupted or of an
 * unsupported kind. The only exception the inspector lets escape for bad input.
 */
public class BinaryFormatException extends GoroscopeException {

  public BinaryFormatException(String message) {
    super(message);
  }

  public BinaryFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
