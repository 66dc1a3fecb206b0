package dev.goroscope.bpf;

import dev.goroscope.bpf.internal.BpfCalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One BPF ELF object (programs + maps) in the kernel's hands.
 *
 * <p>Lifecycle: {@link #openResource open} → {@link #setConstant set constants} and map sizes →
 * {@link #load()} → find programs/maps and attach → {@link #close()}. Constants are the
 * object's {@code volatile const} globals: they live in {@code .rodata}, which becomes read-only
 * at load, so they can only be set before. Every one must be set, even to 0: {@code load}
 * refuses an object with a constant left at its compiled default, so no Go layout is ever
 * assumed by accident. Closing destroys the object's maps and programs;
 * links attached to its programs must be closed first. Not thread-safe; {@code close} is
 * idempotent.
 */
public final class BpfObject implements AutoCloseable {
  private final String name;
  private final BpfCalls.OpenedObject opened;
  private final Map<String, BpfProgram> programs = new HashMap<>();
  private final Map<String, BpfMap> maps = new HashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Map<String, int[]> rodataVars;
  private ByteBuffer rodata;
  private final Set<String> constantsSet = new HashSet<>();
  private boolean loaded;

  private BpfObject(String name, BpfCalls.OpenedObject opened) {
    this.name = name;
    this.opened = opened;
  }

  /**
   * Opens an object compiled into the classpath, e.g. {@code dev/goroscope/bpf/goroscope.bpf.o}
   * (see {@link GoroscopeBpf#RESOURCE}). libbpf parses it from memory; nothing touches disk.
   */
  public static BpfObject openResource(String resource) {
    byte[] elf;
    try (InputStream in = BpfObject.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new BpfException(
            "open bpf object " + resource, 0, "not on the classpath: rebuild the bpf module");
      }
      elf = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("read bpf object " + resource, e);
    }
    String simpleName = resource.substring(resource.lastIndexOf('/') + 1);
    return open(elf, simpleName);
  }

  /** Opens an object from its ELF bytes. */
  public static BpfObject open(byte[] elf, String name) {
    BpfFeatures.ensureLibbpf();
    String objectName = name.endsWith(".bpf.o") ? name.substring(0, name.length() - 6) : name;
    return new BpfObject(name, BpfCalls.openObject(elf, objectName));
  }

  /** The object's file name. */
  public String name() {
    return name;
  }

  /** Whether {@link #load()} succeeded. */
  public boolean isLoaded() {
    return loaded;
  }

  /**
   * Sets a {@code volatile const} global before load. The value is truncated to the variable's
   * size (1, 2, 4 or 8 bytes, little-endian).
   *
   * @throws IllegalStateException after load
   * @throws IllegalArgumentException when the object has no such constant
   */
  public BpfObject setConstant(String variable, long value) {
    ensureOpen();
    if (loaded) {
      throw new IllegalStateException(
          "set constant " + variable + ": " + name + " is already loaded; set constants before load");
    }
    readRodata();
    int[] var = rodataVars.get(variable);
    if (var == null || rodata == null) {
      throw new IllegalArgumentException(
          "set constant " + variable + ": " + name + " has no volatile const named so");
    }
    int off = var[0];
    switch (var[1]) {
      case 1: rodata.put(off, (byte) value); break;
      case 2: rodata.putShort(off, (short) value); break;
      case 4: rodata.putInt(off, (int) value); break;
      case 8: rodata.putLong(off, value); break;
      default:
        throw new IllegalArgumentException(
            "set constant " + variable + ": size " + var[1] + " is not an integer size");
    }
    constantsSet.add(variable);
    return this;
  }

  /** The names of the object's {@code volatile const} globals. */
  public Set<String> constantNames() {
    ensureOpen();
    readRodata();
    return new TreeSet<>(rodataVars.keySet());
  }

  /**
   * Loads (verifies) every program and creates the maps.
   *
   * @throws IllegalStateException when a constant of the object was never set
   */
  public void load() {
    ensureOpen();
    if (loaded) {
      return;
    }
    Set<String> unset = constantNames();
    unset.removeAll(constantsSet);
    if (!unset.isEmpty()) {
      throw new IllegalStateException("load " + name + ": constants not set: "
          + String.join(", ", unset) + " (every volatile const must be set before load)");
    }
    BpfCalls.loadObject(opened.handle, name);
    loaded = true;
    rodata = null; // read-only from now on
  }

  /** A program by its C function name. */
  public BpfProgram program(String programName) {
    ensureOpen();
    return programs.computeIfAbsent(programName, n -> {
      long h = BpfCalls.findProgram(opened.handle, n);
      if (h == 0) {
        throw new IllegalArgumentException(name + " has no program " + n);
      }
      return new BpfProgram(this, n, h);
    });
  }

  /** A map by its C name. */
  public BpfMap map(String mapName) {
    ensureOpen();
    return maps.computeIfAbsent(mapName, n -> {
      long h = BpfCalls.findMap(opened.handle, n);
      if (h == 0) {
        throw new IllegalArgumentException(name + " has no map " + n);
      }
      return new BpfMap(this, n, h);
    });
  }

  private void readRodata() {
    if (rodataVars == null) {
      rodataVars = BpfCalls.rodataVariables(opened.handle);
      long map = BpfCalls.findMap(opened.handle, ".rodata");
      rodata = map == 0 ? null : BpfCalls.initialValue(map, name + " .rodata");
    }
  }

  void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException(name + " is closed");
    }
  }

  void ensureLoaded(String operation) {
    ensureOpen();
    if (!loaded) {
      throw new IllegalStateException(operation + ": " + name + " is not loaded yet");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      BpfCalls.closeObject(opened.handle);
    }
  }

  @Override
  public String toString() {
    return "BpfObject[" + name + (loaded ? ", loaded" : "") + (closed.get() ? ", closed" : "") + "]";
  }
}
