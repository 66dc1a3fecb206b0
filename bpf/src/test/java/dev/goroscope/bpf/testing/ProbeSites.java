package dev.goroscope.bpf.testing;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and how to probe one test binary, found independently of the product's inspector:
 * field offsets from the binary's DWARF and symbols from its ELF symtab (probeinfo), RET
 * instructions and prologue ends from {@code go tool objdump}. For a stripped binary
 * everything is taken from its unstripped twin (same source, same toolchain) and each
 * function's instruction boundaries are re-checked in the stripped file with GNU objdump. A PIE
 * binary has its own symbols and DWARF; its absolute addresses (itabs, PCs) are shifted by the
 * load bias of the process probed ({@link #loadBias(int)}).
 */
public final class ProbeSites {
  private static final Pattern INSN =
      Pattern.compile("^\\s+\\S+\\s+0x([0-9a-f]+)\\s+([0-9a-f]+)\\s+(\\S+)(.*)$");

  public final Path binary;
  public final Toolchain toolchain;
  public final Mode mode;
  public final Map<String, Long> fields = new HashMap<>();
  /** The fields of {@link #fields} whose DWARF type is a pointer. */
  public final Set<String> pointerFields = new HashSet<>();
  public final List<Long> newproc1Rets = new ArrayList<>();
  public final List<Long> withDeadlineRets = new ArrayList<>();
  public String withDeadlineSymbol;
  public long goexit1;
  public long goexit1Entry;
  public long cancel;
  public long cancelEntry;
  public long gopark;
  public long ready;
  /** 1 when context.timerCtx.cancelCtx is a pointer (DWARF; Go 1.20). */
  public long timerCtxCancelCtxPtr;
  /** Link-time addresses, 0 where unknown (itabs are not used for stripped binaries). */
  public long timerCtxItab;
  public long deadlineErrItab;
  public long canceledErrItab;
  public long timerCtxDeadlinePc;
  public long deadlineErrPc;
  public long canceledErrPc;

  /** Wait reason codes by the runtime's words, from the binary's runtime.waitReasonStrings. */
  public final Map<String, Long> waitReasons = new HashMap<>();

  private long textBias; // vaddr - file offset in the executable segment
  private long newproc1Vaddr;
  private long newproc1FileOffset;

  private ProbeSites(Path binary, Toolchain toolchain, Mode mode) {
    this.binary = binary;
    this.toolchain = toolchain;
    this.mode = mode;
  }

  private static final Map<String, ProbeSites> FOUND = new ConcurrentHashMap<>();

  /**
   * Sites of {@code src/test/go/goroutines} built with {@code go} in {@code mode}, worked out
   * once per JVM (the fields are not to be changed).
   */
  public static ProbeSites of(Toolchain go, Mode mode) throws IOException {
    try {
      return FOUND.computeIfAbsent(go + " " + mode, k -> {
        try {
          return find(go, mode);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * {@link #of} for a test that attaches probes: skips it, with the reason, when BPF probes are
   * unavailable ({@link Requirements#assumeReady}).
   */
  public static ProbeSites ready(Toolchain go, Mode mode) throws IOException {
    Requirements.assumeReady(go);
    return of(go, mode);
  }

  private static ProbeSites find(Toolchain go, Mode mode) throws IOException {
    Path target = GoToolchains.build("goroutines", go, mode);
    // A stripped build has neither symbols nor DWARF: take them from its unstripped twin.
    Path full = mode == Mode.STRIPPED ? GoToolchains.build("goroutines", go, Mode.NORMAL) : target;
    ProbeSites s = new ProbeSites(target, go, mode);
    Path probeinfo = GoToolchains.build("probeinfo", Toolchain.GO_1_26, Mode.NORMAL);
    String itab = go.atLeast(20) ? "go:itab." : "go.itab.";
    List<String> req = new ArrayList<>(List.of(full.toString()));
    for (String f : List.of("runtime.g.goid", "runtime.g.parentGoid", "runtime.g.gopc",
        "runtime.g.startpc", "runtime.g.m", "runtime.m.curg", "context.timerCtx.deadline",
        "context.timerCtx.cancelCtx", "context.cancelCtx.err", "context.cancelCtx.Context",
        "time.Time.wall", "time.Time.ext", "runtime.hchan.qcount", "runtime.hchan.dataqsiz")) {
      req.add("field");
      req.add(f);
    }
    for (String w : List.of("chan receive", "semacquire", "sync.WaitGroup.Wait")) {
      req.add("waitreason");
      req.add(w);
    }
    for (String sym : List.of("runtime.newproc1", itab + "*context.timerCtx,context.Context",
        itab + "context.deadlineExceededError,error", itab + "*errors.errorString,error",
        "context.(*timerCtx).Deadline", "context.(*deadlineExceededError).Error",
        "errors.(*errorString).Error")) {
      req.add("sym");
      req.add(sym);
    }
    Map<String, Long> syms = new HashMap<>();
    for (String line : exec(probeinfo.toString(), req).split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals("field")) {
        s.fields.put(f[1], Long.parseLong(f[2]));
        if (f.length > 3 && f[3].equals("pointer")) {
          s.pointerFields.add(f[1]);
        }
      } else if (f[0].equals("waitreason")) {
        s.waitReasons.put(line.substring(line.indexOf(' ', 11) + 1), Long.parseLong(f[1]));
      } else if (f[0].equals("sym") && !f[2].equals("-")) {
        syms.put(f[1], Long.decode(f[2]));
        if (f[1].equals("runtime.newproc1")) {
          s.newproc1Vaddr = Long.decode(f[2]);
          s.newproc1FileOffset = Long.decode(f[3]);
          s.textBias = s.newproc1Vaddr - s.newproc1FileOffset;
        }
      }
    }
    // Go 1.20's timerCtx holds a *cancelCtx (its DWARF says so); the probes follow it.
    s.timerCtxCancelCtxPtr = s.pointerFields.contains("context.timerCtx.cancelCtx") ? 1 : 0;
    // Unstripped: itab symbols where the linker emits them (not from Go 1.27 on), else the
    // itab fun[0] PCs, which is also the only way for stripped binaries.
    if (mode != Mode.STRIPPED) {
      s.timerCtxItab = syms.getOrDefault(itab + "*context.timerCtx,context.Context", 0L);
      s.deadlineErrItab = syms.getOrDefault(itab + "context.deadlineExceededError,error", 0L);
      s.canceledErrItab = syms.getOrDefault(itab + "*errors.errorString,error", 0L);
    }
    if (s.timerCtxItab == 0) {
      s.timerCtxDeadlinePc = syms.getOrDefault("context.(*timerCtx).Deadline", 0L);
    }
    if (s.deadlineErrItab == 0) {
      s.deadlineErrPc = syms.getOrDefault("context.(*deadlineExceededError).Error", 0L);
    }
    if (s.canceledErrItab == 0) {
      s.canceledErrPc = syms.getOrDefault("errors.(*errorString).Error", 0L);
    }
    if (s.timerCtxItab == 0 && s.timerCtxDeadlinePc == 0) {
      throw new IllegalStateException("neither timerCtx itab nor (*timerCtx).Deadline in " + full);
    }

    Map<String, List<long[]>> funcs = objdump(go, full, List.of("runtime.newproc1",
        "runtime.goexit1", "context.WithDeadline", "context.WithDeadlineCause",
        "context.(*cancelCtx).cancel", "runtime.gopark", "runtime.ready"));
    s.newproc1Rets.addAll(s.rets(funcs.get("runtime.newproc1")));
    s.withDeadlineSymbol = funcs.containsKey("context.WithDeadlineCause")
        ? "context.WithDeadlineCause" : "context.WithDeadline";
    s.withDeadlineRets.addAll(s.rets(funcs.get(s.withDeadlineSymbol)));
    s.goexit1 = s.afterPrologue(funcs.get("runtime.goexit1"));
    s.goexit1Entry = s.off(funcs.get("runtime.goexit1").get(0)[0]);
    s.cancel = s.afterPrologue(funcs.get("context.(*cancelCtx).cancel"));
    s.cancelEntry = s.off(funcs.get("context.(*cancelCtx).cancel").get(0)[0]);
    s.gopark = s.afterPrologue(funcs.get("runtime.gopark"));
    s.ready = s.afterPrologue(funcs.get("runtime.ready"));
    if (mode == Mode.STRIPPED) {
      for (List<long[]> insns : funcs.values()) {
        s.checkBoundaries(insns);
      }
    }
    return s;
  }

  /**
   * Run-time minus link-time address in process {@code pid}: 0 unless PIE, else from the
   * mapping of this binary that holds runtime.newproc1's file offset ({@code /proc/pid/maps}).
   */
  public long loadBias(int pid) throws IOException {
    if (mode != Mode.PIE) {
      return 0;
    }
    Path real = binary.toRealPath();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
      // start-end perms offset dev inode path
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !Path.of(f[5]).equals(real)) {
        continue;
      }
      String[] range = f[0].split("-");
      long start = Long.parseUnsignedLong(range[0], 16);
      long end = Long.parseUnsignedLong(range[1], 16);
      long offset = Long.parseUnsignedLong(f[2], 16);
      if (newproc1FileOffset >= offset && newproc1FileOffset < offset + (end - start)) {
        return start + (newproc1FileOffset - offset) - newproc1Vaddr;
      }
    }
    throw new IllegalStateException("no mapping of " + real + " in /proc/" + pid + "/maps");
  }

  public long field(String name) {
    Long v = fields.get(name);
    if (v == null) {
      throw new IllegalStateException("no DWARF answer for " + name);
    }
    return v;
  }

  private long off(long addr) {
    return addr - textBias;
  }

  private List<Long> rets(List<long[]> insns) {
    List<Long> out = new ArrayList<>();
    for (long[] i : insns) {
      if (i[2] == 1) {
        out.add(off(i[0]));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no RET found");
    }
    return out;
  }

  /** The instruction after the stack-check JBE/JLS in the first few, else the entry. */
  private long afterPrologue(List<long[]> insns) {
    for (int k = 0; k < Math.min(4, insns.size() - 1); k++) {
      if (insns.get(k)[2] == 2) {
        return off(insns.get(k + 1)[0]);
      }
    }
    return off(insns.get(0)[0]);
  }

  /** GNU objdump on the stripped file must find the same instruction starts. */
  private void checkBoundaries(List<long[]> insns) throws IOException {
    long first = insns.get(0)[0];
    long end = insns.get(insns.size() - 1)[0] + insns.get(insns.size() - 1)[1];
    String dis = exec("objdump", List.of("-d", "--start-address=" + first,
        "--stop-address=" + end, binary.toString()));
    Set<Long> starts = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^\\s+([0-9a-f]+):\\t").matcher(dis);
    while (m.find()) {
      starts.add(Long.parseLong(m.group(1), 16));
    }
    for (long[] i : insns) {
      if (!starts.contains(i[0])) {
        throw new IllegalStateException(String.format(
            "stripped %s: 0x%x is not an instruction start as in the unstripped twin", binary, i[0]));
      }
    }
  }

  /** name → instructions {addr, length, kind (1 RET, 2 JBE/JLS, 0 other)}. */
  private static Map<String, List<long[]>> objdump(Toolchain go, Path bin, List<String> names)
      throws IOException {
    StringBuilder re = new StringBuilder("^(");
    for (int i = 0; i < names.size(); i++) {
      re.append(i == 0 ? "" : "|").append(names.get(i).replaceAll("([().*])", "\\\\$1"));
    }
    re.append(")$");
    String out = GoToolchains.go(go, null, null, "tool", "objdump", "-s", re.toString(),
        bin.toString());
    Map<String, List<long[]>> funcs = new HashMap<>();
    List<long[]> cur = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("TEXT ")) {
        String name = line.substring(5, line.indexOf("(SB)"));
        cur = names.contains(name) ? funcs.computeIfAbsent(name, n -> new ArrayList<>()) : null;
        continue;
      }
      Matcher m = INSN.matcher(line);
      if (cur != null && m.matches()) {
        String op = m.group(3);
        long kind = op.startsWith("RET") ? 1 : (op.equals("JBE") || op.equals("JLS")) ? 2 : 0;
        cur.add(new long[] {Long.parseLong(m.group(1), 16), m.group(2).length() / 2, kind});
      }
    }
    for (String n : names) {
      if (!funcs.containsKey(n) && !n.startsWith("context.WithDeadline")) {
        throw new IllegalStateException("go tool objdump found no " + n + " in " + bin);
      }
    }
    return funcs;
  }

  static String exec(String cmd, List<String> args) throws IOException {
    List<String> c = new ArrayList<>();
    c.add(cmd);
    c.addAll(args);
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", c) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }
}
