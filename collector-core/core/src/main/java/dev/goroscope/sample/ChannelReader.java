package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The channels of goroutines blocked on them, from {@code g.waiting}: the goroutine's sudogs
 * (one for a send or receive; one per case of a select, chained by {@code waitlink}), each
 * naming its {@code hchan}; the channel's buffer state; and its wait queues ({@code recvq},
 * {@code sendq}, linked by {@code sudog.next}) walked to count the waiting senders and
 * receivers and to tell which way each goroutine waits.
 *
 * <p>Queues are walked over the sudogs already read from the goroutines' own lists (one
 * batched read), reading only sudogs nobody's list led to. Everything is checked: a sudog must
 * point back at its goroutine, a channel's numbers must be possible ({@code qcount ≤ dataqsiz},
 * {@code closed} 0 or 1), a walk ends or is marked incomplete; what fails is left out and
 * counted, never reported.
 */
final class ChannelReader {

  /** A select has at most 65536 cases; more than this per goroutine is not followed. */
  static final int MAX_CASES = 4096;
  /** Read rounds for sudogs no goroutine list led to (queue members not sampled). */
  static final int MAX_QUEUE_ROUNDS = 64;

  private static final long SEND = 1;
  private static final long RECEIVE = 2;

  private final ProcessMemory memory;
  private final ReadBatch batch;
  private final SudogLayout l;
  private final TypeNames types;
  private final long bias;

  ChannelReader(ProcessMemory memory, ReadBatch batch, SudogLayout layout, TypeNames types,
      long bias) {
    this.memory = memory;
    this.batch = batch;
    this.l = layout;
    this.types = types;
    this.bias = bias;
  }

  /**
   * True for the wait reasons of channel operations ({@code chan send}, {@code chan receive},
   * {@code select}, with their synctest/durable variants): then {@code g.waiting} lists the
   * goroutine's channel sudogs. (From Go 1.26 semaphore and sync.Cond waits set {@code
   * g.waiting} too, to other structures.)
   */
  static boolean isChannelWait(String reason) {
    return (reason.startsWith("chan send") || reason.startsWith("chan receive")
        || reason.startsWith("select")) && !reason.endsWith("(nil chan)")
        && !reason.equals("select (no cases)");
  }

  /**
   * Sets {@code channels} of each of {@code waiters} (waiting on a channel operation with a
   * sudog list); returns how many could not be read consistently.
   */
  int read(List<Pending> waiters) {
    // 1. every goroutine's sudog list, round by round along waitlink
    List<Pending> owners = new ArrayList<>();
    long[] addrs = new long[16];
    int n = 0;
    for (Pending p : waiters) {
      if (p.waiting != 0) {
        if (n == addrs.length) {
          addrs = java.util.Arrays.copyOf(addrs, n * 2);
        }
        owners.add(p);
        addrs[n++] = p.waiting;
      }
    }
    if (n == 0) {
      return 0;
    }
    LongLongMap next = new LongLongMap(n * 2);
    boolean[] bad = new boolean[n];
    int[] ownerOf = new int[n];
    for (int i = 0; i < n; i++) {
      ownerOf[i] = i;
    }
    int[] cases = new int[n];
    int count = n;
    for (int round = 0; count > 0 && round < MAX_CASES; round++) {
      long[] nextAddrs = new long[Math.min(count, 1024)];
      int[] nextOwner = new int[nextAddrs.length];
      int[] nn = {0};
      final long[] a = addrs;
      final int[] o = ownerOf;
      final long[][] na = {nextAddrs};
      final int[][] no = {nextOwner};
      Batches.readAll(memory, batch, count, new Batches.Requests() {
        @Override
        public long address(int k) {
          return a[k];
        }

        @Override
        public int length(int k) {
          return l.window;
        }

        @Override
        public void read(int k, ReadBatch b, int q) {
          int owner = o[k];
          Pending p = owners.get(owner);
          if (bad[owner]) {
            return;
          }
          if (!b.ok(q) || b.u64(q, l.g) != p.gp || b.u64(q, l.c) == 0) {
            bad[owner] = true; // changed since: the goroutine was woken meanwhile
            return;
          }
          long c = b.u64(q, l.c);
          p.addSudog(a[k], c);
          next.put(a[k], b.u64(q, l.next) == 0 ? -1 : b.u64(q, l.next));
          long link = b.u64(q, l.waitlink);
          if (link != 0 && ++cases[owner] < MAX_CASES) {
            if (nn[0] == na[0].length) {
              na[0] = java.util.Arrays.copyOf(na[0], nn[0] * 2);
              no[0] = java.util.Arrays.copyOf(no[0], nn[0] * 2);
            }
            na[0][nn[0]] = link;
            no[0][nn[0]++] = owner;
          }
        }
      });
      addrs = na[0];
      ownerOf = no[0];
      count = nn[0];
    }

    // 2. the channels, each read once
    LongLongMap channelIndex = new LongLongMap(n);
    List<long[]> channels = new ArrayList<>(); // address, qcount, dataqsiz, elemsize, closed,
    // elemtype, recvq.first, sendq.first, valid
    for (int i = 0; i < n; i++) {
      Pending p = owners.get(i);
      if (bad[i] || p.sudogs == null) {
        continue;
      }
      for (long[] s : p.sudogs) {
        if (channelIndex.putIfAbsent(s[1], channels.size())) {
          channels.add(new long[] {s[1], 0, 0, 0, 0, 0, 0, 0, 0});
        }
      }
    }
    Batches.readAll(memory, batch, channels.size(), new Batches.Requests() {
      @Override
      public long address(int k) {
        return channels.get(k)[0];
      }

      @Override
      public int length(int k) {
        return l.hchanWindow;
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        if (!b.ok(q)) {
          return;
        }
        long[] ch = channels.get(k);
        ch[1] = b.u64(q, l.qcount);
        ch[2] = b.u64(q, l.dataqsiz);
        ch[3] = b.u16(q, l.elemsize);
        ch[4] = Integer.toUnsignedLong(b.u32(q, l.closed));
        ch[5] = b.u64(q, l.elemtype);
        ch[6] = b.u64(q, l.recvqFirst);
        ch[7] = b.u64(q, l.sendqFirst);
        boolean plausible = ch[2] >= 0 && ch[2] < (1L << 40) && ch[1] >= 0 && ch[1] <= ch[2]
            && (ch[4] == 0 || ch[4] == 1) && ch[5] != 0;
        ch[8] = plausible ? 1 : 0;
      }
    });

    // 3. the wait queues, over the sudogs known, reading the others in rounds
    LongLongMap direction = new LongLongMap(n * 2);
    int[] senders = new int[channels.size()];
    int[] receivers = new int[channels.size()];
    boolean[] complete = new boolean[channels.size()];
    long limit = 4L * (next.size() + 1024);
    QueueWalk walk = new QueueWalk(next);
    for (int k = 0; k < channels.size(); k++) {
      long[] ch = channels.get(k);
      if (ch[8] == 0) {
        continue;
      }
      walk.add(k, ch[6], RECEIVE);
      walk.add(k, ch[7], SEND);
    }
    boolean[] incomplete = walk.run(limit, direction, senders, receivers);
    for (int k = 0; k < channels.size(); k++) {
      complete[k] = !incomplete[k];
    }

    // 4. what each goroutine waits on
    int failed = 0;
    ChannelState[] states = new ChannelState[channels.size()];
    for (int i = 0; i < n; i++) {
      Pending p = owners.get(i);
      if (bad[i] || p.sudogs == null) {
        failed++;
        p.sudogs = null;
        continue;
      }
      List<ChannelWait> waits = new ArrayList<>(p.sudogs.size());
      boolean ok = true;
      for (long[] s : p.sudogs) {
        int k = (int) channelIndex.get(s[1], -1);
        long[] ch = channels.get(k);
        if (ch[8] == 0) {
          ok = false;
          break;
        }
        if (states[k] == null) {
          states[k] = new ChannelState(ch[0], types.name(ch[5] - bias), (int) ch[3], ch[2],
              ch[1], ch[4] == 1, senders[k], receivers[k], complete[k]);
        }
        long d = direction.get(s[0], 0);
        waits.add(new ChannelWait(states[k], d == SEND ? ChannelWait.Direction.SEND
            : d == RECEIVE ? ChannelWait.Direction.RECEIVE : ChannelWait.Direction.UNKNOWN));
      }
      if (ok) {
        p.channels = waits;
      } else {
        failed++;
      }
      p.sudogs = null;
    }
    return failed;
  }

  /**
   * Walks many queues at once: each step follows {@code next} through the sudogs known; a
   * sudog not known yet is read with the others of its round.
   */
  private final class QueueWalk {
    private final LongLongMap next;
    private final List<long[]> walks = new ArrayList<>(); // channel, current, direction, steps

    QueueWalk(LongLongMap next) {
      this.next = next;
    }

    void add(int channel, long first, long dir) {
      if (first != 0) {
        walks.add(new long[] {channel, first, dir, 0});
      }
    }

    /** Counts into {@code senders}/{@code receivers}; returns which channels' walks failed. */
    boolean[] run(long limit, LongLongMap direction, int[] senders, int[] receivers) {
      boolean[] inc = new boolean[senders.length];
      List<long[]> active = walks;
      for (int round = 0; !active.isEmpty(); round++) {
        List<long[]> waiting = new ArrayList<>();
        for (long[] w : active) {
          while (w[1] != 0) {
            long nx = next.get(w[1], 0);
            if (nx == 0) {
              waiting.add(w); // not read yet
              break;
            }
            direction.put(w[1], w[2]);
            if (w[2] == SEND) {
              senders[(int) w[0]]++;
            } else {
              receivers[(int) w[0]]++;
            }
            w[1] = nx == -1 ? 0 : nx;
            if (++w[3] > limit) {
              inc[(int) w[0]] = true; // a loop: the queue changed while walked
              w[1] = 0;
            }
          }
        }
        if (waiting.isEmpty()) {
          break;
        }
        if (round >= MAX_QUEUE_ROUNDS) {
          for (long[] w : waiting) {
            inc[(int) w[0]] = true;
          }
          break;
        }
        Batches.readAll(memory, batch, waiting.size(), new Batches.Requests() {
          @Override
          public long address(int k) {
            return waiting.get(k)[1];
          }

          @Override
          public int length(int k) {
            return l.window;
          }

          @Override
          public void read(int k, ReadBatch b, int q) {
            long[] w = waiting.get(k);
            if (!b.ok(q)) {
              inc[(int) w[0]] = true;
              w[1] = 0;
              return;
            }
            long nx = b.u64(q, l.next);
            next.put(w[1], nx == 0 ? -1 : nx);
          }
        });
        active = new ArrayList<>();
        for (long[] w : waiting) {
          if (w[1] != 0) {
            active.add(w);
          }
        }
      }
      return inc;
    }
  }
}
