package dev.goroscope.sample;

import dev.goroscope.gobinary.offsets.OffsetKeys;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.util.List;
import java.util.Optional;

/**
 * Where the sampler reads {@code runtime.sudog} (a goroutine's place in a wait queue) and
 * {@code runtime.hchan}: from Go 1.26 {@code sudog.elem} and {@code sudog.c} are {@code
 * maybeTraceablePtr}s whose {@code vu} word holds the address.
 */
final class SudogLayout {

  final int g;
  final int next;
  final int prev;
  final int elem;
  final int c;
  final int isSelect;
  final int waitlink;
  final int window;

  final int qcount;
  final int dataqsiz;
  final int elemsize;
  final int closed;
  final int elemtype;
  final int recvqFirst;
  final int sendqFirst;
  final int hchanWindow;

  final int semaTreap;
  final int semaNwait;

  private SudogLayout(StructOffsets o) {
    g = off(o, OffsetKeys.SUDOG_G);
    next = off(o, OffsetKeys.SUDOG_NEXT);
    prev = off(o, OffsetKeys.SUDOG_PREV);
    elem = o.has(OffsetKeys.SUDOG_ELEM_VU) ? off(o, OffsetKeys.SUDOG_ELEM_VU)
        : off(o, OffsetKeys.SUDOG_ELEM);
    c = o.has(OffsetKeys.SUDOG_C_VU) ? off(o, OffsetKeys.SUDOG_C_VU) : off(o, OffsetKeys.SUDOG_C);
    isSelect = off(o, OffsetKeys.SUDOG_IS_SELECT);
    waitlink = off(o, OffsetKeys.SUDOG_WAITLINK);
    window = max(g, next, prev, elem, c, isSelect, waitlink) + 8;
    qcount = off(o, OffsetKeys.HCHAN_QCOUNT);
    dataqsiz = off(o, OffsetKeys.HCHAN_DATAQSIZ);
    elemsize = off(o, OffsetKeys.HCHAN_ELEMSIZE);
    closed = off(o, OffsetKeys.HCHAN_CLOSED);
    elemtype = off(o, OffsetKeys.HCHAN_ELEMTYPE);
    int first = off(o, OffsetKeys.WAITQ_FIRST);
    recvqFirst = off(o, OffsetKeys.HCHAN_RECVQ) + first;
    sendqFirst = off(o, OffsetKeys.HCHAN_SENDQ) + first;
    hchanWindow = max(qcount, dataqsiz, elemsize, closed, elemtype, recvqFirst, sendqFirst) + 8;
    semaTreap = o.get(OffsetKeys.SEMAROOT_TREAP).isPresent()
        ? (int) o.get(OffsetKeys.SEMAROOT_TREAP).getAsLong() : -1;
    semaNwait = o.get(OffsetKeys.SEMAROOT_NWAIT).isPresent()
        ? (int) o.get(OffsetKeys.SEMAROOT_NWAIT).getAsLong() : -1;
  }

  /** The layout, or empty with the offsets missing for channel state. */
  static Optional<SudogLayout> of(StructOffsets o, List<String> missing) {
    List<String> keys = List.of(OffsetKeys.SUDOG_G, OffsetKeys.SUDOG_NEXT, OffsetKeys.SUDOG_PREV,
        OffsetKeys.SUDOG_ELEM, OffsetKeys.SUDOG_C, OffsetKeys.SUDOG_IS_SELECT,
        OffsetKeys.SUDOG_WAITLINK, OffsetKeys.HCHAN_QCOUNT, OffsetKeys.HCHAN_DATAQSIZ,
        OffsetKeys.HCHAN_ELEMSIZE, OffsetKeys.HCHAN_CLOSED, OffsetKeys.HCHAN_ELEMTYPE,
        OffsetKeys.HCHAN_RECVQ, OffsetKeys.HCHAN_SENDQ, OffsetKeys.WAITQ_FIRST,
        OffsetKeys.G_WAITING);
    missing.addAll(o.missing(keys));
    if (o.goMinor() >= 26 && !(o.has(OffsetKeys.SUDOG_C_VU) && o.has(OffsetKeys.SUDOG_ELEM_VU))) {
      missing.add(OffsetKeys.SUDOG_C_VU);
    }
    return missing.isEmpty() ? Optional.of(new SudogLayout(o)) : Optional.empty();
  }

  private static int off(StructOffsets o, String key) {
    return (int) o.require(key);
  }

  private static int max(int... v) {
    int m = 0;
    for (int x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
