package dev.goroscope.gobinary.dwarf;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds struct types by name in a binary's DWARF and reads their member offsets.
 *
 * <p>Only what struct layouts need is decoded: the unit headers of DWARF 2–5 (32- and 64-bit
 * DWARF), abbreviation tables, and attribute values of every standard form (skipped when not
 * needed). Go writes DWARF 4 up to 1.24 and DWARF 5 from 1.25, names inline
 * ({@code DW_FORM_string}) and type references as {@code DW_FORM_ref_addr}; the other string and
 * reference forms are supported so that binaries post-processed by other tools still read.
 *
 * <p>Hardened against corrupted input: every read is bounds-checked, and counts, nesting depth
 * and total work are capped, so the only failure is {@link BinaryFormatException}. Not
 * thread-safe: use one reader per thread.
 */
public final class DwarfReader {

  static final int MAX_ABBREVS_PER_TABLE = 1 << 16;
  static final int MAX_ATTRS_PER_ABBREV = 256;
  static final int MAX_DEPTH = 512;
  static final int MAX_UNITS = 1 << 20;
  static final int MAX_MEMBERS = 1 << 14;
  private static final int MAX_INDIRECT = 4;

  // Tags and attributes this reader looks at.
  static final int TAG_COMPILE_UNIT = 0x11;
  static final int TAG_MEMBER = 0x0d;
  static final int TAG_POINTER_TYPE = 0x0f;
  static final int TAG_STRUCTURE_TYPE = 0x13;
  static final int TAG_TYPEDEF = 0x16;
  static final int TAG_SKELETON_UNIT = 0x4a;
  private static final int AT_NAME = 0x03;
  private static final int AT_BYTE_SIZE = 0x0b;
  private static final int AT_DATA_MEMBER_LOCATION = 0x38;
  private static final int AT_DECLARATION = 0x3c;
  private static final int AT_TYPE = 0x49;
  private static final int AT_STR_OFFSETS_BASE = 0x72;

  private final String file;
  private final ByteBuffer info;
  private final ByteBuffer abbrev;
  private final ByteBuffer str;
  private final ByteBuffer lineStr;
  private final ByteBuffer strOffsets;
  private final Map<Long, Map<Long, Abbrev>> abbrevTables = new HashMap<>();
  private final List<Unit> units = new ArrayList<>();
  private long workBudget;
  private long lastScannedUnitEnd;

  private DwarfReader(String file, ByteBuffer info, ByteBuffer abbrev, ByteBuffer str,
      ByteBuffer lineStr, ByteBuffer strOffsets) {
    this.file = file;
    this.info = info;
    this.abbrev = abbrev;
    this.str = str;
    this.lineStr = lineStr;
    this.strOffsets = strOffsets;
  }

  /**
   * The DWARF of {@code elf}, or empty when it has none (stripped with {@code -ldflags=-w} or
   * {@code -s}). Pre-1.19 {@code .zdebug_*} sections count as none.
   */
  public static Optional<DwarfReader> open(ElfFile elf) {
    Optional<ElfSection> infoSection = elf.section(".debug_info");
    Optional<ElfSection> abbrevSection = elf.section(".debug_abbrev");
    if (infoSection.isEmpty() || abbrevSection.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DwarfReader(
        elf.path().toString(),
        elf.sectionData(infoSection.get()),
        elf.sectionData(abbrevSection.get()),
        optionalSection(elf, ".debug_str"),
        optionalSection(elf, ".debug_line_str"),
        optionalSection(elf, ".debug_str_offsets")));
  }

  /** A reader over raw section images; for tests. Missing string sections may be null. */
  static DwarfReader of(String file, ByteBuffer info, ByteBuffer abbrev, ByteBuffer str,
      ByteBuffer lineStr, ByteBuffer strOffsets) {
    return new DwarfReader(file, info, abbrev, str, lineStr, strOffsets);
  }

  private static ByteBuffer optionalSection(ElfFile elf, String name) {
    return elf.section(name).map(elf::sectionData).orElse(null);
  }

  /** The DWARF version of the first unit (Go: 4 up to 1.24, 5 from 1.25). */
  public int version() {
    return guarded(() -> {
      DwarfCursor c = cursor("debug_info", info);
      Unit u = readUnitHeader(c, 0);
      return u.version;
    });
  }

  /**
   * Scans all units once and returns the complete (non-declaration) struct types among {@code
   * names}; names not defined in this binary are absent from the result.
   */
  public Map<String, DwarfStruct> findStructs(Collection<String> names) {
    return guarded(() -> scan(new LinkedHashSet<>(names)));
  }

  /**
   * The member at {@code path} of {@code struct}, descending into nested struct members: {@code
   * "sched.sp"} of {@code runtime.g} is the {@code sp} of its {@code sched} (a {@code
   * runtime.gobuf}), with the offset counted from the start of {@code runtime.g}. Embedded
   * fields are named by their type, as Go's DWARF names them ({@code
   * "c.maybeTraceablePtr.vu"}). Empty when a step is missing or is not a struct; typedefs are
   * followed. Call after {@link #findStructs} on the same reader.
   */
  public Optional<DwarfMember> member(DwarfStruct struct, String path) {
    return guarded(() -> resolvePath(struct, path));
  }

  private Optional<DwarfMember> resolvePath(DwarfStruct struct, String path) {
    String[] steps = path.split("\\.", -1);
    Optional<DwarfMember> first = struct.member(steps[0]);
    if (first.isEmpty()) {
      return Optional.empty();
    }
    DwarfMember at = first.get();
    long offset = at.offset();
    for (int i = 1; i < steps.length; i++) {
      if (at.pointer() || at.typeOffset() < 0) {
        return Optional.empty();
      }
      DwarfStruct inner = structAt(at.typeOffset());
      if (inner == null) {
        return Optional.empty();
      }
      Optional<DwarfMember> next = inner.member(steps[i]);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      at = next.get();
      offset += at.offset();
    }
    return Optional.of(new DwarfMember(path, offset, at.typeName(), at.pointer(),
        at.typeOffset()));
  }

  /** The struct type entry at {@code offset} (following up to 4 typedefs), or null. */
  private DwarfStruct structAt(long offset) {
    if (units.isEmpty()) {
      scan(Set.of());
    }
    long at = offset;
    for (int hops = 0; hops <= MAX_INDIRECT; hops++) {
      Unit unit = unitOf(at);
      if (unit == null) {
        return null;
      }
      DwarfCursor c = cursor("debug_info", info);
      c.seek(at);
      Abbrev a = abbrevTable(unit.abbrevOffset).get(c.uleb());
      if (a == null) {
        throw c.corrupt("type reference to " + at + " hits an unknown abbreviation");
      }
      Attr attr = new Attr();
      String name = null;
      long byteSize = -1;
      long typeRef = -1;
      for (int i = 0; i < a.attrs.length; i++) {
        int an = a.attrs[i];
        if (an == AT_NAME || an == AT_BYTE_SIZE || an == AT_TYPE) {
          readForm(c, unit, a.forms[i], a.implicitConst[i], attr, 0);
          if (an == AT_NAME) {
            name = stringOf(attr, unit);
          } else if (an == AT_BYTE_SIZE) {
            byteSize = attr.kind == Attr.CONST ? attr.value : -1;
          } else {
            typeRef = attr.kind == Attr.REF ? attr.value : -1;
          }
        } else {
          skipForm(c, unit, a.forms[i], a.implicitConst[i], 0);
        }
      }
      if (a.tag == TAG_TYPEDEF && typeRef >= 0) {
        at = typeRef;
        continue;
      }
      if (a.tag != TAG_STRUCTURE_TYPE) {
        return null;
      }
      StructBuilder b = new StructBuilder(name == null ? "" : name, byteSize);
      if (a.hasChildren) {
        readMembers(c, unit, b, attr);
      }
      return b.build();
    }
    return null;
  }

  /** Reads the direct member children of the struct entry whose attributes {@code c} passed. */
  private void readMembers(DwarfCursor c, Unit unit, StructBuilder b, Attr attr) {
    Map<Long, Abbrev> abbrevs = abbrevTable(unit.abbrevOffset);
    int depth = 1;
    while (depth > 0 && c.position() < unit.end) {
      long code = c.uleb();
      if (code == 0) {
        depth--;
        continue;
      }
      Abbrev a = abbrevs.get(code);
      if (a == null) {
        throw c.corrupt("unknown abbreviation code " + code + " at " + c.position());
      }
      boolean member = depth == 1 && a.tag == TAG_MEMBER;
      String name = null;
      long memberOffset = -1;
      long typeRef = -1;
      for (int i = 0; i < a.attrs.length; i++) {
        spend(c);
        int an = a.attrs[i];
        if (member && (an == AT_NAME || an == AT_DATA_MEMBER_LOCATION || an == AT_TYPE)) {
          readForm(c, unit, a.forms[i], a.implicitConst[i], attr, 0);
          switch (an) {
            case AT_NAME -> name = stringOf(attr, unit);
            case AT_DATA_MEMBER_LOCATION -> memberOffset = memberLocation(attr);
            default -> typeRef = attr.kind == Attr.REF ? attr.value : -1;
          }
        } else {
          skipForm(c, unit, a.forms[i], a.implicitConst[i], 0);
        }
      }
      if (member && name != null && memberOffset >= 0) {
        if (b.members.size() >= MAX_MEMBERS) {
          throw c.corrupt("struct " + b.name + " has more than " + MAX_MEMBERS + " members");
        }
        b.members.add(new PendingMember(name, memberOffset, typeRef));
      }
      if (a.hasChildren && ++depth > MAX_DEPTH) {
        throw c.corrupt("DIE nesting deeper than " + MAX_DEPTH);
      }
    }
  }

  private Unit unitOf(long offset) {
    for (Unit u : units) {
      if (offset >= u.firstDie && offset < u.end) {
        return u;
      }
    }
    return null;
  }

  /** Where the last {@link #findStructs} stopped walking DIEs; for tests. */
  long lastUnitEnd() {
    return lastScannedUnitEnd;
  }

  private interface Body<T> {
    T run();
  }

  // A last line of defence: the cursor checks every access, but a bug elsewhere must still
  // surface as a format error, never as an unchecked exception from the inspector.
  private <T> T guarded(Body<T> body) {
    try {
      return body.run();
    } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException
        | ArithmeticException e) {
      throw new BinaryFormatException(
          file + " is truncated or corrupted: DWARF: " + e.getClass().getSimpleName(), e);
    }
  }

  private Map<String, DwarfStruct> scan(Set<String> wanted) {
    Map<String, StructBuilder> found = new LinkedHashMap<>();
    DwarfCursor c = cursor("debug_info", info);
    workBudget = 64L * info.capacity() + (1 << 20);
    units.clear();
    long offset = 0;
    Attr attr = new Attr();
    while (offset < c.limit() && found.size() < wanted.size()) {
      if (units.size() >= MAX_UNITS) {
        throw c.corrupt("more than " + MAX_UNITS + " units");
      }
      Unit unit = readUnitHeader(c, offset);
      units.add(unit);
      scanUnit(c, unit, wanted, found, attr);
      offset = unit.end;
      lastScannedUnitEnd = offset;
    }
    // Index the remaining unit headers so type references into later units resolve.
    while (offset < c.limit()) {
      if (units.size() >= MAX_UNITS) {
        throw c.corrupt("more than " + MAX_UNITS + " units");
      }
      Unit unit = readUnitHeader(c, offset);
      units.add(unit);
      offset = unit.end;
    }
    Map<String, DwarfStruct> out = new LinkedHashMap<>();
    for (StructBuilder b : found.values()) {
      out.put(b.name, b.build());
    }
    return out;
  }

  private void scanUnit(DwarfCursor c, Unit unit, Set<String> wanted,
      Map<String, StructBuilder> found, Attr attr) {
    Map<Long, Abbrev> abbrevs = abbrevTable(unit.abbrevOffset);
    c.seek(unit.firstDie);
    int depth = 0;
    StructBuilder collecting = null;
    int collectDepth = -1;
    while (c.position() < unit.end) {
      long code = c.uleb();
      if (code == 0) {
        depth = Math.max(0, depth - 1);
        if (collecting != null && depth < collectDepth) {
          collecting = finish(collecting, found);
        }
        continue;
      }
      Abbrev a = abbrevs.get(code);
      if (a == null) {
        throw c.corrupt("unknown abbreviation code " + code + " at " + c.position());
      }
      boolean wantStruct = a.tag == TAG_STRUCTURE_TYPE;
      boolean wantMember = collecting != null && depth == collectDepth && a.tag == TAG_MEMBER;
      boolean isUnit = depth == 0 && (a.tag == TAG_COMPILE_UNIT || a.tag == TAG_SKELETON_UNIT);
      String name = null;
      long byteSize = -1;
      long memberOffset = -1;
      long typeRef = -1;
      boolean declaration = false;
      long pendingStrx = -1;
      for (int i = 0; i < a.attrs.length; i++) {
        spend(c);
        int at = a.attrs[i];
        boolean decode = (wantStruct || wantMember || isUnit)
            && (at == AT_NAME || at == AT_BYTE_SIZE || at == AT_DATA_MEMBER_LOCATION
                || at == AT_DECLARATION || at == AT_TYPE || at == AT_STR_OFFSETS_BASE);
        if (!decode) {
          skipForm(c, unit, a.forms[i], a.implicitConst[i], 0);
          continue;
        }
        readForm(c, unit, a.forms[i], a.implicitConst[i], attr, 0);
        switch (at) {
          case AT_NAME -> {
            if (attr.kind == Attr.STRX) {
              pendingStrx = attr.value;
            } else {
              name = stringOf(attr, unit);
            }
          }
          case AT_BYTE_SIZE -> byteSize = attr.kind == Attr.CONST ? attr.value : -1;
          case AT_DATA_MEMBER_LOCATION -> memberOffset = memberLocation(attr);
          case AT_DECLARATION -> declaration = attr.kind == Attr.CONST && attr.value != 0;
          case AT_TYPE -> typeRef = attr.kind == Attr.REF ? attr.value : -1;
          case AT_STR_OFFSETS_BASE -> {
            if (isUnit && attr.kind == Attr.CONST) {
              unit.strOffsetsBase = attr.value;
            }
          }
          default -> { }
        }
      }
      if (pendingStrx >= 0) {
        name = strx(pendingStrx, unit);
      }
      if (wantMember && name != null && memberOffset >= 0) {
        if (collecting.members.size() >= MAX_MEMBERS) {
          throw c.corrupt("struct " + collecting.name + " has more than " + MAX_MEMBERS
              + " members");
        }
        collecting.members.add(new PendingMember(name, memberOffset, typeRef));
      }
      if (a.hasChildren) {
        if (++depth > MAX_DEPTH) {
          throw c.corrupt("DIE nesting deeper than " + MAX_DEPTH);
        }
      }
      if (wantStruct && name != null && !declaration && wanted.contains(name)
          && !found.containsKey(name) && collecting == null) {
        StructBuilder b = new StructBuilder(name, byteSize);
        if (a.hasChildren) {
          collecting = b;
          collectDepth = depth;
        } else {
          found.put(name, b);
        }
      }
    }
    if (collecting != null) {
      finish(collecting, found);
    }
  }

  private StructBuilder finish(StructBuilder b, Map<String, StructBuilder> found) {
    found.put(b.name, b);
    return null;
  }

  private void spend(DwarfCursor c) {
    if (--workBudget < 0) {
      throw c.corrupt("too many attributes for the size of .debug_info");
    }
  }

  private static long memberLocation(Attr attr) {
    if (attr.kind == Attr.CONST) {
      return attr.value;
    }
    if (attr.kind == Attr.BLOCK && attr.block != null) {
      // DWARF 2 style location expression: DW_OP_plus_uconst N (or DW_OP_constu N).
      DwarfCursor e = attr.block;
      if (!e.hasRemaining()) {
        return -1;
      }
      int op = e.u8();
      if (op == 0x23 || op == 0x10) {
        long v = e.uleb();
        return e.hasRemaining() ? -1 : v;
      }
    }
    return -1;
  }

  private String stringOf(Attr attr, Unit unit) {
    return switch (attr.kind) {
      case Attr.STRING -> attr.string;
      case Attr.STRP -> sectionString(str, "debug_str", attr.value);
      case Attr.LINE_STRP -> sectionString(lineStr, "debug_line_str", attr.value);
      case Attr.STRX -> strx(attr.value, unit);
      default -> null;
    };
  }

  private String sectionString(ByteBuffer section, String name, long offset) {
    if (section == null) {
      throw new BinaryFormatException(
          file + " is truncated or corrupted: a name refers to missing section ." + name);
    }
    return cursor(name, section).cStringAt(offset);
  }

  private String strx(long index, Unit unit) {
    if (strOffsets == null) {
      throw new BinaryFormatException(
          file + " is truncated or corrupted: a name refers to missing .debug_str_offsets");
    }
    DwarfCursor c = cursor("debug_str_offsets", strOffsets);
    // Without DW_AT_str_offsets_base, the first contribution follows its 8- or 16-byte header.
    long base = unit.strOffsetsBase >= 0 ? unit.strOffsetsBase : (unit.offsetSize == 8 ? 16 : 8);
    if (index < 0 || index > (c.limit() / unit.offsetSize)) {
      throw c.corrupt("string index " + index);
    }
    c.seek(base + index * unit.offsetSize);
    return sectionString(str, "debug_str", c.unsigned(unit.offsetSize));
  }

  private Unit readUnitHeader(DwarfCursor c, long offset) {
    c.seek(offset);
    long length = c.u32();
    int offsetSize = 4;
    if (length == 0xffffffffL) {
      length = c.u64();
      offsetSize = 8;
    } else if (length >= 0xfffffff0L) {
      throw c.corrupt("reserved unit length 0x" + Long.toHexString(length) + " at " + offset);
    }
    long end = c.position() + length;
    if (length < 2 || length > c.limit() - c.position()) {
      throw c.corrupt("unit at " + offset + " claims " + length + " bytes");
    }
    int version = c.u16();
    if (version < 2 || version > 5) {
      throw c.corrupt("unit at " + offset + " has DWARF version " + version);
    }
    Unit u = new Unit();
    u.start = offset;
    u.end = end;
    u.version = version;
    u.offsetSize = offsetSize;
    if (version >= 5) {
      int unitType = c.u8();
      u.addrSize = c.u8();
      u.abbrevOffset = c.unsigned(offsetSize);
      switch (unitType) {
        case 0x01, 0x03 -> { } // compile, partial
        case 0x04, 0x05 -> c.skip(8); // skeleton, split_compile: dwo_id
        case 0x02, 0x06 -> c.skip(8 + offsetSize); // type units: signature, type_offset
        default -> throw c.corrupt("unit at " + offset + " has unit type " + unitType);
      }
    } else {
      u.abbrevOffset = c.unsigned(offsetSize);
      u.addrSize = c.u8();
    }
    if (u.addrSize != 1 && u.addrSize != 2 && u.addrSize != 4 && u.addrSize != 8) {
      throw c.corrupt("unit at " + offset + " has address size " + u.addrSize);
    }
    u.firstDie = c.position();
    if (u.firstDie > end) {
      throw c.corrupt("unit header at " + offset + " is longer than the unit");
    }
    return u;
  }

  private Map<Long, Abbrev> abbrevTable(long offset) {
    Map<Long, Abbrev> table = abbrevTables.get(offset);
    if (table != null) {
      return table;
    }
    table = new HashMap<>();
    DwarfCursor c = cursor("debug_abbrev", abbrev);
    c.seek(offset);
    while (true) {
      long code = c.uleb();
      if (code == 0) {
        break;
      }
      if (table.size() >= MAX_ABBREVS_PER_TABLE) {
        throw c.corrupt("more than " + MAX_ABBREVS_PER_TABLE + " abbreviations");
      }
      int tag = (int) c.uleb();
      boolean children = c.u8() != 0;
      List<long[]> specs = new ArrayList<>();
      while (true) {
        long at = c.uleb();
        long form = c.uleb();
        if (at == 0 && form == 0) {
          break;
        }
        if (specs.size() >= MAX_ATTRS_PER_ABBREV) {
          throw c.corrupt("abbreviation " + code + " has more than " + MAX_ATTRS_PER_ABBREV
              + " attributes");
        }
        long implicit = form == DwarfForm.IMPLICIT_CONST ? c.sleb() : 0;
        specs.add(new long[] {at, form, implicit});
      }
      Abbrev a = new Abbrev(tag, children, specs.size());
      for (int i = 0; i < specs.size(); i++) {
        long[] s = specs.get(i);
        a.attrs[i] = (int) Math.min(s[0], Integer.MAX_VALUE);
        a.forms[i] = (int) Math.min(s[1], Integer.MAX_VALUE);
        a.implicitConst[i] = s[2];
      }
      table.put(code, a);
    }
    if (abbrevTables.size() > 4096) {
      abbrevTables.clear();
    }
    abbrevTables.put(offset, table);
    return table;
  }

  private void skipForm(DwarfCursor c, Unit u, int form, long implicit, int nesting) {
    switch (form) {
      case DwarfForm.FLAG_PRESENT, DwarfForm.IMPLICIT_CONST -> { }
      case DwarfForm.DATA1, DwarfForm.REF1, DwarfForm.FLAG, DwarfForm.STRX1, DwarfForm.ADDRX1 ->
          c.skip(1);
      case DwarfForm.DATA2, DwarfForm.REF2, DwarfForm.STRX2, DwarfForm.ADDRX2 -> c.skip(2);
      case DwarfForm.STRX3, DwarfForm.ADDRX3 -> c.skip(3);
      case DwarfForm.DATA4, DwarfForm.REF4, DwarfForm.REF_SUP4, DwarfForm.STRX4,
          DwarfForm.ADDRX4 -> c.skip(4);
      case DwarfForm.DATA8, DwarfForm.REF8, DwarfForm.REF_SIG8, DwarfForm.REF_SUP8 -> c.skip(8);
      case DwarfForm.DATA16 -> c.skip(16);
      case DwarfForm.UDATA, DwarfForm.SDATA, DwarfForm.REF_UDATA, DwarfForm.STRX,
          DwarfForm.ADDRX, DwarfForm.LOCLISTX, DwarfForm.RNGLISTX, DwarfForm.GNU_ADDR_INDEX,
          DwarfForm.GNU_STR_INDEX -> c.uleb();
      case DwarfForm.ADDR -> c.skip(u.addrSize);
      case DwarfForm.REF_ADDR -> c.skip(u.version == 2 ? u.addrSize : u.offsetSize);
      case DwarfForm.STRP, DwarfForm.LINE_STRP, DwarfForm.SEC_OFFSET, DwarfForm.STRP_SUP,
          DwarfForm.GNU_REF_ALT, DwarfForm.GNU_STRP_ALT -> c.skip(u.offsetSize);
      case DwarfForm.STRING -> {
        int p = c.position();
        while (c.u8() != 0) {
          if (c.position() - p > (1 << 20)) {
            throw c.corrupt("string longer than 1 MiB");
          }
        }
      }
      case DwarfForm.BLOCK1 -> c.skip(c.u8());
      case DwarfForm.BLOCK2 -> c.skip(c.u16());
      case DwarfForm.BLOCK4 -> c.skip(c.u32());
      case DwarfForm.BLOCK, DwarfForm.EXPRLOC -> c.skip(c.uleb());
      case DwarfForm.INDIRECT -> {
        if (nesting >= MAX_INDIRECT) {
          throw c.corrupt("DW_FORM_indirect chain");
        }
        skipForm(c, u, (int) Math.min(c.uleb(), Integer.MAX_VALUE), implicit, nesting + 1);
      }
      default -> throw c.corrupt("unknown attribute form 0x" + Integer.toHexString(form));
    }
  }

  /** Decodes one attribute value into {@code out}. */
  private void readForm(DwarfCursor c, Unit u, int form, long implicit, Attr out, int nesting) {
    out.reset();
    switch (form) {
      case DwarfForm.DATA1, DwarfForm.FLAG -> out.constant(c.u8());
      case DwarfForm.DATA2 -> out.constant(c.u16());
      case DwarfForm.DATA4 -> out.constant(c.u32());
      case DwarfForm.DATA8 -> out.constant(c.u64());
      case DwarfForm.UDATA -> out.constant(c.uleb());
      case DwarfForm.SDATA -> out.constant(c.sleb());
      case DwarfForm.IMPLICIT_CONST -> out.constant(implicit);
      case DwarfForm.FLAG_PRESENT -> out.constant(1);
      case DwarfForm.SEC_OFFSET -> out.constant(c.unsigned(u.offsetSize));
      case DwarfForm.REF1 -> out.ref(u.start + c.u8());
      case DwarfForm.REF2 -> out.ref(u.start + c.u16());
      case DwarfForm.REF4 -> out.ref(u.start + c.u32());
      case DwarfForm.REF8 -> out.ref(u.start + c.u64());
      case DwarfForm.REF_UDATA -> out.ref(u.start + c.uleb());
      case DwarfForm.REF_ADDR -> out.ref(c.unsigned(u.version == 2 ? u.addrSize : u.offsetSize));
      case DwarfForm.STRING -> {
        out.kind = Attr.STRING;
        out.string = c.cString();
      }
      case DwarfForm.STRP -> out.set(Attr.STRP, c.unsigned(u.offsetSize));
      case DwarfForm.LINE_STRP -> out.set(Attr.LINE_STRP, c.unsigned(u.offsetSize));
      case DwarfForm.STRX, DwarfForm.GNU_STR_INDEX -> out.set(Attr.STRX, c.uleb());
      case DwarfForm.STRX1 -> out.set(Attr.STRX, c.u8());
      case DwarfForm.STRX2 -> out.set(Attr.STRX, c.u16());
      case DwarfForm.STRX3 -> out.set(Attr.STRX, c.u24());
      case DwarfForm.STRX4 -> out.set(Attr.STRX, c.u32());
      case DwarfForm.BLOCK1 -> out.block(c, c.u8());
      case DwarfForm.BLOCK2 -> out.block(c, c.u16());
      case DwarfForm.BLOCK4 -> out.block(c, c.u32());
      case DwarfForm.BLOCK, DwarfForm.EXPRLOC -> out.block(c, c.uleb());
      case DwarfForm.INDIRECT -> {
        if (nesting >= MAX_INDIRECT) {
          throw c.corrupt("DW_FORM_indirect chain");
        }
        readForm(c, u, (int) Math.min(c.uleb(), Integer.MAX_VALUE), implicit, out, nesting + 1);
      }
      default -> skipForm(c, u, form, implicit, nesting); // a value this reader does not use
    }
  }

  /** Resolves a type reference to (tag, name); null when it points at nothing readable. */
  private TypeInfo typeAt(long offset) {
    Unit unit = unitOf(offset);
    if (unit == null) {
      return null;
    }
    DwarfCursor c = cursor("debug_info", info);
    c.seek(offset);
    long code = c.uleb();
    Abbrev a = abbrevTable(unit.abbrevOffset).get(code);
    if (a == null) {
      throw c.corrupt("type reference to " + offset + " hits unknown abbreviation " + code);
    }
    Attr attr = new Attr();
    String name = null;
    for (int i = 0; i < a.attrs.length; i++) {
      if (a.attrs[i] == AT_NAME) {
        readForm(c, unit, a.forms[i], a.implicitConst[i], attr, 0);
        name = stringOf(attr, unit);
      } else {
        skipForm(c, unit, a.forms[i], a.implicitConst[i], 0);
      }
    }
    return new TypeInfo(a.tag, name);
  }

  private DwarfCursor cursor(String section, ByteBuffer buf) {
    return new DwarfCursor(file, "." + section, buf);
  }

  private record TypeInfo(int tag, String name) {}

  private record PendingMember(String name, long offset, long typeRef) {}

  private final class StructBuilder {
    final String name;
    final long byteSize;
    final List<PendingMember> members = new ArrayList<>();

    StructBuilder(String name, long byteSize) {
      this.name = name;
      this.byteSize = byteSize;
    }

    DwarfStruct build() {
      List<DwarfMember> out = new ArrayList<>(members.size());
      for (PendingMember m : members) {
        TypeInfo t = m.typeRef >= 0 ? typeAt(m.typeRef) : null;
        out.add(new DwarfMember(m.name, m.offset, t == null ? null : t.name,
            t != null && t.tag == TAG_POINTER_TYPE, m.typeRef));
      }
      return new DwarfStruct(name, byteSize, out);
    }
  }

  private static final class Unit {
    long start;
    long end;
    long firstDie;
    int version;
    int offsetSize;
    int addrSize;
    long abbrevOffset;
    long strOffsetsBase = -1;
  }

  private static final class Abbrev {
    final int tag;
    final boolean hasChildren;
    final int[] attrs;
    final int[] forms;
    final long[] implicitConst;

    Abbrev(int tag, boolean hasChildren, int n) {
      this.tag = tag;
      this.hasChildren = hasChildren;
      this.attrs = new int[n];
      this.forms = new int[n];
      this.implicitConst = new long[n];
    }
  }

  /** One decoded attribute value, reused across attributes to keep the scan allocation-light. */
  private static final class Attr {
    static final int NONE = 0;
    static final int CONST = 1;
    static final int REF = 2;
    static final int STRING = 3;
    static final int STRP = 4;
    static final int LINE_STRP = 5;
    static final int STRX = 6;
    static final int BLOCK = 7;

    int kind;
    long value;
    String string;
    DwarfCursor block;

    void reset() {
      kind = NONE;
      value = 0;
      string = null;
      block = null;
    }

    void constant(long v) {
      set(CONST, v);
    }

    void ref(long v) {
      set(REF, v);
    }

    void set(int k, long v) {
      kind = k;
      value = v;
    }

    void block(DwarfCursor c, long length) {
      int start = c.position();
      c.skip(length);
      kind = BLOCK;
      block = c.sub(start, (int) length);
    }
  }
}
