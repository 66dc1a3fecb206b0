package dev.goroscope.bpf;

import dev.goroscope.bpf.internal.BpfCalls;
import java.util.List;

/** One map of a {@link BpfObject}. */
public final class BpfMap {
  /** {@code BPF_MAP_TYPE_PERCPU_ARRAY}. */
  public static final int TYPE_PERCPU_ARRAY = 6;
  /** {@code BPF_MAP_TYPE_RINGBUF}. */
  public static final int TYPE_RINGBUF = 27;

  private final BpfObject object;
  private final String name;
  private final long handle;

  BpfMap(BpfObject object, String name, long handle) {
    this.object = object;
    this.name = name;
    this.handle = handle;
  }

  /** The C name. */
  public String name() {
    return name;
  }

  /** {@code enum bpf_map_type} value. */
  public int type() {
    object.ensureOpen();
    return BpfCalls.mapType(handle);
  }

  /** max_entries; for a ring buffer its data size in bytes. */
  public int maxEntries() {
    object.ensureOpen();
    return BpfCalls.mapMaxEntries(handle);
  }

  /**
   * Resizes before load; for a ring buffer a power of two multiple of the page size.
   *
   * @throws IllegalStateException after load
   */
  public BpfMap setMaxEntries(int maxEntries) {
    object.ensureOpen();
    if (object.isLoaded()) {
      throw new IllegalStateException("resize map " + name + ": already loaded");
    }
    BpfCalls.setMapMaxEntries(handle, maxEntries, "map " + name);
    return this;
  }

  /** The value size in bytes. */
  public int valueSize() {
    object.ensureOpen();
    return BpfCalls.mapValueSize(handle);
  }

  /** The map's file descriptor (valid after load, owned by the object). */
  public int fd() {
    object.ensureLoaded("use map " + name);
    return BpfCalls.mapFd(handle);
  }

  /** One u64 slot of a per-CPU array, one value per possible CPU. */
  public long[] lookupPerCpuLongs(int key) {
    object.ensureLoaded("look up map " + name);
    if (valueSize() != Long.BYTES) {
      throw new IllegalArgumentException("map " + name + " values are not u64");
    }
    return BpfCalls.lookupPerCpuLongs(handle, key, "map " + name + " key " + key);
  }

  /** Sum over CPUs of one u64 slot of a per-CPU array (e.g. a counter). */
  public long sumPerCpuLongs(int key) {
    long sum = 0;
    for (long v : lookupPerCpuLongs(key)) {
      sum += v;
    }
    return sum;
  }

  /**
   * The entries of a hash map, at most {@code limit}, each {@code {key, value}} as bytes in the
   * kernel's (little-endian) layout. Entries added or removed meanwhile may or may not be seen.
   */
  public List<byte[][]> entries(int limit) {
    object.ensureLoaded("read map " + name);
    return BpfCalls.entries(handle, limit, "map " + name);
  }

  @Override
  public String toString() {
    return "BpfMap[" + name + "]";
  }
}
