package dev.goroscope.cli;

import picocli.CommandLine;

/** Parses a percentage: {@code 1}, {@code 0.5}, {@code 2%}. */
final class PercentConverter implements CommandLine.ITypeConverter<Double> {

  @Override
  public Double convert(String value) {
    String v = value.trim();
    if (v.endsWith("%")) {
      v = v.substring(0, v.length() - 1).trim();
    }
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not a percentage: write a number, e.g. 1 or 0.5");
  }
}
