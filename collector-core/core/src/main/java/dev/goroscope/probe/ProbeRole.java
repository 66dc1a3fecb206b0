package dev.goroscope.probe;

/** What a probe observes. */
public enum ProbeRole {
  /** A goroutine is created (child, parent, gopc, start PC). */
  GOROUTINE_CREATE,
  /** A goroutine exits. */
  GOROUTINE_EXIT,
  /** A context with a deadline is created. */
  CONTEXT_DEADLINE_SET,
  /** A context is cancelled (by its deadline or its cancel function). */
  CONTEXT_CANCEL,
  /** A goroutine parks. */
  GOROUTINE_PARK,
  /** A goroutine is made runnable by another. */
  GOROUTINE_READY,
  /** A channel send statement ({@code c <- v}). */
  CHANNEL_SEND,
  /** A channel receive ({@code <-c}). */
  CHANNEL_RECEIVE,
  /** A channel receive with the ok result ({@code v, ok := <-c}). */
  CHANNEL_RECEIVE_OK,
  /** The world begins to stop (reason, stopper, goroutines running). */
  STW_STOP,
  /** The world runs again (the pause is written). */
  STW_START,
  /** A sync.Mutex acquisition takes the slow path (contended). */
  MUTEX_LOCK,
  /** That acquisition succeeded. */
  MUTEX_LOCK_DONE,
  /** A contended sync.Mutex is unlocked (a waiter may go). */
  MUTEX_UNLOCK,
  /** An RWMutex reader starts waiting for a writer. */
  RWMUTEX_RLOCK_WAIT,
  /** That reader's wait is over. */
  RWMUTEX_RLOCK_DONE,
  /** An RWMutex writer starts waiting for the readers to leave. */
  RWMUTEX_LOCK_WAIT,
  /** That writer's wait is over. */
  RWMUTEX_LOCK_DONE,
  /** The last reader leaves while a writer waits. */
  RWMUTEX_RUNLOCK,
  /** A writer unlocks an RWMutex (waiting readers may go). */
  RWMUTEX_UNLOCK,
  /** A goroutine enters a system call. */
  SYSCALL_ENTER,
  /** A goroutine enters a system call known to block (the P is handed off at once). */
  SYSCALL_ENTER_BLOCK,
  /** A goroutine leaves a system call. */
  SYSCALL_EXIT,
  /** A goroutine locks itself to its thread (runtime.LockOSThread). */
  THREAD_LOCK,
  /** A goroutine's status changes (runnable, running, …). */
  STATUS_CHANGE,
  /** The application starts an OpenTelemetry span (recording or not). */
  APP_SPAN_START,
  /** The application ends a recording span. */
  APP_SPAN_END,
  /** The application ends a span its sampler dropped (a non-recording one). */
  APP_SPAN_END_UNSAMPLED
}
