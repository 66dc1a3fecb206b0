package dev.goroscope.event;

import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvents;

/**
 * The kinds of {@link GoroutineMark}: something a goroutine did that becomes one event of it,
 * with raw words of payload from the kernel (two, or four and a stack). Each kind names its
 * record type code (the {@code goroscope_event_type} value the BPF program writes, shared with
 * {@code goroscope_events.h}), the event name, and how its payload turns into attributes.
 *
 * <p>Waits that last (a lock, a system call, a runnable goroutine waiting for a thread) are
 * written when they end, with their duration: their event is dated when they began
 * ({@link #eventTimeNs}), and their durations add up per goroutine ({@link #total}).
 *
 * <p>Adding a kind of event (see docs/architecture.md, "Adding an event kind"): a BPF program
 * that writes a {@code struct goroscope_goroutine_mark} (or {@code _mark_stack}) with a new type
 * code, a constant here, and a probe in the catalog. The decoder, the correlator, the record
 * contract and every output take it as it is.
 */
public enum MarkKind {

  /** deep: {@code runtime.chansend1} entry (a {@code c <- v} statement); a = the hchan. */
  CHANNEL_SEND(7, "channel.send", false) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      return channel(m.a(), m.b());
    }
  },
  /** deep: {@code runtime.chanrecv1}/{@code chanrecv2} entry ({@code <-c}); a = the hchan. */
  CHANNEL_RECEIVE(8, "channel.receive", false) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      return channel(m.a(), m.b());
    }
  },
  /**
   * {@code --probe mutex}: a contended lock acquired. a = the lock, b = wait ns, c = the goid
   * that released it last during the wait (0 = not seen), d = {@code goroscope_lock_kind}.
   */
  MUTEX_WAIT(10, GoroutineEvents.MUTEX_WAIT, true) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      Attrs.Builder a = Attrs.builder()
          .put(MUTEX_ADDRESS, m.a())
          .put(MUTEX_WAIT_NS, m.b())
          .put(MUTEX_KIND, lockKind(m.d()));
      if (m.c() > 0) {
        a.put(MUTEX_RELEASER_ID, m.c());
      }
      return site(a, symbols.site(m.site())).build();
    }

    @Override
    public long durationNs(MarkData m) {
      return m.b();
    }

    @Override
    public Attr<Long> total() {
      return GoroutineEvents.MUTEX_WAIT_TOTAL_NS;
    }

    @Override
    public long sites(GoroutineMark e, MarkSymbols symbols) {
      // the caller of Lock/RLock: the first frame outside sync and the runtime
      return pack(symbols.internSite(CallSites.first(e.stackView(), symbols,
          f -> !CallSites.inPackage(f, "sync") && !CallSites.inPackage(f, "internal/sync")
              && !CallSites.inPackage(f, "runtime"))), 0);
    }
  },
  /**
   * {@code --probe syscall}: a system call that lasted at least the threshold. a = ns in the
   * call, b = 1 when the goroutine is locked to its thread.
   */
  SYSCALL(11, GoroutineEvents.SYSCALL, true) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      Attrs.Builder a = Attrs.builder().put(SYSCALL_DURATION_NS, m.a());
      CodeLocation call = symbols.site(m.site());
      if (call.isKnown()) {
        a.put(SYSCALL_FUNCTION, call.function());
      }
      if ((m.b() & 1) != 0) {
        a.put(GoroutineEvents.LOCKED_TO_THREAD, true);
      }
      CodeLocation user = symbols.site(m.site2());
      return site(a, user.isKnown() ? user : call).build();
    }

    @Override
    public long durationNs(MarkData m) {
      return m.a();
    }

    @Override
    public Attr<Long> total() {
      return GoroutineEvents.SYSCALL_TOTAL_NS;
    }

    @Override
    public boolean lockedToThread(MarkData m) {
      return (m.b() & 1) != 0;
    }

    @Override
    public long sites(GoroutineMark e, MarkSymbols symbols) {
      long[] stack = e.stackView();
      // the call itself (syscall.read, syscall.Nanosleep …), then where the program made it
      int call = symbols.internSite(CallSites.first(stack, symbols, CallSites::namesSyscall));
      int user = symbols.internSite(CallSites.first(stack, symbols, symbols::userCode));
      return pack(call, user);
    }
  },
  /**
   * {@code --probe sched}: a goroutine started running. a = ns it was runnable, b = its status
   * before it became runnable.
   */
  SCHED_DELAY(12, GoroutineEvents.SCHED_DELAY, false) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      return Attrs.builder().put(SCHED_DELAY_NS, m.a())
          .put(SCHED_FROM_STATE, fromState(m.b())).build();
    }

    @Override
    public long durationNs(MarkData m) {
      return m.a();
    }

    @Override
    public Attr<Long> total() {
      return GoroutineEvents.SCHED_DELAY_TOTAL_NS;
    }
  },
  /** {@code --probe syscall}: {@code runtime.LockOSThread}; a = its return address. */
  LOCK_OS_THREAD(13, GoroutineEvents.LOCK_OS_THREAD, false) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      return site(Attrs.builder(), symbols.location(m.a())).build();
    }

    @Override
    public boolean lockedToThread(MarkData m) {
      return true;
    }
  },
  /**
   * A stop-the-world stopped this goroutine while it ran (made by the correlator from a
   * {@link StwPause}, not by BPF): dated when the stop began; a = the pause's ns, b = its
   * stwReason, c = the goid that stopped the world.
   */
  STW_RUNNING(14, GoroutineEvents.STW, false) {
    @Override
    public Attrs attributes(MarkData m, MarkSymbols symbols) {
      Attrs.Builder a = Attrs.builder().put(STW_DURATION_NS, m.a())
          .put(STW_REASON, StwReasons.name((int) m.b()));
      if (m.c() > 0) {
        a.put(STW_STOPPER_ID, m.c());
      }
      return a.build();
    }

    @Override
    public long durationNs(MarkData m) {
      return m.a();
    }

    @Override
    public long eventTimeNs(MarkData m) {
      return m.timestampNs(); // already the start
    }

    @Override
    public Attr<Long> total() {
      return GoroutineEvents.STW_TOTAL_NS;
    }
  };

  /** The channel's address, {@code 0x…}. */
  public static final Attr<Long> CHANNEL_ADDRESS = Attr.address("channel.address", "address");
  /** Buffer capacity ({@code hchan.dataqsiz}) when the operation started. */
  public static final Attr<Long> CHANNEL_CAPACITY = Attr.integer("channel.capacity", "capacity");
  /** Elements buffered ({@code hchan.qcount}) when the operation started. */
  public static final Attr<Long> CHANNEL_LENGTH = Attr.integer("channel.length", "length");
  /** The lock's address ({@code *sync.Mutex} or {@code *sync.RWMutex}), {@code 0x…}. */
  public static final Attr<Long> MUTEX_ADDRESS = GoroutineEvents.MUTEX_ADDRESS;
  /** How long the goroutine waited for the lock, ns. */
  public static final Attr<Long> MUTEX_WAIT_NS = GoroutineEvents.MUTEX_WAIT_NS;
  /** {@code mutex}, {@code rwmutex.read} or {@code rwmutex.write}. */
  public static final Attr<String> MUTEX_KIND = GoroutineEvents.MUTEX_KIND;
  /** The goroutine that released the lock last while this one waited. */
  public static final Attr<Long> MUTEX_RELEASER_ID = GoroutineEvents.MUTEX_RELEASER_ID;
  /** Time in the system call, ns. */
  public static final Attr<Long> SYSCALL_DURATION_NS = GoroutineEvents.SYSCALL_DURATION_NS;
  /** The function that made the call, e.g. {@code syscall.read}. */
  public static final Attr<String> SYSCALL_FUNCTION = GoroutineEvents.SYSCALL_FUNCTION;
  /** Time the goroutine was runnable before it ran, ns. */
  public static final Attr<Long> SCHED_DELAY_NS = GoroutineEvents.SCHED_DELAY_NS;
  /** What it was before it became runnable. */
  public static final Attr<String> SCHED_FROM_STATE = GoroutineEvents.SCHED_FROM_STATE;
  /** How long the world was stopped, ns. */
  public static final Attr<Long> STW_DURATION_NS = GoroutineEvents.STW_DURATION_NS;
  /** Why, as the runtime says it. */
  public static final Attr<String> STW_REASON = GoroutineEvents.STW_REASON;
  /** The goroutine that stopped the world. */
  public static final Attr<Long> STW_STOPPER_ID = GoroutineEvents.STW_STOPPER_ID;
  /** The call site in the program: function, file, line. */
  public static final Attr<String> SITE_FUNCTION = GoroutineEvents.SITE_FUNCTION;
  public static final Attr<String> SITE_FILE = GoroutineEvents.SITE_FILE;
  public static final Attr<Long> SITE_LINE = GoroutineEvents.SITE_LINE;

  private static final MarkKind[] BY_CODE;

  static {
    int max = 0;
    for (MarkKind k : values()) {
      max = Math.max(max, k.code);
    }
    BY_CODE = new MarkKind[max + 1];
    for (MarkKind k : values()) {
      BY_CODE[k.code] = k;
    }
  }

  private final int code;
  private final String eventName;
  private final boolean hasStack;

  MarkKind(int code, String eventName, boolean hasStack) {
    this.code = code;
    this.eventName = eventName;
    this.hasStack = hasStack;
  }

  /** The record type code in {@code goroscope_events.h}. */
  public int code() {
    return code;
  }

  /** The event name, e.g. {@code channel.send}. */
  public String eventName() {
    return eventName;
  }

  /** Written as {@code struct goroscope_goroutine_mark_stack} (four words and a stack). */
  public boolean hasStack() {
    return hasStack;
  }

  /** The attributes of one mark of this kind. */
  public abstract Attrs attributes(MarkData m, MarkSymbols symbols);

  /** How long the mark's wait lasted, ns, or 0 for an instant. */
  public long durationNs(MarkData m) {
    return 0;
  }

  /** When the event happened: for waits, when they began (written when they end). */
  public long eventTimeNs(MarkData m) {
    return m.timestampNs() - durationNs(m);
  }

  /** The goroutine attribute this kind's durations add up in, or null. */
  public Attr<Long> total() {
    return null;
  }

  /** Whether the mark says its goroutine is locked to its thread. */
  public boolean lockedToThread(MarkData m) {
    return false;
  }

  /**
   * Call sites picked from the mark's stack when it arrives, as ids of {@code symbols}: the
   * first in the high 32 bits, the second in the low ones (0 = none).
   */
  public long sites(GoroutineMark e, MarkSymbols symbols) {
    return 0;
  }

  /** The kind written with record type {@code code}, or null. */
  public static MarkKind forCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Two site ids in one word, as {@link #sites} returns them. */
  public static long pack(int site, int site2) {
    return (long) site << 32 | (site2 & 0xffff_ffffL);
  }

  /** b packs the channel's dataqsiz (high 32 bits) and qcount (low 32 bits). */
  private static Attrs channel(long hchan, long b) {
    return Attrs.of(CHANNEL_ADDRESS, hchan, CHANNEL_CAPACITY, b >>> 32,
        CHANNEL_LENGTH, b & 0xffff_ffffL);
  }

  private static Attrs.Builder site(Attrs.Builder a, CodeLocation site) {
    if (site.isKnown()) {
      a.put(SITE_FUNCTION, site.function());
      if (!site.file().isEmpty()) {
        a.put(SITE_FILE, site.file());
      }
      if (site.line() > 0) {
        a.put(SITE_LINE, (long) site.line());
      }
    }
    return a;
  }

  private static String lockKind(long d) {
    return switch ((int) d) {
      case 1 -> "rwmutex.read";
      case 2 -> "rwmutex.write";
      default -> "mutex";
    };
  }

  private static String fromState(long status) {
    return switch ((int) status) {
      case 0 -> "idle";
      case 2 -> "running";
      case 3 -> "syscall";
      case 4 -> "waiting";
      case 6 -> "new";
      case 9 -> "preempted";
      default -> "status " + status;
    };
  }
}
