package dev.goroscope.record;

/**
 * A goroutine in a context's scope was still running more than the grace period after the
 * context's deadline fired.
 *
 * @param ctx the context whose deadline was overrun
 * @param contextCreatorGoid the goroutine that created the context
 * @param deadlineFiredNs when the deadline fired (monotonic ns)
 * @param overrunNs how long the goroutine outlived the deadline: until its exit, or until the
 *     flush for a goroutine still running
 */
public record DeadlineOverrun(
    long ctx, long contextCreatorGoid, long deadlineFiredNs, long overrunNs) {}
