package dev.goroscope.gobinary.buildinfo;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.gobinary.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Go linker records in {@code .go.buildinfo}: the toolchain version and the module
 * information ({@code go version -m} prints the same).
 *
 * @param goVersion the toolchain version string, e.g. {@code go1.26.8}
 * @param path the main package path ({@code path} line), or empty
 * @param modulePath the main module path ({@code mod} line), or empty when built outside a module
 * @param moduleVersion the main module version, e.g. {@code (devel)}, or empty
 * @param settings the {@code build} lines ({@code -buildmode}, {@code GOARCH}, …) in order
 * @param dependencies the {@code dep} lines (modules linked in), in order, with their
 *     replacements ({@code =>} lines)
 */
public record BuildInfo(
    String goVersion,
    String path,
    String modulePath,
    String moduleVersion,
    Map<String, String> settings,
    List<Module> dependencies) {

  /**
   * A module the binary was built with.
   *
   * @param path e.g. {@code go.opentelemetry.io/otel/sdk}
   * @param version e.g. {@code v1.47.0}; {@code (devel)} or empty for a local replacement
   * @param replacement what {@code go.mod} replaced it with, or null
   */
  public record Module(String path, String version, Module replacement) {
    public Module {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(version, "version");
    }

    /** The module whose code was really linked: the replacement if there is one. */
    public Module effective() {
      return replacement != null ? replacement : this;
    }
  }

  /** The 14-byte magic that starts the 32-byte header, 16-byte aligned. */
  static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);

  static final int HEADER_SIZE = 32;
  private static final int ALIGN = 16;
  private static final int FLAG_INLINE_STRINGS = 0x2;
  private static final int FLAG_BIG_ENDIAN = 0x1;
  /** No build information string comes close; a larger length is corruption. */
  private static final int MAX_STRING = 1 << 20;
  /** The linker puts the blob at the start of the data segment; search no further than this. */
  private static final long MAX_SEARCH = 64L << 20;

  public BuildInfo {
    Objects.requireNonNull(goVersion, "goVersion");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(modulePath, "modulePath");
    Objects.requireNonNull(moduleVersion, "moduleVersion");
    settings = Map.copyOf(settings);
    dependencies = List.copyOf(dependencies);
  }

  /** Build information without dependency lines. */
  public BuildInfo(String goVersion, String path, String modulePath, String moduleVersion,
      Map<String, String> settings) {
    this(goVersion, path, modulePath, moduleVersion, settings, List.of());
  }

  /** The dependency {@code modulePath} as recorded (see {@link Module#effective()}). */
  public Optional<Module> dependency(String modulePath) {
    for (Module m : dependencies) {
      if (m.path().equals(modulePath)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * Reads the build information of {@code elf}.
   *
   * @throws BinaryFormatException when the file is not a Go executable or the blob is corrupted
   */
  public static BuildInfo read(ElfFile elf) {
    ByteBuffer region = null;
    int at = -1;
    for (ByteBuffer candidate : dataRegions(elf)) {
      at = findMagic(candidate);
      if (at >= 0) {
        region = candidate;
        break;
      }
    }
    if (region == null) {
      throw new BinaryFormatException(elf.path()
          + " is not a Go executable (no Go build information); goroscope needs a binary built"
          + " by the Go toolchain");
    }
    if (region.capacity() - at < HEADER_SIZE) {
      throw elf.corrupt("Go build information header is cut short");
    }
    int flags = region.get(at + 15) & 0xff;
    String version;
    String modinfo;
    if ((flags & FLAG_INLINE_STRINGS) != 0) {
      int[] pos = {at + HEADER_SIZE};
      version = varintString(elf, region, pos);
      modinfo = varintString(elf, region, pos);
    } else {
      int ptrSize = region.get(at + 14);
      if (ptrSize != 8 || (flags & FLAG_BIG_ENDIAN) != 0) {
        throw elf.corrupt("Go build information has pointer size " + ptrSize);
      }
      version = pointerString(elf, region.getLong(at + 16));
      modinfo = pointerString(elf, region.getLong(at + 24));
    }
    if (version.isEmpty()) {
      throw new BinaryFormatException(elf.path() + " is not a Go executable (empty Go version)");
    }
    return parseModInfo(version, modinfo);
  }

  /** The 1.18+ inline format, or pre-1.18 pointers; both end in the same module text. */
  static BuildInfo parseModInfo(String version, String modinfo) {
    // cmd/go frames the module text with 16-byte sentinels; strip them as debug/buildinfo does.
    String mod = "";
    if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
      mod = modinfo.substring(16, modinfo.length() - 16);
    }
    String path = "";
    String modulePath = "";
    String moduleVersion = "";
    Map<String, String> settings = new LinkedHashMap<>();
    List<Module> deps = new ArrayList<>();
    for (String line : mod.split("\n", -1)) {
      String[] f = line.split("\t", -1);
      switch (f[0]) {
        case "dep" -> {
          if (f.length > 1 && !f[1].isEmpty()) {
            deps.add(new Module(f[1], f.length > 2 ? f[2] : "", null));
          }
        }
        case "=>" -> {
          // replaces the dep line just before it
          if (!deps.isEmpty() && f.length > 1 && !f[1].isEmpty()) {
            Module d = deps.remove(deps.size() - 1);
            deps.add(new Module(d.path(), d.version(),
                new Module(f[1], f.length > 2 ? f[2] : "", null)));
          }
        }
        case "path" -> path = f.length > 1 ? f[1] : "";
        case "mod" -> {
          modulePath = f.length > 1 ? f[1] : "";
          moduleVersion = f.length > 2 ? f[2] : "";
        }
        case "build" -> {
          if (f.length > 1) {
            int eq = f[1].indexOf('=');
            if (eq > 0) {
              settings.put(unquote(f[1].substring(0, eq)), unquote(f[1].substring(eq + 1)));
            } else {
              settings.put(f[1], "");
            }
          }
        }
        default -> { }
      }
    }
    return new BuildInfo(version, path, modulePath, moduleVersion, settings, deps);
  }

  /**
   * cmd/go quotes a setting with Go syntax when it holds spaces, quotes or other special
   * characters ({@code -ldflags="-s -w"}); undo the common escapes.
   */
  static String unquote(String s) {
    if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() - 1) {
        char e = s.charAt(++i);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          default -> out.append(e);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The build setting {@code key}, e.g. {@code -buildmode}. */
  public Optional<String> setting(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  /**
   * Where the blob may be: its section, else (no section table) the start of each writable
   * data segment; the linker puts it first in the data segment, after .data.rel.ro in PIE.
   */
  private static List<ByteBuffer> dataRegions(ElfFile elf) {
    Optional<ElfSection> section = elf.section(".go.buildinfo");
    if (section.isPresent()) {
      return List.of(elf.sectionData(section.get()));
    }
    List<ByteBuffer> out = new ArrayList<>();
    long budget = MAX_SEARCH;
    for (ElfSegment seg : elf.segments()) {
      if (isDataSegment(seg) && budget > 0) {
        long len = Math.min(seg.fileSize(), budget);
        budget -= len;
        try {
          out.add(elf.readAddress(seg.virtualAddress(), len));
        } catch (BinaryFormatException e) {
          // a segment cut by truncation: look in the others
        }
      }
    }
    return out;
  }

  private static boolean isDataSegment(ElfSegment seg) {
    return seg.isLoad() && (seg.flags() & 0x3) == 0x2 && seg.fileSize() > 0;
  }

  /** Offset of the first 16-byte-aligned magic, or −1. */
  static int findMagic(ByteBuffer region) {
    int limit = region.capacity() - MAGIC.length;
    outer:
    for (int i = 0; i <= limit; i += ALIGN) {
      for (int j = 0; j < MAGIC.length; j++) {
        if (region.get(i + j) != MAGIC[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String varintString(ElfFile elf, ByteBuffer buf, int[] pos) {
    long length = 0;
    int shift = 0;
    int p = pos[0];
    while (true) {
      if (p >= buf.capacity() || shift > 63) {
        throw elf.corrupt("Go build information string length is cut short");
      }
      int b = buf.get(p++) & 0xff;
      length |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    if (length < 0 || length > MAX_STRING || length > buf.capacity() - p) {
      throw elf.corrupt("Go build information string of " + length + " bytes");
    }
    byte[] bytes = new byte[(int) length];
    buf.get(p, bytes);
    pos[0] = p + (int) length;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String pointerString(ElfFile elf, long headerAddr) {
    ByteBuffer header = elf.readAddress(headerAddr, 16);
    long ptr = header.getLong(0);
    long len = header.getLong(8);
    if (len < 0 || len > MAX_STRING) {
      throw elf.corrupt("Go build information string of " + len + " bytes");
    }
    if (len == 0) {
      return "";
    }
    ByteBuffer s = elf.readAddress(ptr, len);
    byte[] bytes = new byte[(int) len];
    s.get(0, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
