/**
 * The goroutine sampler: every goroutine of a running Go process read from its memory, with
 * no probe and no stop — state, wait reason, creator, start function, parent, thread lock, the
 * stack of every goroutine not running, the channel or semaphore a blocked goroutine waits on —
 * as immutable values ({@link dev.goroscope.sample.ProcessSample}, {@link
 * dev.goroscope.sample.GoroutineSample}), and {@link dev.goroscope.sample.GoroutineDump}, the
 * text layout of Go's own goroutine dumps.
 *
 * <p>Entry point: {@link dev.goroscope.sample.GoroutineSampler#open}, then {@code sample()} as
 * often as wanted; reads race with the running program and are checked (see the sampler's
 * comment). Depends on the binary inspector ({@code gobinary}), process memory ({@code
 * process}) and {@code snapshot.AllgsLocator}; nothing of the correlator or OpenTelemetry.
 */
package dev.goroscope.sample;
