package dev.goroscope.disasm;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.goroscope.GoroscopeException;
import java.util.ArrayList;
import java.util.List;

/**
 * An x86-64 disassembler backed by Capstone 4 (Debian {@code libcapstone4}) through JNA.
 *
 * <p>Probe offsets must be instruction boundaries — a uprobe in the middle of an instruction
 * corrupts the target — so they come from a real decoder, never from byte patterns. Not
 * thread-safe across calls on one instance beyond the internal lock; close once.
 */
public final class X86Disassembler implements AutoCloseable {

  static final String INSTALL_HINT =
      "install the Debian package libcapstone4 (apt-get install libcapstone4)";
  private static final String[] LIBRARY_NAMES = {"libcapstone.so.4", "capstone"};

  private static volatile CapstoneLibrary library;
  private static volatile String unavailable;

  private final CapstoneLibrary cs;
  private long handle;

  private X86Disassembler(CapstoneLibrary cs, long handle) {
    this.cs = cs;
    this.handle = handle;
  }

  /** Opens a 64-bit x86 Capstone handle; fails with a message naming the apt package. */
  public static X86Disassembler open() {
    CapstoneLibrary cs = library();
    LongByReference h = new LongByReference();
    int err = cs.cs_open(CapstoneLibrary.CS_ARCH_X86, CapstoneLibrary.CS_MODE_64, h);
    if (err != CapstoneLibrary.CS_ERR_OK) {
      throw new GoroscopeException("cs_open(x86, 64-bit) failed: " + cs.cs_strerror(err));
    }
    return new X86Disassembler(cs, h.getValue());
  }

  /** Whether Capstone 4 can be loaded here; see {@link #unavailabilityCause()}. */
  public static boolean isAvailable() {
    try {
      library();
      return true;
    } catch (GoroscopeException e) {
      return false;
    }
  }

  /** Why Capstone cannot be used, or null when it can. */
  public static String unavailabilityCause() {
    return isAvailable() ? null : unavailable;
  }

  private static synchronized CapstoneLibrary library() {
    if (library != null) {
      return library;
    }
    if (unavailable != null) {
      throw new GoroscopeException(unavailable);
    }
    try {
      library = load(LIBRARY_NAMES);
      return library;
    } catch (GoroscopeException e) {
      unavailable = e.getMessage();
      throw e;
    }
  }

  /** Loads the first of {@code names} that is Capstone 4; the error names the apt package. */
  static CapstoneLibrary load(String... names) {
    UnsatisfiedLinkError last = null;
    for (String name : names) {
      CapstoneLibrary cs;
      try {
        cs = Native.load(name, CapstoneLibrary.class);
      } catch (UnsatisfiedLinkError e) {
        last = e;
        continue;
      }
      IntByReference major = new IntByReference();
      IntByReference minor = new IntByReference();
      cs.cs_version(major, minor);
      if (major.getValue() != 4) {
        throw new GoroscopeException("capstone " + major.getValue() + "." + minor.getValue()
            + " found but goroscope needs capstone 4: " + INSTALL_HINT);
      }
      return cs;
    }
    throw new GoroscopeException("disassembler library libcapstone.so.4 not found ("
        + firstLine(last) + "): " + INSTALL_HINT);
  }

  private static String firstLine(Throwable t) {
    String m = t == null || t.getMessage() == null ? "not loadable" : t.getMessage();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /**
   * Decodes {@code code} as if loaded at {@code address}, stopping at the first byte sequence
   * that is not a valid instruction; compare the covered length to the input to detect that.
   */
  public synchronized List<Instruction> disassemble(byte[] code, long address) {
    if (handle == 0) {
      throw new IllegalStateException("disassembler is closed");
    }
    if (code.length == 0) {
      return List.of();
    }
    PointerByReference out = new PointerByReference();
    long count = cs.cs_disasm(handle, code, code.length, address, 0, out);
    if (count <= 0) {
      int err = cs.cs_errno(handle);
      if (err != CapstoneLibrary.CS_ERR_OK) {
        throw new GoroscopeException("cs_disasm failed: " + cs.cs_strerror(err));
      }
      return List.of();
    }
    Pointer base = out.getValue();
    try {
      List<Instruction> insns = new ArrayList<>((int) Math.min(count, code.length));
      for (long i = 0; i < count; i++) {
        CsInsn insn = new CsInsn(base.share(i * CsInsn.SIZE));
        insns.add(new Instruction(insn.address, Short.toUnsignedInt(insn.size),
            insn.mnemonicText(), insn.operandText()));
      }
      return insns;
    } finally {
      cs.cs_free(base, count);
    }
  }

  /** Closes the Capstone handle; idempotent. */
  @Override
  public synchronized void close() {
    if (handle != 0) {
      cs.cs_close(new LongByReference(handle));
      handle = 0;
    }
  }
}
