package dev.goroscope.bpf.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * JNA binding of the libbpf 1.x calls goroscope uses (all present in Debian's libbpf 1.1.2).
 * In libbpf 1.x, int-returning calls return {@code -errno} and pointer-returning calls return
 * NULL and set errno (read with {@link Native#getLastError()}).
 */
interface LibBpf extends Library {

  /** Loaded once; {@code libbpf.so.1} is what the runtime package ships (no -dev needed). */
  static LibBpf load() {
    try {
      return Native.load("libbpf.so.1", LibBpf.class);
    } catch (UnsatisfiedLinkError first) {
      return Native.load("bpf", LibBpf.class);
    }
  }

  /** {@code int (*)(enum libbpf_print_level, const char *fmt, va_list ap)}. */
  interface PrintFn extends Callback {
    int invoke(int level, String format, Pointer vaList);
  }

  Pointer libbpf_set_print(PrintFn fn);

  Pointer bpf_object__open_mem(Pointer buf, long size, Pointer opts);

  int bpf_object__load(Pointer obj);

  void bpf_object__close(Pointer obj);

  Pointer bpf_object__find_program_by_name(Pointer obj, String name);

  int bpf_program__fd(Pointer prog);

  /** BPF_ENABLE_STATS: an fd that keeps the kernel's per-program statistics on while open. */
  int bpf_enable_stats(int type);

  Pointer bpf_object__find_map_by_name(Pointer obj, String name);

  Pointer bpf_object__btf(Pointer obj);

  int btf__find_by_name_kind(Pointer btf, String name, int kind);

  Pointer btf__type_by_id(Pointer btf, int id);

  String btf__name_by_offset(Pointer btf, int offset);

  int bpf_map__fd(Pointer map);

  int bpf_map__type(Pointer map);

  int bpf_map__max_entries(Pointer map);

  int bpf_map__set_max_entries(Pointer map, int maxEntries);

  int bpf_map__key_size(Pointer map);

  int bpf_map__value_size(Pointer map);

  Pointer bpf_map__initial_value(Pointer map, LongByReference size);

  int bpf_map__lookup_elem(
      Pointer map, Pointer key, long keySize, Pointer value, long valueSize, long flags);

  int bpf_map__get_next_key(Pointer map, Pointer curKey, Pointer nextKey, long keySize);

  Pointer bpf_program__attach_uprobe_opts(
      Pointer prog, int pid, String binaryPath, long funcOffset, Pointer opts);

  int bpf_link__destroy(Pointer link);

  int libbpf_num_possible_cpus();

  int libbpf_probe_bpf_map_type(int mapType, Pointer opts);
}
