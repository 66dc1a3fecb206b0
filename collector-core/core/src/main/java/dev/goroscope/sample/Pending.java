package dev.goroscope.sample;

import java.util.List;

/** A goroutine accepted into the sample being built (mutable until the sample is made). */
final class Pending {

  static final byte UNKNOWN = 0;
  static final byte SEND = 1;
  static final byte RECEIVE = 2;

  /** Index in runtime.allgs. */
  int idx;
  long gp;
  long goid;
  int status;
  int waitReason;
  long waitSince;
  long gopc;
  long startpc;
  long parentGoid;
  long lockedm;
  long waiting;
  GoroutineStack stack;
  /** Parked where it was at the last sample: what {@link GTable} holds for it is still true. */
  boolean unchanged;
  /** Channel waits: sudogs, their channels, directions; null when not read (yet). */
  long[] sudogs;
  long[] chans;
  byte[] dirs;
  /** Slots of {@link #chans} in the channel reader's table, valid for {@link #chanVersion}. */
  int[] chanIndex;
  int chanVersion;
  boolean channelsFailed;
  List<ChannelWait> channelWaits = List.of();
  /** 0 none, -1 not looked for. */
  long semaphore = -1;

  /** Fills this (reused) record with g {@code i} of {@code h}; clears what a sample adds. */
  Pending set(int idx, GHeaders h, int i, GoroutineStack stack, boolean unchanged) {
    this.idx = idx;
    this.gp = h.gp[i];
    this.goid = h.goid[i];
    this.status = h.status[i];
    this.waitReason = h.waitReason[i];
    this.waitSince = h.waitSince[i];
    this.gopc = h.gopc[i];
    this.startpc = h.startpc[i];
    this.parentGoid = h.parentGoid[i];
    this.lockedm = h.lockedm[i];
    this.waiting = h.waiting[i];
    this.stack = stack;
    this.unchanged = unchanged;
    this.sudogs = null;
    this.chans = null;
    this.dirs = null;
    this.chanIndex = null;
    this.chanVersion = 0;
    this.channelsFailed = false;
    this.channelWaits = List.of();
    this.semaphore = -1;
    return this;
  }

  GoroutineStatus state() {
    return GoroutineStatus.of(status);
  }
}
