package dev.goroscope.bpf.internal;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.goroscope.bpf.BpfException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The libbpf calls as static methods on plain {@code long} handles, so that no package outside
 * this one sees JNA. Every failure becomes a {@link BpfException} naming the operation.
 */
public final class BpfCalls {
  private static final int BTF_KIND_DATASEC = 15;
  /** enum bpf_stats_type of linux/bpf.h. */
  private static final int BPF_STATS_RUN_TIME = 0;
  private static final int BTF_TYPE_SIZE = 12;
  private static final int BTF_VAR_SECINFO_SIZE = 12;
  /** sizeof(struct bpf_uprobe_opts) in libbpf 1.1.2. */
  private static final int UPROBE_OPTS_SIZE = 40;
  /** sz + object_name of struct bpf_object_open_opts; libbpf accepts a shorter prefix. */
  private static final int OPEN_OPTS_SIZE = 16;

  private static volatile LibBpf lib;
  private static volatile Throwable loadFailure;

  private BpfCalls() {}

  /** Null when libbpf can be loaded; else why not. */
  public static synchronized Throwable libraryLoadFailure() {
    if (lib == null && loadFailure == null) {
      try {
        LibBpf l = LibBpf.load();
        LibbpfLog.install(l);
        lib = l;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        loadFailure = e;
      }
    }
    return loadFailure;
  }

  /** The library, with a fresh log capture for the call about to be made. */
  private static LibBpf lib() {
    LibBpf l = lib;
    if (l != null) {
      LibbpfLog.begin();
      return l;
    }
    Throwable failure = libraryLoadFailure();
    if (failure != null) {
      throw new BpfException(
          "load libbpf.so.1: " + failure.getMessage(), 0, "install the apt package libbpf1");
    }
    LibbpfLog.begin();
    return lib;
  }

  private static Pointer p(long handle) {
    return new Pointer(handle);
  }

  private static long check(Pointer ptr, String operation) {
    if (ptr == null) {
      int errno = Native.getLastError();
      throw BpfException.of(operation, errno).withDetails(LibbpfLog.take());
    }
    return Pointer.nativeValue(ptr);
  }

  private static int check(int rc, String operation) {
    if (rc < 0) {
      throw BpfException.of(operation, -rc).withDetails(LibbpfLog.take());
    }
    return rc;
  }

  /** An opened (not yet loaded) object; {@code image} must stay alive until close. */
  public static final class OpenedObject {
    public final long handle;
    final Memory image;
    final Memory opts;
    final Memory name;

    OpenedObject(long handle, Memory image, Memory opts, Memory name) {
      this.handle = handle;
      this.image = image;
      this.opts = opts;
      this.name = name;
    }
  }

  public static OpenedObject openObject(byte[] elf, String name) {
    Memory image = new Memory(elf.length);
    image.write(0, elf, 0, elf.length);
    Memory objectName = new Memory(name.length() + 1L);
    objectName.setString(0, name, "US-ASCII");
    Memory opts = new Memory(OPEN_OPTS_SIZE);
    opts.clear();
    opts.setLong(0, OPEN_OPTS_SIZE);
    opts.setPointer(8, objectName);
    long h = check(lib().bpf_object__open_mem(image, elf.length, opts), "open bpf object " + name);
    return new OpenedObject(h, image, opts, objectName);
  }

  public static void loadObject(long obj, String name) {
    check(lib().bpf_object__load(p(obj)), "load bpf object " + name);
  }

  public static void closeObject(long obj) {
    lib().bpf_object__close(p(obj));
  }

  /** 0 when absent. */
  public static long findProgram(long obj, String name) {
    Pointer ptr = lib().bpf_object__find_program_by_name(p(obj), name);
    return ptr == null ? 0 : Pointer.nativeValue(ptr);
  }

  public static int programFd(long prog) {
    return lib().bpf_program__fd(p(prog));
  }

  /** 0 when absent. */
  public static long findMap(long obj, String name) {
    Pointer ptr = lib().bpf_object__find_map_by_name(p(obj), name);
    return ptr == null ? 0 : Pointer.nativeValue(ptr);
  }

  /** name → {offset, size} of every variable in the object's {@code .rodata} datasec (BTF). */
  public static Map<String, int[]> rodataVariables(long obj) {
    Map<String, int[]> vars = new HashMap<>();
    Pointer btf = lib().bpf_object__btf(p(obj));
    if (btf == null) {
      return vars;
    }
    int id = lib().btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
    if (id <= 0) {
      return vars;
    }
    Pointer sec = lib().btf__type_by_id(btf, id);
    int vlen = sec.getInt(4) & 0xffff;
    for (int i = 0; i < vlen; i++) {
      long at = BTF_TYPE_SIZE + (long) i * BTF_VAR_SECINFO_SIZE;
      int varType = sec.getInt(at);
      int offset = sec.getInt(at + 4);
      int size = sec.getInt(at + 8);
      Pointer var = lib().btf__type_by_id(btf, varType);
      String name = lib().btf__name_by_offset(btf, var.getInt(0));
      vars.put(name, new int[] {offset, size});
    }
    return vars;
  }

  /** The writable pre-load image of an internal map such as .rodata, as a little-endian view. */
  public static ByteBuffer initialValue(long map, String what) {
    LongByReference size = new LongByReference();
    Pointer ptr = lib().bpf_map__initial_value(p(map), size);
    if (ptr == null) {
      throw new BpfException("read initial value of " + what, 0, null);
    }
    return ptr.getByteBuffer(0, size.getValue()).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static int mapFd(long map) {
    return lib().bpf_map__fd(p(map));
  }

  /**
   * Turns on the run-time statistics of every BPF program ({@code BPF_STATS_RUN_TIME}) for as
   * long as the returned fd is open; close it with {@link OsCalls#close}.
   */
  public static int enableRunTimeStats() {
    return check(lib().bpf_enable_stats(BPF_STATS_RUN_TIME),
        "bpf_enable_stats(BPF_STATS_RUN_TIME)");
  }

  public static int mapType(long map) {
    return lib().bpf_map__type(p(map));
  }

  public static int mapMaxEntries(long map) {
    return lib().bpf_map__max_entries(p(map));
  }

  public static void setMapMaxEntries(long map, int maxEntries, String what) {
    check(lib().bpf_map__set_max_entries(p(map), maxEntries), "set max_entries of " + what);
  }

  public static int mapKeySize(long map) {
    return lib().bpf_map__key_size(p(map));
  }

  public static int mapValueSize(long map) {
    return lib().bpf_map__value_size(p(map));
  }

  public static int possibleCpus() {
    return check(lib().libbpf_num_possible_cpus(), "count possible cpus");
  }

  /**
   * Per-CPU u64 values of a per-CPU array slot: libbpf wants a value buffer of
   * round_up(value_size, 8) × possible CPUs.
   */
  public static long[] lookupPerCpuLongs(long map, int key, String what) {
    int valueSize = mapValueSize(map);
    int stride = (valueSize + 7) & ~7;
    int cpus = possibleCpus();
    Memory k = new Memory(4);
    k.setInt(0, key);
    Memory v = new Memory((long) stride * cpus);
    v.clear();
    check(lib().bpf_map__lookup_elem(p(map), k, 4, v, v.size(), 0), "look up " + what);
    long[] out = new long[cpus];
    for (int i = 0; i < cpus; i++) {
      out[i] = v.getLong((long) i * stride);
    }
    return out;
  }

  /**
   * Every (key, value) of a hash map, as byte arrays, walked with get_next_key and lookup (a
   * key deleted meanwhile is skipped). At most {@code limit} entries.
   */
  public static List<byte[][]> entries(long map, int limit, String what) {
    int keySize = mapKeySize(map);
    int valueSize = mapValueSize(map);
    Memory key = new Memory(keySize);
    Memory next = new Memory(keySize);
    Memory value = new Memory(valueSize);
    List<byte[][]> out = new ArrayList<>();
    Pointer cur = null;
    while (out.size() < limit) {
      int rc = lib().bpf_map__get_next_key(p(map), cur, next, keySize);
      if (rc == -Errno.ENOENT) {
        break;
      }
      check(rc, "walk " + what);
      key.write(0, next.getByteArray(0, keySize), 0, keySize);
      cur = key;
      rc = lib().bpf_map__lookup_elem(p(map), key, keySize, value, valueSize, 0);
      if (rc == -Errno.ENOENT) {
        continue; // deleted between the two calls
      }
      check(rc, "look up " + what);
      out.add(new byte[][] {key.getByteArray(0, keySize), value.getByteArray(0, valueSize)});
    }
    return out;
  }

  /** bpf_program__attach_uprobe_opts with func_name NULL: {@code fileOffset} is a file offset. */
  public static long attachUprobe(
      long prog, int pid, String binary, long fileOffset, long cookie, String operation) {
    Memory opts = new Memory(UPROBE_OPTS_SIZE);
    opts.clear();
    opts.setLong(0, UPROBE_OPTS_SIZE); // sz
    opts.setLong(8, 0); // ref_ctr_offset
    opts.setLong(16, cookie); // bpf_cookie
    opts.setByte(24, (byte) 0); // retprobe: never on Go code
    opts.setPointer(32, null); // func_name
    Pointer link = lib().bpf_program__attach_uprobe_opts(p(prog), pid, binary, fileOffset, opts);
    if (link == null) {
      int errno = Native.getLastError();
      String fix = null;
      if (errno == Errno.ENOENT) {
        fix = "the binary is gone or the target process exited";
      } else if (errno == Errno.ESRCH) {
        fix = "the target process is gone";
      } else if (errno == Errno.EINVAL) {
        fix = "the offset must be a file offset inside the executable segment";
      }
      BpfException e = fix != null
          ? new BpfException(operation, errno, fix) : BpfException.of(operation, errno);
      throw e.withDetails(LibbpfLog.take());
    }
    return Pointer.nativeValue(link);
  }

  public static void destroyLink(long link) {
    lib().bpf_link__destroy(p(link));
  }

  /** 1 supported, 0 not, negative errno when the probe itself failed. */
  public static int probeMapType(int mapType) {
    return lib().libbpf_probe_bpf_map_type(mapType, null);
  }
}
