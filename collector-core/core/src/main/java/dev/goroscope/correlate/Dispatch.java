package dev.goroscope.correlate;

import dev.goroscope.event.AppSpan;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.EventsLost;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineMark;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;
import dev.goroscope.event.MarkKind;
import dev.goroscope.event.StwPause;
import dev.goroscope.event.StwReasons;
import dev.goroscope.record.StwRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands each input, in time order (from {@link Ordering}), to the part of the correlator that
 * handles it. Created before {@link Ordering}, which calls it, and connected to the parts once
 * they exist (they need the ordering's stream time).
 */
final class Dispatch implements Input.Handler {

  private final Counters counters;
  private Ordering ordering;
  private Goroutines goroutines;
  private Parks parks;
  private Deadlines deadlines;
  private AppSpans appSpans;
  private Sampling sampling;
  private Emitter emitter;

  Dispatch(Counters counters) {
    this.counters = counters;
  }

  void connect(Ordering ordering, Goroutines goroutines, Parks parks, Deadlines deadlines,
      AppSpans appSpans, Sampling sampling, Emitter emitter) {
    this.ordering = ordering;
    this.goroutines = goroutines;
    this.parks = parks;
    this.deadlines = deadlines;
    this.appSpans = appSpans;
    this.sampling = sampling;
    this.emitter = emitter;
  }

  @Override
  public void created(GoroutineCreated e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    LiveGoroutine g = goroutines.created(p, e, ordering.late());
    if (g != null && g.parentGoid != 0) {
      LiveGoroutine parent = p.goroutines.get(g.parentGoid);
      if (parent != null) {
        deadlines.inherit(parent, g);
      }
    }
  }

  @Override
  public void exited(GoroutineExited e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p != null) {
      goroutines.exited(p, e, ordering.late(), parks);
    }
  }

  @Override
  public void parked(GoroutineParked e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    p.deep = true;
    LiveGoroutine g = goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), ordering.late());
    if (g != null) {
      parks.parked(g, e.timestampNs(), e.waitReason());
    }
  }

  @Override
  public void readied(GoroutineReadied e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    p.deep = true;
    LiveGoroutine g = goroutines.liveOrAdopted(p, e.goid(), e.timestampNs(), ordering.late());
    if (g != null) {
      parks.readied(g, e.timestampNs(), e.wakerGoid());
    }
  }

  @Override
  public void deadlineSet(ContextDeadlineSet e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p != null) {
      deadlines.deadlineSet(p, e, ordering.late());
    }
  }

  @Override
  public void cancelled(ContextCancelled e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p != null) {
      deadlines.cancelled(p, e, ordering.late());
    }
  }

  @Override
  public void mark(GoroutineMark e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p != null) {
      goroutines.mark(p, e, ordering.late());
    }
  }

  @Override
  public void appSpan(AppSpan e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    if (e.phase() == AppSpan.Phase.START) {
      appSpans.started(p, e, ordering.late());
    } else {
      appSpans.ended(p, e, ordering.late());
    }
  }

  @Override
  public void stw(StwPause e) {
    ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
    if (p == null) {
      return;
    }
    counters.stwPauses++;
    List<Long> running = new ArrayList<>();
    for (long goid : e.runningGoids()) {
      running.add(goid);
      goroutines.mark(p, goid, MarkKind.STW_RUNNING, e.startNs(), e.durationNs(),
          e.reasonCode(), e.goid(), ordering.late());
    }
    emitter.stopTheWorld(new StwRecord(e.pid(), e.startNs(), e.endNs(), e.reason(),
        StwReasons.isGc(e.reasonCode()), e.goid(), e.gomaxprocs(), e.running(), running));
  }

  @Override
  public void threadsSampled(Input.ThreadsSample t) {
    emitter.threadsSampled(t.record);
  }

  @Override
  public void lost(EventsLost e) {
    counters.lostMarkers++;
    counters.eventsLost += e.count();
    if (e.pid() <= 0) {
      // The kernel's drop counters are per CPU, not per process: everyone may have lost some.
      goroutines.forEachProcess(p -> Goroutines.markLoss(p, e.timestampNs()));
    } else {
      ProcessTable p = goroutines.table(e.pid(), e.timestampNs());
      if (p != null) {
        Goroutines.markLoss(p, e.timestampNs());
      }
    }
    emitter.eventsLost(e.pid(), e.count());
  }

  @Override
  public void processStarted(Input.ProcessStart s) {
    goroutines.announce(s.process, s.symbolizer, s.deep, s.timestampNs,
        old -> endProcess(old, s.timestampNs));
    emitter.processStarted(s.process);
  }

  @Override
  public void processEnded(Input.ProcessEnd e) {
    ProcessTable p = goroutines.existing(e.pid);
    if (p != null) {
      endProcess(p, e.timestampNs);
    }
    goroutines.rememberEnd(e.pid, e.timestampNs);
    emitter.processEnded(e.pid, e.timestampNs);
  }

  @Override
  public void goroutinesFound(Input.Found f) {
    ProcessTable p = goroutines.table(f.pid, f.timestampNs);
    if (p == null) {
      return;
    }
    // Parents first, so each child finds its parent among the goroutines just found.
    for (FoundGoroutine found : FoundOrder.parentsFirst(f.goroutines)) {
      LiveGoroutine g = goroutines.found(p, found, f.timestampNs);
      if (g == null) {
        // Known already (its creation was seen) but parked before the park probe was live:
        // waiting from the read on, unless a park the probes saw says more.
        LiveGoroutine known = p.goroutines.get(found.goid());
        if (known != null && p.deep && found.isWaiting() && known.parkedSinceNs < 0) {
          parks.parked(known, f.timestampNs, found.waitReason());
        }
        continue;
      }
      LiveGoroutine parent = g.parentGoid == 0 ? null : p.goroutines.get(g.parentGoid);
      if (parent != null) {
        deadlines.inherit(parent, g);
      }
      if (p.deep && found.isWaiting()) {
        parks.parked(g, f.timestampNs, found.waitReason());
      }
    }
  }

  @Override
  public void sampled(Input.Sampled s) {
    ProcessTable p = goroutines.table(s.sample.pid(), s.timestampNs);
    if (p != null) {
      sampling.sampled(p, s.sample, s.context);
    }
  }

  private void endProcess(ProcessTable p, long ts) {
    deadlines.endProcess(p);
    appSpans.endProcess(p);
    goroutines.endProcess(p, ts, parks);
  }
}
