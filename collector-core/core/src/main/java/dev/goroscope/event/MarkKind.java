package dev.goroscope.event;

import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;

/**
 * The kinds of {@link GoroutineMark}: something a goroutine did at one moment that becomes one
 * event of it, with two raw words of payload from the kernel. Each kind names its record type
 * code (the {@code goroscope_event_type} value the BPF program writes, shared with
 * {@code goroscope_events.h}), the event name, and how its payload turns into attributes.
 *
 * <p>Adding a kind of event (see docs/architecture.md, "Adding an event kind"): a BPF program
 * that writes a {@code struct goroscope_goroutine_mark} with a new type code, a constant here,
 * and a probe in the catalog. The decoder, the correlator, the record contract and every output
 * take it as it is.
 */
public enum MarkKind {

  /** deep: {@code runtime.chansend1} entry (a {@code c <- v} statement); a = the hchan. */
  CHANNEL_SEND(7, "channel.send") {
    @Override
    public Attrs attributes(long a, long b, MarkSymbols symbols) {
      return channel(a, b);
    }
  },
  /** deep: {@code runtime.chanrecv1}/{@code chanrecv2} entry ({@code <-c}); a = the hchan. */
  CHANNEL_RECEIVE(8, "channel.receive") {
    @Override
    public Attrs attributes(long a, long b, MarkSymbols symbols) {
      return channel(a, b);
    }
  };

  /** The channel's address, {@code 0x…}. */
  public static final Attr<Long> CHANNEL_ADDRESS = Attr.address("channel.address", "address");
  /** Buffer capacity ({@code hchan.dataqsiz}) when the operation started. */
  public static final Attr<Long> CHANNEL_CAPACITY = Attr.integer("channel.capacity", "capacity");
  /** Elements buffered ({@code hchan.qcount}) when the operation started. */
  public static final Attr<Long> CHANNEL_LENGTH = Attr.integer("channel.length", "length");

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

  MarkKind(int code, String eventName) {
    this.code = code;
    this.eventName = eventName;
  }

  /** The record type code in {@code goroscope_events.h}. */
  public int code() {
    return code;
  }

  /** The event name, e.g. {@code channel.send}. */
  public String eventName() {
    return eventName;
  }

  /** The attributes of one mark of this kind. */
  public abstract Attrs attributes(long a, long b, MarkSymbols symbols);

  /** The kind written with record type {@code code}, or null. */
  public static MarkKind forCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** b packs the channel's dataqsiz (high 32 bits) and qcount (low 32 bits). */
  private static Attrs channel(long hchan, long b) {
    return Attrs.of(CHANNEL_ADDRESS, hchan, CHANNEL_CAPACITY, b >>> 32,
        CHANNEL_LENGTH, b & 0xffff_ffffL);
  }
}
