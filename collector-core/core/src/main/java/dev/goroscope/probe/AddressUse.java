package dev.goroscope.probe;

import java.util.List;
import java.util.Objects;

/**
 * An address of the target a BPF program compares against (an itab, a method's entry), and the
 * {@code volatile const} that carries it (0 when the binary does not have it). Addresses with
 * the same {@code need} are alternatives of which at least one must be found, or the probe
 * cannot tell what it sees; a null {@code need} is a nice-to-have.
 *
 * @param constant the BPF constant
 * @param kind what {@code names} are
 * @param names candidate names, first found wins: for {@link Kind#ITAB} the
 *     {@code type,interface} pair (the symbol is {@code go:itab.<pair>}, {@code go.itab.} before
 *     Go 1.20), for {@link Kind#FUNCTION} function names (found in stripped binaries too), for
 *     {@link Kind#VARIABLE} the variable's name
 * @param need what the alternatives establish, e.g. "the timerCtx type", or null
 */
public record AddressUse(String constant, Kind kind, List<String> names, String need) {

  /** What an address names. */
  public enum Kind {
    /** An interface table: a data symbol, absent from stripped binaries (and from Go 1.27's). */
    ITAB,
    /** A function's entry, from .symtab or .gopclntab. */
    FUNCTION,
    /**
     * A package-level variable: its symbol, or in stripped binaries where the runtime's own code
     * loads it (see {@code dev.goroscope.snapshot.AllpLocator}).
     */
    VARIABLE
  }

  public AddressUse {
    Objects.requireNonNull(constant, "constant");
    Objects.requireNonNull(kind, "kind");
    names = List.copyOf(names);
  }

  static AddressUse itab(String constant, String pair, String need) {
    return new AddressUse(constant, Kind.ITAB, List.of(pair), need);
  }

  static AddressUse function(String constant, String need, String... names) {
    return new AddressUse(constant, Kind.FUNCTION, List.of(names), need);
  }

  static AddressUse variable(String constant, String name, String need) {
    return new AddressUse(constant, Kind.VARIABLE, List.of(name), need);
  }
}
