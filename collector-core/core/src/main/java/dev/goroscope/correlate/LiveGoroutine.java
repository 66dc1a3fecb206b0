package dev.goroscope.correlate;

import dev.goroscope.record.AttachmentKey;
import dev.goroscope.record.ContextEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the correlator holds for one tracked goroutine: the one goroutine table's entry (sinks'
 * per-goroutine state lives here too, in {@link #attachments}). Kept small (about 96 bytes with
 * compressed oops): names are not stored but looked up in the process's {@link SymbolCache} when
 * a record is read, and what only some goroutines have (context events, marks, an overrun,
 * application spans) hangs off a lazily allocated {@link Extras}.
 */
final class LiveGoroutine extends AgeList.Node<LiveGoroutine> {

  static final int PARENT_TRACED = 1;
  static final int ADOPTED = 1 << 1;
  static final int INCOMPLETE = 1 << 2;
  static final int FOUND = 1 << 3;
  /** Seen locked to its thread (runtime.LockOSThread, or a system call said so). */
  static final int LOCKED_TO_THREAD = 1 << 4;
  /** Ended because a sample no longer listed it (sampled mode): its end is when last seen. */
  static final int SAMPLED_END = 1 << 7;
  /**
   * Bits 8–31: the sample of its process that last listed it (sampled mode), 1 + the sample
   * number modulo 2^24 - 1 (0: none). Kept here, not in {@link SampledGoroutine}, so the scan
   * for goroutines a sample no longer lists reads one object per goroutine.
   */
  private static final int SEEN_SHIFT = 8;
  private static final int SEEN_MASK = -1 << SEEN_SHIFT;

  /** The rarer parts of a goroutine's state. */
  static final class Extras {
    List<ContextEvent> contextEvents;
    MarkLog marks;
    /** Durations of marks by {@link dev.goroscope.event.MarkKind} ordinal, or null. */
    long[] totals;
    /** The first context whose deadline this goroutine overran, or null. */
    LiveContext overrunOf;
    /** What samples showed of it (sampled mode), or null. */
    SampledGoroutine sampled;
    /** Application spans it started or ended, oldest first (bounded). */
    List<AppSpanMark> appSpanMarks;
    /** Application spans it started and that have not ended, innermost first, or null. */
    AppSpanNode appSpans;
    /** The application span that was open on its creator when it was created, or null. */
    LiveAppSpan appParent;
  }

  final ProcessTable process;
  final long goid;
  /** Creation details; not final only so a late creation event can complete an adopted one. */
  long parentGoid;
  long startPc;
  long creationPc;
  long startNs;
  /** Start of the open park, or -1 while running. */
  long parkedSinceNs = -1;
  int flags;
  /** Wait reason code of the open park. */
  int waitCode;
  /** Live deadline contexts whose scope this goroutine's future children join. */
  ScopeNode scope;
  /**
   * Deep mode: closed park intervals, or null. A field of its own, not in {@link Extras}: in deep
   * mode nearly every goroutine parks, and the extra object would cost 32 bytes each.
   */
  ParkLog parks;
  private Extras extras;
  /** Values of {@link AttachmentKey}s, indexed by key; null until a sink attaches something. */
  private Object[] attachments;

  LiveGoroutine(
      ProcessTable process, long goid, long parentGoid, long startPc, long creationPc,
      long startNs, int flags) {
    this.process = process;
    this.goid = goid;
    this.parentGoid = parentGoid;
    this.startPc = startPc;
    this.creationPc = creationPc;
    this.startNs = startNs;
    this.flags = flags;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  /** It is listed by sample {@code epoch} of its process. */
  void markSeen(int epoch) {
    flags = (flags & ~SEEN_MASK) | (seenBits(epoch) << SEEN_SHIFT);
  }

  /** Whether sample {@code epoch} listed it. */
  boolean seenIn(int epoch) {
    return flags >>> SEEN_SHIFT == seenBits(epoch);
  }

  private static int seenBits(int epoch) {
    return 1 + Integer.remainderUnsigned(epoch, (1 << 24) - 1);
  }

  boolean isParked() {
    return parkedSinceNs >= 0;
  }

  /** The extras, or null when the goroutine has none. */
  Extras extras() {
    return extras;
  }

  Extras extrasForUpdate() {
    if (extras == null) {
      extras = new Extras();
    }
    return extras;
  }

  LiveContext overrunOf() {
    return extras == null ? null : extras.overrunOf;
  }

  /** Application spans it started and that have not ended, innermost first, or null. */
  AppSpanNode appSpans() {
    return extras == null ? null : extras.appSpans;
  }

  void setAppSpans(AppSpanNode spans) {
    if (spans != null || extras != null) {
      extrasForUpdate().appSpans = spans;
    }
  }

  /** The application span it was created under, or null. */
  LiveAppSpan appParent() {
    return extras == null ? null : extras.appParent;
  }

  void setAppParent(LiveAppSpan span) {
    extrasForUpdate().appParent = span;
  }

  /** Adds a context event, keeping the most recent {@code max}; false when one was dropped. */
  boolean addContextEvent(ContextEvent event, int max) {
    Extras x = extrasForUpdate();
    if (x.contextEvents == null) {
      x.contextEvents = new ArrayList<>(2);
    }
    boolean kept = true;
    if (x.contextEvents.size() >= max) {
      x.contextEvents.remove(0);
      kept = false;
    }
    x.contextEvents.add(event);
    return kept;
  }

  <T> T attachment(AttachmentKey<T> key) {
    return attachment(attachments, key);
  }

  /** The attachments array itself (kept by the process table for a while after the end). */
  Object[] attachments() {
    return attachments;
  }

  @SuppressWarnings("unchecked")
  static <T> T attachment(Object[] attachments, AttachmentKey<T> key) {
    int i = key.index();
    return attachments == null || i >= attachments.length ? null : (T) attachments[i];
  }

  <T> void setAttachment(AttachmentKey<T> key, T value) {
    int i = key.index();
    if (attachments == null || i >= attachments.length) {
      if (value == null) {
        return;
      }
      int size = Math.max(i + 1, AttachmentKey.count());
      attachments = attachments == null ? new Object[size] : Arrays.copyOf(attachments, size);
    }
    attachments[i] = value;
  }

  @Override
  public String toString() {
    return "goroutine " + goid + " of pid " + process.pid;
  }
}
