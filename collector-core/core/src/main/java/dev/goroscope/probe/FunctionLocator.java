package dev.goroscope.probe;

import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a function's bounds by name. The inspector implements it over .gopclntab (works for
 * stripped binaries); {@link #fromSymbols} reads .symtab.
 */
@FunctionalInterface
public interface FunctionLocator {

  /** The function's bounds, or empty when the binary has no such symbol (inlined, unlinked). */
  Optional<FunctionBounds> find(String name);

  /** Function symbols of .symtab (empty for stripped binaries). */
  static FunctionLocator fromSymbols(ElfFile elf) {
    Map<String, FunctionBounds> byName = new HashMap<>();
    for (ElfSymbol s : elf.symbols()) {
      if (s.isFunction() && s.size() > 0 && s.size() <= FunctionBounds.MAX_SIZE) {
        byName.putIfAbsent(s.name(), new FunctionBounds(s.name(), s.value(), s.size()));
      }
    }
    return name -> Optional.ofNullable(byName.get(name));
  }
}
