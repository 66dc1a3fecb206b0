package dev.goroscope.record;

import java.util.List;
import java.util.Objects;

/**
 * Everything the correlator knows about one goroutine of one process. Emitted once as finished
 * (exited or the process ended) and, for long-lived goroutines, possibly several times before
 * that as partial records ({@link #isPartial()}) with {@code endNs} unset.
 *
 * @param pid the process
 * @param goid the goroutine id (unique for the life of a process)
 * @param parentGoid the creating goroutine's id; 0 when created by the runtime
 * @param parentTraced whether the parent goroutine itself was observed being created (false for
 *     goroutines whose parent existed before the sidecar attached, or runtime-created ones)
 * @param startFunction the real start function (compiler wrappers unwrapped where possible)
 * @param startPc the raw start PC
 * @param creationSite where the {@code go} statement is
 * @param startNs creation time (monotonic ns); for goroutines found already running at attach,
 *     the attach time
 * @param endNs exit time, or -1 while the goroutine is alive (partial record)
 * @param state the state at {@code endNs} or at flush
 * @param waitReason the wait reason at the end where known (deep mode), else empty
 * @param parks deep mode: park intervals, oldest first
 * @param contextEvents context events this goroutine caused, oldest first
 * @param deadlineOverrun set when this goroutine overran a context deadline
 * @param leakCandidate alive longer than the leak threshold (and, in deep mode, parked the whole
 *     time)
 * @param incomplete events for this goroutine may have been lost (ring buffer overflow or
 *     eviction); what is here is true but some of it may be missing
 */
public record GoroutineRecord(
    int pid,
    long goid,
    long parentGoid,
    boolean parentTraced,
    String startFunction,
    long startPc,
    CodeLocation creationSite,
    long startNs,
    long endNs,
    GoroutineState state,
    String waitReason,
    List<ParkInterval> parks,
    List<ContextEvent> contextEvents,
    DeadlineOverrun deadlineOverrun,
    boolean leakCandidate,
    boolean incomplete) {

  public GoroutineRecord {
    Objects.requireNonNull(startFunction, "startFunction");
    Objects.requireNonNull(creationSite, "creationSite");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(waitReason, "waitReason");
    parks = List.copyOf(parks);
    contextEvents = List.copyOf(contextEvents);
  }

  /** True while the goroutine is alive: no end time yet. */
  public boolean isPartial() {
    return endNs < 0;
  }

  public boolean hasDeadlineOverrun() {
    return deadlineOverrun != null;
  }

  public static Builder builder(int pid, long goid) {
    return new Builder(pid, goid);
  }

  /** Copies this record into a builder, e.g. to emit an updated partial record. */
  public Builder toBuilder() {
    return new Builder(pid, goid)
        .setParentGoid(parentGoid)
        .setParentTraced(parentTraced)
        .setStartFunction(startFunction)
        .setStartPc(startPc)
        .setCreationSite(creationSite)
        .setStartNs(startNs)
        .setEndNs(endNs)
        .setState(state)
        .setWaitReason(waitReason)
        .setParks(parks)
        .setContextEvents(contextEvents)
        .setDeadlineOverrun(deadlineOverrun)
        .setLeakCandidate(leakCandidate)
        .setIncomplete(incomplete);
  }

  /** Builder with the defaults of a goroutine about which nothing but its id is known. */
  public static final class Builder {
    private final int pid;
    private final long goid;
    private long parentGoid;
    private boolean parentTraced;
    private String startFunction = "";
    private long startPc;
    private CodeLocation creationSite = CodeLocation.UNKNOWN;
    private long startNs;
    private long endNs = -1;
    private GoroutineState state = GoroutineState.RUNNING;
    private String waitReason = "";
    private List<ParkInterval> parks = List.of();
    private List<ContextEvent> contextEvents = List.of();
    private DeadlineOverrun deadlineOverrun;
    private boolean leakCandidate;
    private boolean incomplete;

    private Builder(int pid, long goid) {
      this.pid = pid;
      this.goid = goid;
    }

    public Builder setParentGoid(long parentGoid) {
      this.parentGoid = parentGoid;
      return this;
    }

    public Builder setParentTraced(boolean parentTraced) {
      this.parentTraced = parentTraced;
      return this;
    }

    public Builder setStartFunction(String startFunction) {
      this.startFunction = Objects.requireNonNull(startFunction, "startFunction");
      return this;
    }

    public Builder setStartPc(long startPc) {
      this.startPc = startPc;
      return this;
    }

    public Builder setCreationSite(CodeLocation creationSite) {
      this.creationSite = Objects.requireNonNull(creationSite, "creationSite");
      return this;
    }

    public Builder setStartNs(long startNs) {
      this.startNs = startNs;
      return this;
    }

    public Builder setEndNs(long endNs) {
      this.endNs = endNs;
      return this;
    }

    public Builder setState(GoroutineState state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    public Builder setWaitReason(String waitReason) {
      this.waitReason = Objects.requireNonNull(waitReason, "waitReason");
      return this;
    }

    public Builder setParks(List<ParkInterval> parks) {
      this.parks = Objects.requireNonNull(parks, "parks");
      return this;
    }

    public Builder setContextEvents(List<ContextEvent> contextEvents) {
      this.contextEvents = Objects.requireNonNull(contextEvents, "contextEvents");
      return this;
    }

    public Builder setDeadlineOverrun(DeadlineOverrun deadlineOverrun) {
      this.deadlineOverrun = deadlineOverrun;
      return this;
    }

    public Builder setLeakCandidate(boolean leakCandidate) {
      this.leakCandidate = leakCandidate;
      return this;
    }

    public Builder setIncomplete(boolean incomplete) {
      this.incomplete = incomplete;
      return this;
    }

    public GoroutineRecord build() {
      return new GoroutineRecord(
          pid, goid, parentGoid, parentTraced, startFunction, startPc, creationSite, startNs,
          endNs, state, waitReason, parks, contextEvents, deadlineOverrun, leakCandidate,
          incomplete);
    }
  }
}
