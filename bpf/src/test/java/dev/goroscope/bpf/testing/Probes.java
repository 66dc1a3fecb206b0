package dev.goroscope.bpf.testing;

import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.bpf.link.UprobeLink;
import dev.goroscope.bpf.ringbuf.LossCounter;
import dev.goroscope.bpf.ringbuf.RingBufferReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * goroscope.bpf.o loaded for one target pid with every site of {@link ProbeSites} attached; the
 * target must already run (a PIE's load bias is read from its mappings).
 */
public final class Probes implements AutoCloseable {
  public final BpfObject object;
  public final List<UprobeLink> links = new ArrayList<>();
  public final RingBufferReader reader;
  public final LossCounter losses;
  public final List<TestEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean stop;

  public static final class Options {
    public boolean deep;
    public boolean contexts = true;
    public int ringBytes;
    public boolean cancelAtEntry;
    public long wakeupBytes = 64 * 1024;
    public boolean read = true;
    /** Tgid the kernel filter keeps; 0 = the attached pid. */
    public int filterPid;
  }

  public Probes(ProbeSites s, int pid, Options o) {
    long bias;
    try {
      bias = s.loadBias(pid);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    object = BpfObject.openResource(GoroscopeBpf.RESOURCE);
    try {
      object.setConstant(GoroscopeBpf.TARGET_TGID, o.filterPid != 0 ? o.filterPid : pid)
          .setConstant(GoroscopeBpf.OFF_G_M, s.field("runtime.g.m"))
          .setConstant(GoroscopeBpf.OFF_G_GOID, s.field("runtime.g.goid"))
          .setConstant(GoroscopeBpf.OFF_G_PARENT_GOID, Math.max(0, s.field("runtime.g.parentGoid")))
          .setConstant(GoroscopeBpf.OFF_G_GOPC, s.field("runtime.g.gopc"))
          .setConstant(GoroscopeBpf.OFF_G_STARTPC, s.field("runtime.g.startpc"))
          .setConstant(GoroscopeBpf.OFF_M_CURG, s.field("runtime.m.curg"))
          .setConstant(GoroscopeBpf.OFF_TIMERCTX_DEADLINE, s.field("context.timerCtx.deadline"))
          .setConstant(GoroscopeBpf.OFF_TIMERCTX_CANCELCTX, s.field("context.timerCtx.cancelCtx"))
          .setConstant(GoroscopeBpf.TIMERCTX_CANCELCTX_PTR, s.timerCtxCancelCtxPtr)
          .setConstant(GoroscopeBpf.OFF_CANCELCTX_CONTEXT, s.field("context.cancelCtx.Context"))
          .setConstant(GoroscopeBpf.OFF_CANCELCTX_ERR, s.field("context.cancelCtx.err"))
          .setConstant(GoroscopeBpf.OFF_TIME_WALL, s.field("time.Time.wall"))
          .setConstant(GoroscopeBpf.OFF_TIME_EXT, s.field("time.Time.ext"))
          .setConstant(GoroscopeBpf.OFF_HCHAN_QCOUNT, s.field("runtime.hchan.qcount"))
          .setConstant(GoroscopeBpf.OFF_HCHAN_DATAQSIZ, s.field("runtime.hchan.dataqsiz"))
          .setConstant(GoroscopeBpf.PIDNS_DEV, 0)
          .setConstant(GoroscopeBpf.PIDNS_INO, 0)
          .setConstant(GoroscopeBpf.TIMERCTX_ITAB, runtime(s.timerCtxItab, bias))
          .setConstant(GoroscopeBpf.TIMERCTX_DEADLINE_PC, runtime(s.timerCtxDeadlinePc, bias))
          .setConstant(GoroscopeBpf.DEADLINE_ERR_ITAB, runtime(s.deadlineErrItab, bias))
          .setConstant(GoroscopeBpf.DEADLINE_ERR_PC, runtime(s.deadlineErrPc, bias))
          .setConstant(GoroscopeBpf.CANCELED_ERR_ITAB, runtime(s.canceledErrItab, bias))
          .setConstant(GoroscopeBpf.CANCELED_ERR_PC, runtime(s.canceledErrPc, bias))
          .setConstant(GoroscopeBpf.WAKEUP_BYTES, o.wakeupBytes);
      // The application-span programs are never attached here (the bpf tests' programs do not
      // link the OpenTelemetry SDK); collector-core's AppSpanProbesTest covers them.
      for (String c : List.of(GoroscopeBpf.OFF_RECORDING_SPAN_CONTEXT,
          GoroscopeBpf.OFF_RECORDING_SPAN_PARENT, GoroscopeBpf.OFF_NONRECORDING_SPAN_CONTEXT,
          GoroscopeBpf.OFF_SPAN_CONTEXT_TRACE_ID, GoroscopeBpf.OFF_SPAN_CONTEXT_SPAN_ID,
          GoroscopeBpf.OFF_SPAN_CONTEXT_TRACE_FLAGS, GoroscopeBpf.RECORDING_SPAN_IS_RECORDING_PC,
          GoroscopeBpf.NONRECORDING_SPAN_IS_RECORDING_PC)) {
        object.setConstant(c, 0);
      }
      // Nor are the runtime-event programs (stop-the-world, mutex, syscall, scheduling):
      // collector-core's StwPauseTest, MutexContentionTest, SyscallProbeTest and SchedLatencyTest
      // attach them through the planner.
      for (String c : List.of(GoroscopeBpf.OFF_P_STATUS, GoroscopeBpf.OFF_P_M,
          GoroscopeBpf.ALLP_ADDR, GoroscopeBpf.STW_REASON_ARG, GoroscopeBpf.OFF_M_PREEMPTOFF,
          GoroscopeBpf.OFF_G_LOCKEDM, GoroscopeBpf.OFF_RWMUTEX_READERSEM,
          GoroscopeBpf.OFF_RWMUTEX_WRITERSEM, GoroscopeBpf.SYSCALL_MIN_NS)) {
        object.setConstant(c, 0);
      }
      if (o.ringBytes > 0) {
        object.map(GoroscopeBpf.MAP_EVENTS).setMaxEntries(o.ringBytes);
      }
      object.load();
      for (long off : s.newproc1Rets) {
        attach(GoroscopeBpf.PROG_NEWPROC1_RET, pid, s, off);
      }
      attach(GoroscopeBpf.PROG_GOEXIT1_ENTRY, pid, s, s.goexit1);
      if (o.contexts) {
        for (long off : s.withDeadlineRets) {
          attach(GoroscopeBpf.PROG_WITH_DEADLINE_RET, pid, s, off);
        }
        attach(GoroscopeBpf.PROG_CANCEL_ENTRY, pid, s, o.cancelAtEntry ? s.cancelEntry : s.cancel);
      }
      if (o.deep) {
        attach(GoroscopeBpf.PROG_GOPARK_ENTRY, pid, s, s.gopark);
        attach(GoroscopeBpf.PROG_READY_ENTRY, pid, s, s.ready);
      }
      reader = RingBufferReader.open(object.map(GoroscopeBpf.MAP_EVENTS));
      losses = LossCounter.of(object.map(GoroscopeBpf.MAP_LOST));
    } catch (RuntimeException e) {
      closeLinksAndObject();
      throw e;
    }
    thread = new Thread(() -> {
      while (!stop) {
        reader.poll(r -> events.add(TestEvent.decode(r)), Duration.ofMillis(20));
      }
    }, "ringbuf-reader");
    thread.setDaemon(true);
    if (o.read) {
      thread.start();
    }
  }

  /** A link-time address in the process (PIE: shifted by the load bias); 0 stays unknown. */
  private static long runtime(long linkAddress, long bias) {
    return linkAddress == 0 ? 0 : linkAddress + bias;
  }

  private void attach(String prog, int pid, ProbeSites s, long off) {
    links.add(UprobeLink.attach(object.program(prog), pid, s.binary, off));
  }

  /** Stops the reader thread after a final drain; events stay readable. */
  public List<TestEvent> finish() throws InterruptedException {
    stop = true;
    thread.join(5000);
    reader.poll(r -> events.add(TestEvent.decode(r)), Duration.ZERO);
    return new ArrayList<>(events);
  }

  private void closeLinksAndObject() {
    for (UprobeLink l : links) {
      l.close();
    }
    object.close();
  }

  @Override
  public void close() {
    stop = true;
    if (thread.isAlive()) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (reader != null) {
      reader.close();
    }
    closeLinksAndObject();
  }
}
