package dev.goroscope.sample;

import dev.goroscope.gobinary.stack.StackFrame;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One goroutine as read from the target's memory at one sample.
 *
 * @param goid the goroutine id
 * @param status its scheduling state
 * @param gcScanning the GC was scanning its stack ({@code _Gscan} bit)
 * @param waitReasonCode the raw {@code g.waitreason} (0 unless waiting)
 * @param waitReason the reason in the runtime's words ({@code chan receive}); "" unless waiting
 * @param waitSinceNs {@code g.waitsince}: CLOCK_MONOTONIC ns (the clock of {@link
 *     ProcessSample#timestampNs()}) at which the runtime noted it blocked, 0 when unknown. Go
 *     stamps it lazily (at the first GC after the goroutine blocked), so it is a lower bound on
 *     how long the goroutine has waited
 * @param parentGoid the creator's goid (Go 1.21+); 0 when created by the runtime or unknown
 * @param startFunction the function the goroutine runs, compiler wrappers unwrapped
 * @param startPc {@code g.startpc} (run-time address)
 * @param createdBy the {@code go} statement that created it: function (not inlined), file and
 *     line; {@code pc} is {@code g.gopc}. Null when the runtime records none
 * @param lockedToThread it is wired to its OS thread ({@code runtime.LockOSThread})
 * @param system the runtime's own goroutine (Go's dumps hide it)
 * @param stack its stack; null while it runs (no stable stack to read) or when stacks were not
 *     asked for
 * @param channels the channels it is blocked on (one for a send or receive, one per case of a
 *     select); empty otherwise
 * @param semaphore the address of the semaphore it waits for in {@code semacquire} (a {@code
 *     sync.Mutex}'s, {@code RWMutex}'s or {@code WaitGroup}'s {@code sema} field), so that
 *     waiters of one lock group together; 0 when not waiting on one or not found
 */
public record GoroutineSample(
    long goid,
    GoroutineStatus status,
    boolean gcScanning,
    int waitReasonCode,
    String waitReason,
    long waitSinceNs,
    long parentGoid,
    String startFunction,
    long startPc,
    StackFrame createdBy,
    boolean lockedToThread,
    boolean system,
    GoroutineStack stack,
    List<ChannelWait> channels,
    long semaphore) {

  public GoroutineSample {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(waitReason, "waitReason");
    Objects.requireNonNull(startFunction, "startFunction");
    channels = List.copyOf(channels); // the same list when it already is an immutable one
  }

  /** The first channel it waits on (the only one unless in a select). */
  public Optional<ChannelWait> channel() {
    return channels.isEmpty() ? Optional.empty() : Optional.of(channels.get(0));
  }

  /** True when waiting on a channel, a lock or anything else ({@code _Gwaiting}). */
  public boolean isWaiting() {
    return status == GoroutineStatus.WAITING;
  }
}
