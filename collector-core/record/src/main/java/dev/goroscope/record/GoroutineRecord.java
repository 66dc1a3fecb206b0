package dev.goroscope.record;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An immutable {@link Goroutine}: a copy of a tracked goroutine's values at one moment
 * ({@link Goroutine#toRecord()}), or one built with {@link #builder} (tests, replays). Records
 * derived from one another ({@link #toBuilder()}) share one {@link Attachments} store, as the
 * correlator's one object per goroutine does; attachments are not part of equality.
 */
public final class GoroutineRecord implements Goroutine {

  private final int pid;
  private final long goid;
  private final long parentGoid;
  private final boolean parentTraced;
  private final String startFunction;
  private final long startPc;
  private final CodeLocation creationSite;
  private final long startNs;
  private final long endNs;
  private final long asOfNs;
  private final GoroutineState state;
  private final String waitReason;
  private final List<GoroutineEvent> events;
  private final Attrs attributes;
  private final List<CodeLocation> stack;
  private final DeadlineOverrun deadlineOverrun;
  private final boolean leakCandidate;
  private final boolean incomplete;
  private final Attachments attachments;

  private GoroutineRecord(Builder b, List<GoroutineEvent> events) {
    this.pid = b.pid;
    this.goid = b.goid;
    this.parentGoid = b.parentGoid;
    this.parentTraced = b.parentTraced;
    this.startFunction = b.startFunction;
    this.startPc = b.startPc;
    this.creationSite = b.creationSite;
    this.startNs = b.startNs;
    this.endNs = b.endNs;
    this.asOfNs = b.asOfNs != Long.MIN_VALUE ? b.asOfNs : b.endNs >= 0 ? b.endNs : b.startNs;
    this.state = b.state;
    this.waitReason = b.waitReason;
    this.events = events;
    this.attributes = b.attributes;
    this.stack = b.stack;
    this.deadlineOverrun = b.deadlineOverrun;
    this.leakCandidate = b.leakCandidate;
    this.incomplete = b.incomplete;
    this.attachments = b.attachments;
  }

  public static Builder builder(int pid, long goid) {
    return new Builder(pid, goid, new Attachments());
  }

  /** A copy of {@code g}'s current values, sharing its attachments when it is a record. */
  public static GoroutineRecord copyOf(Goroutine g) {
    if (g instanceof GoroutineRecord r) {
      return r;
    }
    return new Builder(g.pid(), g.goid(), new Attachments())
        .setParentGoid(g.parentGoid())
        .setParentTraced(g.parentTraced())
        .setStartFunction(g.startFunction())
        .setStartPc(g.startPc())
        .setCreationSite(g.creationSite())
        .setStartNs(g.startNs())
        .setEndNs(g.endNs())
        .setAsOfNs(g.asOfNs())
        .setState(g.state())
        .setWaitReason(g.waitReason())
        .setEvents(g.events())
        .setAttributes(g.attributes())
        .setStack(g.stack())
        .setDeadlineOverrun(g.deadlineOverrun())
        .setLeakCandidate(g.leakCandidate())
        .setIncomplete(g.incomplete())
        .build();
  }

  /** A builder holding this record's values and sharing its attachments. */
  public Builder toBuilder() {
    return new Builder(pid, goid, attachments)
        .setParentGoid(parentGoid)
        .setParentTraced(parentTraced)
        .setStartFunction(startFunction)
        .setStartPc(startPc)
        .setCreationSite(creationSite)
        .setStartNs(startNs)
        .setEndNs(endNs)
        .setAsOfNs(asOfNs)
        .setState(state)
        .setWaitReason(waitReason)
        .setEvents(events)
        .setAttributes(attributes)
        .setStack(stack)
        .setDeadlineOverrun(deadlineOverrun)
        .setLeakCandidate(leakCandidate)
        .setIncomplete(incomplete);
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public long goid() {
    return goid;
  }

  @Override
  public long parentGoid() {
    return parentGoid;
  }

  @Override
  public boolean parentTraced() {
    return parentTraced;
  }

  @Override
  public String startFunction() {
    return startFunction;
  }

  @Override
  public long startPc() {
    return startPc;
  }

  @Override
  public CodeLocation creationSite() {
    return creationSite;
  }

  @Override
  public long startNs() {
    return startNs;
  }

  @Override
  public long endNs() {
    return endNs;
  }

  @Override
  public long asOfNs() {
    return asOfNs;
  }

  @Override
  public GoroutineState state() {
    return state;
  }

  @Override
  public String waitReason() {
    return waitReason;
  }

  @Override
  public List<GoroutineEvent> events() {
    return events;
  }

  @Override
  public Attrs attributes() {
    return attributes;
  }

  @Override
  public List<CodeLocation> stack() {
    return stack;
  }

  @Override
  public DeadlineOverrun deadlineOverrun() {
    return deadlineOverrun;
  }

  @Override
  public boolean leakCandidate() {
    return leakCandidate;
  }

  @Override
  public boolean incomplete() {
    return incomplete;
  }

  @Override
  public <T> T attachment(AttachmentKey<T> key) {
    return attachments.get(key);
  }

  @Override
  public <T> void setAttachment(AttachmentKey<T> key, T value) {
    attachments.set(key, value);
  }

  /** Always null: a standalone record sees no other goroutine. */
  @Override
  public <T> T attachmentOf(long goid, AttachmentKey<T> key) {
    return null;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof GoroutineRecord r)) {
      return false;
    }
    return pid == r.pid && goid == r.goid && parentGoid == r.parentGoid
        && parentTraced == r.parentTraced && startPc == r.startPc && startNs == r.startNs
        && endNs == r.endNs && asOfNs == r.asOfNs && leakCandidate == r.leakCandidate && incomplete == r.incomplete
        && startFunction.equals(r.startFunction) && creationSite.equals(r.creationSite)
        && state == r.state && waitReason.equals(r.waitReason) && events.equals(r.events)
        && attributes.equals(r.attributes) && stack.equals(r.stack)
        && Objects.equals(deadlineOverrun, r.deadlineOverrun);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pid, goid, startNs, endNs, state);
  }

  @Override
  public String toString() {
    return "GoroutineRecord[pid=" + pid + ", goid=" + goid + ", parentGoid=" + parentGoid
        + ", startFunction=" + startFunction + ", startNs=" + startNs + ", endNs=" + endNs
        + ", asOfNs=" + asOfNs        + ", state=" + state + ", waitReason=" + waitReason + ", events=" + events
        + ", attributes=" + attributes + ", deadlineOverrun=" + deadlineOverrun
        + ", leakCandidate=" + leakCandidate + ", incomplete=" + incomplete + "]";
  }

  /** Builder with the defaults of a goroutine about which nothing but its id is known. */
  public static final class Builder {
    private final int pid;
    private final long goid;
    private final Attachments attachments;
    private long parentGoid;
    private boolean parentTraced;
    private String startFunction = "";
    private long startPc;
    private CodeLocation creationSite = CodeLocation.UNKNOWN;
    private long startNs;
    private long endNs = -1;
    private long asOfNs = Long.MIN_VALUE;
    private GoroutineState state = GoroutineState.RUNNING;
    private String waitReason = "";
    private List<GoroutineEvent> events = List.of();
    private List<ParkInterval> parks = List.of();
    private List<ContextEvent> contextEvents = List.of();
    private Attrs attributes = Attrs.empty();
    private List<CodeLocation> stack = List.of();
    private DeadlineOverrun deadlineOverrun;
    private boolean leakCandidate;
    private boolean incomplete;

    private Builder(int pid, long goid, Attachments attachments) {
      this.pid = pid;
      this.goid = goid;
      this.attachments = attachments;
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

    /** The moment described; default: the end, else the start. */
    public Builder setAsOfNs(long asOfNs) {
      this.asOfNs = asOfNs;
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

    /** The goroutine's events (any kinds), merged by time with parks and context events. */
    public Builder setEvents(List<GoroutineEvent> events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /** Park intervals, turned into park/ready events. */
    public Builder setParks(List<ParkInterval> parks) {
      this.parks = Objects.requireNonNull(parks, "parks");
      return this;
    }

    /** Context events, turned into {@code context.*} events. */
    public Builder setContextEvents(List<ContextEvent> contextEvents) {
      this.contextEvents = Objects.requireNonNull(contextEvents, "contextEvents");
      return this;
    }

    public Builder setAttributes(Attrs attributes) {
      this.attributes = Objects.requireNonNull(attributes, "attributes");
      return this;
    }

    /** Sampled stack, innermost frame first. */
    public Builder setStack(List<CodeLocation> stack) {
      this.stack = List.copyOf(stack);
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
      List<GoroutineEvent> all;
      if (parks.isEmpty() && contextEvents.isEmpty()) {
        all = List.copyOf(events);
      } else {
        List<GoroutineEvent> merged = new ArrayList<>(events);
        contextEvents.forEach(c -> merged.add(c.toEvent()));
        parks.forEach(p -> p.addEvents(merged));
        merged.sort(Comparator.comparingLong(GoroutineEvent::timestampNs)); // stable
        all = List.copyOf(merged);
      }
      return new GoroutineRecord(this, all);
    }
  }
}
