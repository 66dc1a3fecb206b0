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

  /**
   * The program's file descriptor (valid after load, owned by the object); its
   * {@code /proc/self/fdinfo} shows the kernel's prog_id and, with kernel.bpf_stats_enabled,
   * run_cnt and run_time_ns.
   */
  public int fd() {
    object.ensureLoaded("use program " + name);
    return dev.goroscope.bpf.internal.BpfCalls.programFd(handle);
  }

  @Override
  public String toString() {
    return "BpfProgram[" + name + "]";
  }
}
