package dev.goroscope.sample;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.process.ReadBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The channels of goroutines blocked on them, from {@code g.waiting}: the goroutine's sudogs
 * (one for a send or receive; one per case of a select, chained by {@code waitlink}), each
 * naming its {@code hchan}; each channel's buffer state ({@code qcount}, {@code dataqsiz},
 * {@code closed}, element type); and which of its wait queues ({@code sendq}/{@code recvq})
 * each goroutine is in — from the wait reason for a plain send or receive, by walking the
 * queues (linked by {@code sudog.next}) for the cases of a select.
 *
 * <p>The waiters of a channel are the goroutines of the sample found in its queues. A sudog
 * stays on its queue while its goroutine stays parked, so for goroutines parked where they
 * were at the last sample ({@link Pending#unchanged}) the sudogs, channels and directions kept
 * from then are reused and only the channels are read again. Everything read is checked: a
 * sudog must point back at its goroutine and name a channel; a channel's numbers must be
 * possible ({@code qcount ≤ dataqsiz}, {@code closed} 0 or 1, an element type); a walk ends or
 * is cut. What fails is left out and counted, never reported.
 */
final class ChannelReader {

  /** A select has at most 65536 cases; more than this per goroutine is not followed. */
  static final int MAX_CASES = 4096;
  /** Read rounds for queue members no sampled goroutine led to. */
  static final int MAX_QUEUE_ROUNDS = 64;

  private final ProcessMemory memory;
  private final ReadBatch batch;
  private final SudogLayout l;
  private final TypeNames types;
  private final long bias;
  /** The last sample's channels and states, to hand out equal states as one instance. */
  private LongLongMap lastIndex = new LongLongMap(16);
  private ChannelState[] lastStates = new ChannelState[0];

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
   * The sample's channel states: {@code states[p.chanIndex[k]]} for wait {@code k} of waiter
   * p (indices are slots of the reader's channel table, stable across samples).
   */
  record Result(ChannelState[] states, int failed) {}

  /**
   * Reads the channel waits of {@code waiters} (each waiting on a channel operation with a
   * sudog list); {@code reasons[i]} is waiter i's wait reason. A waiter whose {@code chanIndex}
   * is set kept it from the last sample ({@link #version()} unchanged).
   */
  Result read(List<Pending> waiters, List<String> reasons) {
    readSudogLists(waiters, reasons);
    epoch++;
    if (slots > 65536 && slots > 4 * lastUsed) {
      clearTable(); // channels of goroutines long gone: start over
    }
    ensureSlots(slots + 16);
    int[] used = new int[Math.max(16, lastUsed + 16)];
    int nUsed = 0;
    boolean unknown = false;
    for (Pending p : waiters) {
      if (p.channelsFailed) {
        continue;
      }
      if (p.chanIndex == null || p.chanVersion != version) {
        p.chanIndex = new int[p.chans.length];
        for (int k = 0; k < p.chans.length; k++) {
          p.chanIndex[k] = slotOf(p.chans[k]);
        }
        p.chanVersion = version;
      }
      for (int k = 0; k < p.chans.length; k++) {
        int c = p.chanIndex[k];
        if (slotEpoch[c] != epoch) {
          // read last sample too (and not found inconsistent): may keep its state, see below
          keep[c] = slotEpoch[c] == epoch - 1 && hchan[c] != null;
          slotEpoch[c] = epoch;
          senders[c] = 0;
          receivers[c] = 0;
          incomplete[c] = false;
          if (nUsed == used.length) {
            used = Arrays.copyOf(used, nUsed * 2);
          }
          used[nUsed++] = c;
        }
        keep[c] &= p.unchanged;
        unknown |= p.dirs[k] == Pending.UNKNOWN;
      }
    }
    lastUsed = nUsed;
    // A channel whose queued goroutines all stayed parked has not changed: Go never leaves a
    // waiter queued across a send, receive or close that concerns it (a receiver waits only
    // on an empty buffer, a sender only on a full one, close wakes all), so its buffer and
    // closed flag are as read last time. Only the others are read again.
    if (reread.length < nUsed) {
      reread = new int[Math.max(nUsed, reread.length * 2)];
    }
    int toRead = 0;
    for (int u = 0; u < nUsed; u++) {
      int c = used[u];
      if (!keep[c]) {
        hchan[c] = null;
        reread[toRead++] = c;
      }
    }
    readChannels(reread, toRead);
    if (unknown) {
      walkUnknownDirections(waiters);
    }
    int failed = 0;
    for (Pending p : waiters) {
      if (p.channelsFailed) {
        failed++;
        continue;
      }
      int[] ci = p.chanIndex;
      boolean ok = true;
      for (int k = 0; k < ci.length; k++) {
        ok &= hchan[ci[k]] != null;
      }
      if (!ok) {
        p.channelsFailed = true; // a channel did not read as a channel
        failed++;
        continue;
      }
      for (int k = 0; k < ci.length; k++) {
        int c = ci[k];
        byte d = p.dirs[k];
        if (d == Pending.SEND) {
          senders[c]++;
        } else if (d == Pending.RECEIVE) {
          receivers[c]++;
        } else {
          incomplete[c] = true;
        }
      }
    }
    for (int u = 0; u < nUsed; u++) {
      int c = used[u];
      long[] h = hchan[c];
      if (h == null) {
        state[c] = null;
        continue;
      }
      ChannelState last = state[c];
      String elemType = last != null && last.elemSize() == h[2] ? last.elemType()
          : types.name(h[4] - bias);
      if (last == null || last.length() != h[0] || last.capacity() != h[1]
          || last.closed() != (h[3] == 1) || last.waitingSenders() != senders[c]
          || last.waitingReceivers() != receivers[c] || last.queuesComplete() == incomplete[c]
          || last.elemSize() != h[2]) {
        state[c] = new ChannelState(slotAddr[c], elemType, (int) h[2], h[1], h[0], h[3] == 1,
            senders[c], receivers[c], !incomplete[c]);
      }
    }
    return new Result(state, failed);
  }

  /** Changes whenever slot numbers are reassigned: cached {@code chanIndex} arrays expire. */
  int version() {
    return version;
  }

  // The channel table: a slot per channel address, kept across samples.
  private LongLongMap slotIndex = new LongLongMap(1024);
  private int slots;
  private int lastUsed;
  private int epoch;
  private int version;
  private long[] slotAddr = new long[0];
  private int[] slotEpoch = new int[0];
  private int[] senders = new int[0];
  private int[] receivers = new int[0];
  private boolean[] incomplete = new boolean[0];
  private boolean[] keep = new boolean[0];
  private int[] reread = new int[0];
  private long[][] hchan = new long[0][];
  private ChannelState[] state = new ChannelState[0];

  private int slotOf(long chan) {
    int s = (int) slotIndex.get(chan, -1);
    if (s < 0) {
      s = slots++;
      ensureSlots(slots);
      slotIndex.put(chan, s);
      slotAddr[s] = chan;
      slotEpoch[s] = 0;
      state[s] = null;
      hchan[s] = null;
    }
    return s;
  }

  private void ensureSlots(int n) {
    if (n <= slotAddr.length) {
      return;
    }
    int c = Math.max(n, slotAddr.length * 2);
    slotAddr = Arrays.copyOf(slotAddr, c);
    slotEpoch = Arrays.copyOf(slotEpoch, c);
    senders = Arrays.copyOf(senders, c);
    receivers = Arrays.copyOf(receivers, c);
    incomplete = Arrays.copyOf(incomplete, c);
    keep = Arrays.copyOf(keep, c);
    hchan = Arrays.copyOf(hchan, c);
    state = Arrays.copyOf(state, c);
  }

  private void clearTable() {
    slotIndex = new LongLongMap(1024);
    slots = 0;
    version++;
    Arrays.fill(state, null);
    Arrays.fill(hchan, null);
    Arrays.fill(slotEpoch, 0);
  }

  /** Reads the sudog lists of the goroutines that moved since the last sample. */
  private void readSudogLists(List<Pending> waiters, List<String> reasons) {
    List<Pending> owners = new ArrayList<>();
    List<byte[]> plain = new ArrayList<>();
    for (int i = 0; i < waiters.size(); i++) {
      Pending p = waiters.get(i);
      if (p.sudogs != null) {
        continue; // kept from the last sample
      }
      owners.add(p);
      String r = reasons.get(i);
      byte dir = r.startsWith("chan send") ? Pending.SEND
          : r.startsWith("chan receive") ? Pending.RECEIVE : Pending.UNKNOWN;
      plain.add(new byte[] {dir});
    }
    int n = owners.size();
    if (n == 0) {
      return;
    }
    long[][] sg = new long[n][];
    long[][] ch = new long[n][];
    int[] count = new int[n];
    long[] addrs = new long[n];
    int[] ownerOf = new int[n];
    for (int i = 0; i < n; i++) {
      addrs[i] = owners.get(i).waiting;
      ownerOf[i] = i;
      sg[i] = new long[1];
      ch[i] = new long[1];
    }
    int frontier = n;
    for (int round = 0; frontier > 0 && round < MAX_CASES; round++) {
      final long[] a = addrs;
      final int[] o = ownerOf;
      long[][] next = {new long[Math.max(16, frontier / 4)]};
      int[][] nextOwner = {new int[next[0].length]};
      int[] nn = {0};
      Batches.readAll(memory, batch, frontier, new Batches.Requests() {
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
          int w = o[k];
          Pending p = owners.get(w);
          if (p.channelsFailed) {
            return;
          }
          if (!b.ok(q) || b.u64(q, l.g) != p.gp || b.u64(q, l.c) == 0) {
            p.channelsFailed = true; // changed since: the goroutine was woken meanwhile
            return;
          }
          if (count[w] == sg[w].length) {
            sg[w] = Arrays.copyOf(sg[w], count[w] * 2);
            ch[w] = Arrays.copyOf(ch[w], count[w] * 2);
          }
          sg[w][count[w]] = a[k];
          ch[w][count[w]] = b.u64(q, l.c);
          count[w]++;
          long link = b.u64(q, l.waitlink);
          if (link != 0 && count[w] < MAX_CASES) {
            if (nn[0] == next[0].length) {
              next[0] = Arrays.copyOf(next[0], nn[0] * 2);
              nextOwner[0] = Arrays.copyOf(nextOwner[0], nn[0] * 2);
            }
            next[0][nn[0]] = link;
            nextOwner[0][nn[0]++] = w;
          }
        }
      });
      addrs = next[0];
      ownerOf = nextOwner[0];
      frontier = nn[0];
    }
    for (int w = 0; w < n; w++) {
      Pending p = owners.get(w);
      if (p.channelsFailed) {
        continue;
      }
      p.sudogs = Arrays.copyOf(sg[w], count[w]);
      p.chans = Arrays.copyOf(ch[w], count[w]);
      p.dirs = new byte[count[w]];
      Arrays.fill(p.dirs, plain.get(w)[0]);
    }
  }

  /** Reads {@code hchan[slot]} = {qcount, dataqsiz, elemsize, closed, elemtype, recvq, sendq}. */
  private void readChannels(int[] used, int n) {
    Batches.readAll(memory, batch, n, new Batches.Requests() {
      @Override
      public long address(int k) {
        return slotAddr[used[k]];
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
        long qcount = b.u64(q, l.qcount);
        long dataqsiz = b.u64(q, l.dataqsiz);
        long closed = Integer.toUnsignedLong(b.u32(q, l.closed));
        long elemtype = b.u64(q, l.elemtype);
        if (dataqsiz < 0 || dataqsiz >= (1L << 40) || qcount < 0 || qcount > dataqsiz
            || closed > 1 || elemtype == 0) {
          return; // not a channel as read: it changed, or the sudog lied
        }
        hchan[used[k]] = new long[] {qcount, dataqsiz, b.u16(q, l.elemsize), closed, elemtype,
            b.u64(q, l.recvqFirst), b.u64(q, l.sendqFirst)};
      }
    });
  }

  /**
   * Select cases do not say which way they wait: walk the queues of the channels that have
   * such waiters, over the sudogs of every sampled goroutine on those channels (read now for
   * their {@code next}), reading members no goroutine led to in a few more rounds.
   */
  private void walkUnknownDirections(List<Pending> waiters) {
    boolean[] walk = new boolean[slots];
    boolean any = false;
    for (Pending p : waiters) {
      if (p.channelsFailed) {
        continue;
      }
      for (int k = 0; k < p.dirs.length; k++) {
        if (p.dirs[k] == Pending.UNKNOWN && hchan[p.chanIndex[k]] != null) {
          walk[p.chanIndex[k]] = true;
          any = true;
        }
      }
    }
    if (!any) {
      return;
    }
    // the sudogs of those channels, with where each lives (pending, index)
    LongLongMap where = new LongLongMap(64);
    List<Pending> owners = new ArrayList<>();
    for (Pending p : waiters) {
      if (p.channelsFailed) {
        continue;
      }
      for (int k = 0; k < p.chans.length; k++) {
        if (walk[p.chanIndex[k]]) {
          where.put(p.sudogs[k], ((long) owners.size() << 16) | k);
        }
      }
      owners.add(p);
    }
    LongLongMap next = new LongLongMap(where.size());
    long[] members = where.keys();
    Batches.readAll(memory, batch, members.length, new Batches.Requests() {
      @Override
      public long address(int k) {
        return members[k];
      }

      @Override
      public int length(int k) {
        return l.window;
      }

      @Override
      public void read(int k, ReadBatch b, int q) {
        if (b.ok(q)) {
          long nx = b.u64(q, l.next);
          next.put(members[k], nx == 0 ? -1 : nx);
        }
      }
    });
    // walk: (current sudog, direction) per queue, reading unknown members in rounds
    List<long[]> active = new ArrayList<>();
    for (int c = 0; c < slots; c++) {
      if (walk[c]) {
        long[] h = hchan[c];
        if (h[5] != 0) {
          active.add(new long[] {h[5], Pending.RECEIVE, 0});
        }
        if (h[6] != 0) {
          active.add(new long[] {h[6], Pending.SEND, 0});
        }
      }
    }
    long limit = 4L * (members.length + 1024);
    for (int round = 0; !active.isEmpty() && round <= MAX_QUEUE_ROUNDS; round++) {
      List<long[]> blocked = new ArrayList<>();
      for (long[] w : active) {
        while (w[0] != 0 && w[2] < limit) {
          long nx = next.get(w[0], 0);
          if (nx == 0) {
            blocked.add(w); // a member not read yet
            break;
          }
          long at = where.get(w[0], -1);
          if (at >= 0) {
            Pending p = owners.get((int) (at >>> 16));
            p.dirs[(int) (at & 0xffff)] = (byte) w[1];
          }
          w[0] = nx == -1 ? 0 : nx;
          w[2]++;
        }
      }
      if (blocked.isEmpty() || round == MAX_QUEUE_ROUNDS) {
        break;
      }
      Batches.readAll(memory, batch, blocked.size(), new Batches.Requests() {
        @Override
        public long address(int k) {
          return blocked.get(k)[0];
        }

        @Override
        public int length(int k) {
          return l.window;
        }

        @Override
        public void read(int k, ReadBatch b, int q) {
          long[] w = blocked.get(k);
          if (!b.ok(q)) {
            w[0] = 0; // the queue changed under the walk: stop it
            return;
          }
          long nx = b.u64(q, l.next);
          next.put(w[0], nx == 0 ? -1 : nx);
        }
      });
      active = blocked;
    }
  }
}
