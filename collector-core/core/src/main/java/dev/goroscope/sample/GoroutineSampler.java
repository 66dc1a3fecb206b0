package dev.goroscope.sample;

import dev.goroscope.GoroscopeException;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.LoadBias;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.gobinary.stack.PhysicalStack;
import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.gobinary.stack.StackSymbolizer;
import dev.goroscope.gobinary.stack.StackUnwinder;
import dev.goroscope.gobinary.stack.StackWindow;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.snapshot.AllgsLocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads every goroutine of a running Go process from its memory, with no probe and no stop:
 * {@code runtime.allgs}, each g's state, wait reason, creation site, start function, parent and
 * thread lock, the stacks of goroutines not running (unwound from {@code g.sched} or the
 * system-call pair with the binary's pclntab), the channels of goroutines blocked on channels
 * and the semaphores of goroutines blocked in {@code semacquire}. One {@link #sample()} makes
 * a few dozen system calls for thousands of goroutines ({@link ReadBatch}).
 *
 * <p>The target keeps running, so a g can change while read. Each g is read, its stack and
 * wait state are read, then its state, goid, resume point and wait list are read again: a g
 * that changed is read again ({@link SamplerConfig#retries()}), then left out of the sample
 * and counted ({@link SampleStats#tornDropped()}); a stack must unwind from a known function to
 * the goroutine's recorded top. What is reported was consistent when read.
 *
 * <p>Reusable: buffers, PC look-ups and identical stacks are kept between samples (bounded),
 * so a periodic sampler costs little beyond the reads. Not thread-safe; close it to release
 * the process's memory file.
 */
public final class GoroutineSampler implements AutoCloseable {

  private static final int MAX_CACHED_SITES = 1 << 16;
  private static final int MAX_INTERNED_STACKS = 1 << 17;

  private final int pid;
  private final long allgsAddress;
  private final GoBinary binary;
  private final String goVersion;
  private final long bias;
  private final ProcessMemory memory;
  private final boolean ownsMemory;
  private final SamplerConfig config;
  private final GLayout layout;
  private final ReadBatch batch;
  private final AllgsReader allgs;
  private final GHeaders headers;
  private final int chunk;
  private final GoTraceback traceback;
  private final StackUnwinder unwinder;
  private final StackSymbolizer symbolizer;
  private final WaitReasons waitReasons;
  private final PcLnTable pclntab;
  private final ChannelReader channels;
  private final SemaphoreReader semaphores;
  private final List<String> notes;
  /** Per wait reason code (0–255): what it waits on. */
  private final byte[] reasonKind = new byte[256];
  private final String[] reasonText = new String[256];
  private static final byte OTHER = 0;
  private static final byte CHANNEL = 1;
  private static final byte SEMA = 2;
  private static final byte COND = 3;

  private final PhysicalStack physical = new PhysicalStack();
  private final StackWindow window = new StackWindow();
  private final Map<Long, StackFrame> creationSites = new HashMap<>();
  private final Map<Long, String[]> startFunctions = new HashMap<>();
  private final StackInterner stacks = new StackInterner();
  private final GTable table = new GTable();
  private int[] todo = new int[0];

  private GoroutineSampler(Builder b) {
    this.pid = b.memory.pid();
    this.allgsAddress = b.allgs + b.loadBias;
    this.binary = b.binary;
    this.goVersion = b.binary.goVersionString();
    this.bias = b.loadBias;
    this.memory = b.memory;
    this.ownsMemory = b.ownsMemory;
    this.config = b.config;
    this.layout = config.stacks() ? GLayout.full(b.offsets.asMap()) : GLayout.headers(
        b.offsets.asMap());
    this.batch = new ReadBatch(config.readBatchBytes());
    this.allgs = new AllgsReader(memory, allgsAddress, layout, batch);
    this.chunk = Math.max(1, Math.min(config.chunk(), config.readBatchBytes() / layout.window));
    this.headers = new GHeaders(chunk);
    this.traceback = GoTraceback.forGoMinor(b.offsets.goMinor());
    this.pclntab = binary.pcLnTable();
    this.unwinder = new StackUnwinder(pclntab, bias);
    this.symbolizer = new StackSymbolizer(pclntab, bias);
    this.waitReasons = WaitReasons.of(binary.elf(), binary.version());
    List<String> n = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    SudogLayout sudogs = SudogLayout.of(b.offsets, missing).orElse(null);
    if (config.channels() && sudogs != null) {
      TypeNames names = TypeNames.of(binary, b.offsets);
      if (!names.available()) {
        n.add("channel element types unknown: no moduledata.types offset for " + goVersion);
      }
      this.channels = new ChannelReader(memory, batch, sudogs, names, bias);
    } else {
      this.channels = null;
      if (config.channels()) {
        n.add("no channel state: offsets " + missing + " unknown for " + goVersion);
      }
    }
    if (config.semaphores() && sudogs != null) {
      boolean table = b.semtable != 0 && sudogs.semaTreap >= 0;
      this.semaphores = new SemaphoreReader(memory, batch, sudogs, table ? b.semtable + bias : 0);
      if (!table && b.offsets.goMinor() < 26) {
        n.add("no semaphores: runtime.semtable or its offsets not found for " + goVersion);
      }
    } else {
      this.semaphores = null;
      if (config.semaphores()) {
        n.add("no semaphores: sudog offsets unknown for " + goVersion);
      }
    }
    this.notes = List.copyOf(n);
    for (int code = 0; code < 256; code++) {
      String r = waitReasons.describe(code);
      reasonText[code] = r;
      reasonKind[code] = ChannelReader.isChannelWait(r) ? CHANNEL
          : SemaphoreReader.SEMA_REASONS.contains(r) ? SEMA
              : r.equals(SemaphoreReader.COND_REASON) ? COND : OTHER;
    }
  }

  /**
   * A sampler of process {@code pid}: opens its executable through {@code /proc/PID/exe},
   * resolves offsets (DWARF or the built-in table), finds {@code runtime.allgs} and {@code
   * runtime.semtable} (symbols, or the code that uses them in stripped binaries), the PIE load
   * bias and the process's memory.
   *
   * @throws GoroscopeException (exit 2) with one line saying why: no such process, not a Go
   *     program, an unsupported Go version, offsets unknown, or no permission
   */
  public static GoroutineSampler open(int pid, SamplerConfig config) {
    TargetProcess target = TargetProcess.of(pid);
    GoBinary binary;
    try {
      binary = GoBinary.open(target.exeLink());
    } catch (BinaryFormatException e) {
      throw new GoroscopeException("process " + pid + " (" + target.executablePath()
          + ") is not a Go program goroscope can read: " + e.getMessage(), e);
    }
    binary.requireSupportedVersion();
    StructOffsets offsets = OffsetResolver.resolve(binary.elf(), binary.version());
    OptionalLong allgs = symbol(binary, "runtime.allgs");
    OptionalLong semtable = symbol(binary, "runtime.semtable");
    if (allgs.isEmpty() || semtable.isEmpty()) {
      // stripped: find them in the code that uses them (needs the disassembler)
      try (X86Disassembler disasm = X86Disassembler.open()) {
        if (allgs.isEmpty()) {
          allgs = AllgsLocator.fromCode(binary, disasm);
        }
        if (semtable.isEmpty()) {
          semtable = SemtableLocator.fromCode(binary, disasm);
        }
      }
    }
    if (allgs.isEmpty()) {
      throw new GoroscopeException("cannot find runtime.allgs in " + target.executablePath()
          + " (no symbol, and runtime.forEachG does not load it as expected)");
    }
    long bias = binary.pie() ? LoadBias.forProcess(pid, binary.elf()) : 0;
    ProcessMemory memory = ProcessMemory.open(pid);
    try {
      Builder b = builder(memory, binary, offsets, allgs.getAsLong())
          .setSemtableAddress(semtable.orElse(0))
          .setLoadBias(bias)
          .setConfig(config);
      b.ownsMemory = true;
      GoroutineSampler s = b.build();
      s.checkReadable();
      return s;
    } catch (RuntimeException e) {
      memory.close();
      throw e;
    }
  }

  private static OptionalLong symbol(GoBinary binary, String name) {
    return binary.elf().symbols().stream().filter(s -> s.name().equals(name))
        .mapToLong(s -> s.value()).findFirst();
  }

  /**
   * A sampler over parts the caller already has (an attach session): {@code allgsAddress} and
   * the semtable address are link-time addresses; the caller keeps owning {@code memory}.
   */
  public static Builder builder(ProcessMemory memory, GoBinary binary, StructOffsets offsets,
      long allgsAddress) {
    return new Builder(memory, binary, offsets, allgsAddress);
  }

  /** Fails with a clear message when the process's memory cannot be read at all. */
  private void checkReadable() {
    ReadBatch probe = new ReadBatch(64);
    int q = probe.add(allgsAddress, 16);
    memory.read(probe);
    if (!probe.ok(q)) {
      throw new GoroscopeException("cannot read the memory of process " + pid
          + (memory.processGone() ? ": it exited" : " (run goroscope as root or with"
              + " CAP_SYS_PTRACE)"));
    }
  }

  public int pid() {
    return pid;
  }

  public String goVersion() {
    return goVersion;
  }

  /** The Go rules for printing this binary's stacks. */
  public GoTraceback traceback() {
    return traceback;
  }

  /** What this sampler cannot read for this binary, one line each. */
  public List<String> notes() {
    return notes;
  }

  /**
   * Reads every goroutine now. Never throws for what the target does meanwhile: goroutines
   * that keep changing are left out and counted; a process that exited gives an empty sample.
   */
  public ProcessSample sample() {
    long start = System.nanoTime();
    long calls0 = memory.systemCalls();
    long bytes0 = memory.bytesRead();
    Counts c = new Counts();
    int n = allgs.readPointers();
    c.allgs = n;
    table.ensure(n);
    if (todo.length < n) {
      todo = new int[n];
    }
    for (int i = 0; i < n; i++) {
      todo[i] = i;
    }
    List<Pending> pending = new ArrayList<>(n);
    int todoCount = n;
    int[] work = todo;
    for (int attempt = 0; todoCount > 0; attempt++) {
      boolean last = attempt >= config.retries();
      int[][] retry = {new int[Math.min(todoCount, 1024)]};
      int[] retryCount = {0};
      for (int from = 0; from < todoCount; from += chunk) {
        readChunk(work, from, Math.min(todoCount, from + chunk), pending, retry, retryCount, c);
      }
      work = retry[0];
      todoCount = retryCount[0];
      if (!last) {
        c.tornRetries += todoCount;
      } else {
        c.tornDropped += todoCount;
        for (int i = 0; i < todoCount; i++) {
          table.invalidate(work[i]);
        }
        todoCount = 0;
      }
    }
    pending.sort((a, b) -> Long.compare(a.goid, b.goid));
    dropDuplicateGoids(pending, c);
    waitStates(pending, c);
    List<GoroutineSample> out = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      out.add(toSample(p));
    }
    SampleStats stats = new SampleStats(c.allgs, out.size(), c.dead, c.unreadable, c.tornRetries,
        c.tornDropped, c.truncated, c.channelsInconsistent, memory.systemCalls() - calls0,
        memory.bytesRead() - bytes0, memory.method() == ProcessMemory.Method.PROCESS_VM_READV
            ? "process_vm_readv" : "/proc/PID/mem");
    return new ProcessSample(pid, goVersion, start, System.nanoTime() - start, out, stats,
        notes);
  }

  /** Channels and semaphores of the waiting goroutines; kept ones reused, new ones read. */
  private void waitStates(List<Pending> pending, Counts c) {
    List<Pending> channelWaiters = new ArrayList<>();
    List<String> channelReasons = new ArrayList<>();
    List<Pending> semaDirect = new ArrayList<>();
    List<Pending> semaTable = new ArrayList<>();
    for (Pending p : pending) {
      if (p.state() != GoroutineStatus.WAITING) {
        continue;
      }
      int kind = reasonKind[p.waitReason & 0xff];
      String reason = reasonText[p.waitReason & 0xff];
      boolean sema = kind == SEMA;
      if (kind == CHANNEL) {
        if (p.unchanged && table.sudogs[p.idx] != null) {
          p.sudogs = table.sudogs[p.idx];
          p.chans = table.channels[p.idx];
          p.dirs = table.directions[p.idx];
          p.chanIndex = table.chanSlots[p.idx];
          p.chanVersion = table.chanVersion[p.idx];
        }
        channelWaiters.add(p);
        channelReasons.add(reason);
      } else if (sema || kind == COND) {
        if (p.unchanged && table.semaphore[p.idx] > 0) {
          p.semaphore = table.semaphore[p.idx];
        } else if (p.waiting != 0) {
          semaDirect.add(p);
        } else if (sema) {
          semaTable.add(p);
        }
      }
    }
    ChannelReader.Result channelStates = null;
    if (channels != null && !channelWaiters.isEmpty()) {
      channelStates = channels.read(channelWaiters, channelReasons);
      c.channelsInconsistent = channelStates.failed();
    }
    if (semaphores != null) {
      semaphores.readDirect(semaDirect);
      semaphores.readTable(semaTable);
    }
    for (Pending p : channelWaiters) {
      if (channelStates == null || p.channelsFailed) {
        continue;
      }
      boolean kept = table.holds(p.idx, p.gp);
      p.channelWaits = waits(p, channelStates.states(), kept ? table.waits[p.idx] : null);
      if (kept) {
        table.sudogs[p.idx] = p.sudogs;
        table.channels[p.idx] = p.chans;
        table.directions[p.idx] = p.dirs;
        table.chanSlots[p.idx] = p.chanIndex;
        table.chanVersion[p.idx] = p.chanVersion;
        table.waits[p.idx] = p.channelWaits;
      }
    }
    for (Pending p : pending) {
      if (p.semaphore > 0 && table.holds(p.idx, p.gp)) {
        table.semaphore[p.idx] = p.semaphore;
      }
    }
  }

  /** The waits of {@code p}: the last sample's list again when every state in it is the same. */
  private static List<ChannelWait> waits(Pending p, ChannelState[] states, Object last) {
    if (last instanceof List<?> prev && prev.size() == p.chans.length) {
      boolean same = true;
      for (int k = 0; k < p.chans.length && same; k++) {
        ChannelWait w = (ChannelWait) prev.get(k);
        same = w.channel() == states[p.chanIndex[k]] && w.direction() == direction(p.dirs[k]);
      }
      if (same) {
        @SuppressWarnings("unchecked")
        List<ChannelWait> again = (List<ChannelWait>) prev;
        return again;
      }
    }
    ChannelWait[] out = new ChannelWait[p.chans.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = new ChannelWait(states[p.chanIndex[k]], direction(p.dirs[k]));
    }
    return List.of(out);
  }

  private static ChannelWait.Direction direction(byte d) {
    return d == Pending.SEND ? ChannelWait.Direction.SEND
        : d == Pending.RECEIVE ? ChannelWait.Direction.RECEIVE : ChannelWait.Direction.UNKNOWN;
  }

  /** Reads the goroutines at allgs indices {@code idx[from, to)}; torn ones go to retry. */
  private void readChunk(int[] idx, int from, int to, List<Pending> pending, int[][] retry,
      int[] retryCount, Counts c) {
    GHeaders h = headers;
    allgs.readChunk(idx, from, to, h);
    int size = h.size;
    byte[] verdict = new byte[size]; // 0 skip, 1 accept, 2 torn, 3 unchanged since last sample
    GoroutineStack[] stackOf = new GoroutineStack[size];
    int[] needStack = new int[size];
    int stackCount = 0;
    for (int i = 0; i < size; i++) {
      if (!h.ok[i]) {
        if (h.gp[i] != 0) {
          c.unreadable++;
        }
        continue;
      }
      GoroutineStatus st = GoroutineStatus.of(h.status[i]);
      if (st == GoroutineStatus.IDLE || st == GoroutineStatus.DEAD
          || st == GoroutineStatus.DEAD_EXTRA || h.startpc[i] == 0 || h.goid[i] == 0) {
        c.dead++; // free g kept for reuse, or the g of a cgo extra M
        continue;
      }
      boolean parkedStack = config.stacks() && st.hasParkedStack();
      if (parkedStack && table.unchanged(h.idx[i], h, i)) {
        stackOf[i] = table.stack[h.idx[i]];
        verdict[i] = 3; // parked where it was when last checked: nothing to read again
        continue;
      }
      if (st == GoroutineStatus.UNKNOWN || st == GoroutineStatus.COPYSTACK || h.goid[i] < 0
          || pclntab.funcIndex(h.startpc[i] - bias) < 0
          || (h.gopc[i] != 0 && pclntab.funcIndex(h.gopc[i] - 1 - bias) < 0)) {
        verdict[i] = 2; // moving, or not a g as read: read it again
        continue;
      }
      verdict[i] = 1;
      if (parkedStack) {
        needStack[stackCount++] = i;
      }
    }
    if (stackCount > 0) {
      readStacks(h, needStack, stackCount, verdict, stackOf, c);
    }
    recheck(h, verdict, stackOf);
    for (int i = 0; i < size; i++) {
      if (verdict[i] == 1) {
        table.reset(h.idx[i], h, i, stackOf[i]);
        pending.add(new Pending().set(h.idx[i], h, i, stackOf[i], false));
      } else if (verdict[i] == 3) {
        pending.add(new Pending().set(h.idx[i], h, i, stackOf[i], true));
      } else if (verdict[i] == 2) {
        if (retryCount[0] == retry[0].length) {
          retry[0] = Arrays.copyOf(retry[0], retry[0].length * 2);
        }
        retry[0][retryCount[0]++] = h.idx[i];
      } else {
        table.invalidate(h.idx[i]);
      }
    }
  }

  /** Copies and unwinds the stacks of goroutines {@code idx[0, count)} of the chunk. */
  private void readStacks(GHeaders h, int[] idx, int count, byte[] verdict,
      GoroutineStack[] stackOf, Counts c) {
    int[] which = new int[count];
    long[] sp = new long[count];
    int[] len = new int[count];
    int n = 0;
    for (int k = 0; k < count; k++) {
      int i = idx[k];
      long s = h.syscallSp[i] != 0 ? h.syscallSp[i] : h.sp[i];
      long lo = h.stackLo[i];
      long hi = h.stackHi[i];
      if (lo <= 0 || hi <= lo || hi - lo > (1L << 30) || s < lo || s >= hi) {
        verdict[i] = 2; // bounds that cannot be: the g moved under us
        continue;
      }
      which[n] = i;
      sp[n] = s;
      len[n] = (int) Math.min(hi - s, config.maxStackBytes());
      n++;
    }
    Batches.readAll(memory, batch, n, new Batches.Requests() {
      @Override
      public long address(int k) {
        return sp[k];
      }

      @Override
      public int length(int k) {
        return len[k];
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        int i = which[k];
        if (!b.ok(q)) {
          verdict[i] = 2;
          return;
        }
        boolean sys = h.syscallSp[i] != 0;
        window.set(b.buffer(), b.offset(q), sp[k], len[k]);
        unwinder.unwind(sys ? h.syscallPc[i] : h.pc[i], sp[k], sys, h.stackLo[i],
            h.stackHi[i], h.stktopsp[i], window, config.maxFrames(), physical);
        if (physical.outcome() == PhysicalStack.Outcome.BROKEN) {
          verdict[i] = 2;
          return;
        }
        if (physical.outcome() == PhysicalStack.Outcome.TRUNCATED) {
          c.truncated++;
        }
        stackOf[i] = stacks.intern(physical);
      }
    });
  }

  /**
   * Reads state, goid, resume point and wait list of every accepted g again; a g where any of
   * them changed was read while it moved.
   */
  private void recheck(GHeaders h, byte[] verdict, GoroutineStack[] stackOf) {
    int size = h.size;
    int[] idx = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (verdict[i] == 1) {
        idx[n++] = i;
      }
    }
    int from = layout.checkFrom;
    int len = layout.checkTo - layout.checkFrom;
    Batches.readAll(memory, batch, n, new Batches.Requests() {
      @Override
      public long address(int k) {
        return h.gp[idx[k]] + from;
      }

      @Override
      public int length(int k) {
        return len;
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        int i = idx[k];
        if (!b.ok(q)
            || (b.u32(q, layout.status - from) & ~GHeaders.SCAN_BIT) != h.state(i)
            || b.u64(q, layout.goid - from) != h.goid[i]
            || (layout.waiting >= 0 && b.u64(q, layout.waiting - from) != h.waiting[i])) {
          verdict[i] = 2;
          return;
        }
        if (stackOf[i] != null && (b.u64(q, layout.schedSp - from) != h.sp[i]
            || b.u64(q, layout.schedPc - from) != h.pc[i]
            || b.u64(q, layout.syscallSp - from) != h.syscallSp[i]
            || b.u64(q, layout.syscallPc - from) != h.syscallPc[i])) {
          verdict[i] = 2;
        }
      }
    });
  }

  /** Two g structs claiming one goid (list sorted by goid): at least one was garbage. */
  private void dropDuplicateGoids(List<Pending> pending, Counts c) {
    boolean dup = false;
    for (int i = 1; i < pending.size() && !dup; i++) {
      dup = pending.get(i).goid == pending.get(i - 1).goid;
    }
    if (!dup) {
      return;
    }
    List<Pending> kept = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      long g = pending.get(i).goid;
      boolean twin = (i > 0 && pending.get(i - 1).goid == g)
          || (i + 1 < pending.size() && pending.get(i + 1).goid == g);
      if (twin) {
        c.tornDropped++;
        table.invalidate(pending.get(i).idx);
      } else {
        kept.add(pending.get(i));
      }
    }
    pending.clear();
    pending.addAll(kept);
  }

  private GoroutineSample toSample(Pending p) {
    GoroutineStatus st = p.state();
    int idx = p.idx;
    if (idx >= table.gp.length || table.namedGoid[idx] != p.goid) {
      String[] start = startFunction(p.startpc);
      StackFrame created = creationSite(p.gopc);
      if (idx < table.gp.length) {
        table.namedGoid[idx] = p.goid;
        table.startFunction[idx] = start[0];
        table.createdBy[idx] = created;
        table.system[idx] = traceback.isSystemGoroutine(start[1]);
      } else {
        return sample(p, st, start[0], created, traceback.isSystemGoroutine(start[1]));
      }
    }
    GoroutineSample last = table.last[idx];
    if (p.unchanged && last != null && last.goid() == p.goid && last.stack() == p.stack
        && last.channels() == p.channelWaits && last.semaphore() == Math.max(p.semaphore, 0)
        && last.status() == st && last.gcScanning() == ((p.status & GHeaders.SCAN_BIT) != 0)
        && last.waitSinceNs() == Math.max(p.waitSince, 0)
        && last.lockedToThread() == (p.lockedm != 0) && last.parentGoid() == p.parentGoid
        && (last.status() != GoroutineStatus.WAITING || last.waitReasonCode() == p.waitReason)) {
      return last; // nothing about it changed: the same immutable value
    }
    GoroutineSample now = sample(p, st, table.startFunction[idx], table.createdBy[idx],
        table.system[idx]);
    if (table.holds(idx, p.gp)) {
      table.last[idx] = now;
    }
    return now;
  }

  private GoroutineSample sample(Pending p, GoroutineStatus st, String startFunction,
      StackFrame createdBy, boolean system) {
    boolean waiting = st == GoroutineStatus.WAITING || st == GoroutineStatus.LEAKED;
    return new GoroutineSample(
        p.goid,
        st,
        (p.status & GHeaders.SCAN_BIT) != 0,
        waiting ? p.waitReason : 0,
        waiting ? reasonText[p.waitReason & 0xff] : "",
        p.waitSince > 0 ? p.waitSince : 0,
        p.parentGoid,
        startFunction,
        p.startpc,
        createdBy,
        p.lockedm != 0,
        system,
        p.stack,
        p.channelWaits,
        Math.max(p.semaphore, 0));
  }

  /** {unwrapped start function, function at startpc}. */
  private String[] startFunction(long startPc) {
    String[] s = startFunctions.get(startPc);
    if (s == null) {
      long pc = startPc - bias;
      String raw = binary.functionAt(pc).map(GoFunction::name).orElse("");
      String real = binary.startFunction(pc).map(GoFunction::name).orElse(raw);
      s = new String[] {real, raw};
      if (startFunctions.size() >= MAX_CACHED_SITES) {
        startFunctions.clear();
      }
      startFunctions.put(startPc, s);
    }
    return s;
  }

  /** The {@code go} statement at return address {@code gopc}: as Go's "created by" prints it. */
  private StackFrame creationSite(long gopc) {
    if (gopc == 0) {
      return null;
    }
    StackFrame f = creationSites.get(gopc);
    if (f == null) {
      int fn = pclntab.funcIndex(gopc - bias);
      if (fn < 0) {
        return null;
      }
      long entry = pclntab.entry(fn) + bias;
      long at = gopc > entry ? gopc - 1 : gopc;
      var loc = binary.resolve(at - bias);
      f = new StackFrame(pclntab.name(fn), loc.file(), loc.line(), gopc, entry, false,
          pclntab.funcId(fn));
      if (creationSites.size() >= MAX_CACHED_SITES) {
        creationSites.clear();
      }
      creationSites.put(gopc, f);
    }
    return f;
  }

  @Override
  public void close() {
    if (ownsMemory) {
      memory.close();
    }
  }

  private static final class Counts {
    long allgs;
    int dead;
    int unreadable;
    int tornRetries;
    int tornDropped;
    int truncated;
    int channelsInconsistent;
  }

  /** Identical stacks (same frames, same outcome) share one {@link GoroutineStack}. */
  private final class StackInterner {
    private final LongLongMap byHash = new LongLongMap(1024);
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(long[] pcs, boolean[] traps, PhysicalStack.Outcome outcome,
        GoroutineStack stack, int next) {}

    GoroutineStack intern(PhysicalStack s) {
      long h = s.hash();
      if (h == 0) {
        h = 1;
      }
      int head = (int) byHash.get(h, -1);
      for (int e = head; e >= 0; e = entries.get(e).next()) {
        Entry x = entries.get(e);
        if (s.sameAs(x.pcs(), x.traps(), x.pcs().length, x.outcome())) {
          return x.stack();
        }
      }
      if (entries.size() >= MAX_INTERNED_STACKS) {
        entries.clear();
        byHash.clear();
        head = -1;
      }
      long[] pcs = new long[s.size()];
      boolean[] traps = new boolean[s.size()];
      for (int i = 0; i < s.size(); i++) {
        pcs[i] = s.pc(i);
        traps[i] = s.trap(i);
      }
      GoroutineStack stack = new GoroutineStack(symbolizer.frames(s),
          s.outcome() == PhysicalStack.Outcome.COMPLETE,
          s.outcome() == PhysicalStack.Outcome.TRUNCATED);
      entries.add(new Entry(pcs, traps, s.outcome(), stack, head));
      byHash.put(h, entries.size() - 1);
      return stack;
    }
  }

  /** Builds a {@link GoroutineSampler} from parts. */
  public static final class Builder {
    private final ProcessMemory memory;
    private final GoBinary binary;
    private final StructOffsets offsets;
    private final long allgs;
    private long semtable;
    private long loadBias;
    private SamplerConfig config = SamplerConfig.defaults();
    private boolean ownsMemory;

    private Builder(ProcessMemory memory, GoBinary binary, StructOffsets offsets, long allgs) {
      this.memory = java.util.Objects.requireNonNull(memory, "memory");
      this.binary = java.util.Objects.requireNonNull(binary, "binary");
      this.offsets = java.util.Objects.requireNonNull(offsets, "offsets");
      if (allgs == 0) {
        throw new IllegalArgumentException("allgs address 0");
      }
      this.allgs = allgs;
    }

    /** Link-time address of {@code runtime.semtable}; 0 (default): no semaphores. */
    public Builder setSemtableAddress(long address) {
      this.semtable = address;
      return this;
    }

    /** Run-time minus link-time address (PIE); default 0. */
    public Builder setLoadBias(long bias) {
      this.loadBias = bias;
      return this;
    }

    public Builder setConfig(SamplerConfig config) {
      this.config = java.util.Objects.requireNonNull(config, "config");
      return this;
    }

    public GoroutineSampler build() {
      return new GoroutineSampler(this);
    }
  }
}
