package dev.goroscope.bpf;

/** One program of a {@link BpfObject}; attach it with {@code dev.goroscope.bpf.link}. */
public final class BpfProgram {
  private final BpfObject object;
  private final String name;
  private final long handle;

  BpfProgram(BpfObject object, String name, long handle) {
    this.object = object;
    this.name = name;
    this.handle = handle;
  }

  /** The C function name. */
  public String name() {
    return name;
  }

  /** The object it belongs to. */
  public BpfObject object() {
    return object;
  }

  /**
   * The libbpf {@code struct bpf_program *} for the binding packages; checks the object is
   * loaded and open.
   */
  public long handle(String operation) {
    object.ensureLoaded(operation);
    return handle;
  }

  @Override
  public String toString() {
    return "BpfProgram[" + name + "]";
  }
}
