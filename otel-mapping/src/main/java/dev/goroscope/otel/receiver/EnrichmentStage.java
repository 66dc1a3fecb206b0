package dev.goroscope.otel.receiver;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Asks the {@link SpanEnricher} about each span of a trace request, on one thread, and holds a
 * request (a bounded delay queue: its bytes are in the receiver's budget, its time is at most
 * the enrichment wait) while some of its spans are pending. A request whose spans are all
 * answered, or whose wait is over, goes on to the forwarder: re-encoded with the added
 * attributes if any span matched, else its original bytes.
 */
final class EnrichmentStage implements AutoCloseable {

  /** How often pending spans are asked again (besides {@link #wake()}). */
  static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final SpanEnricher enricher;
  private final long waitNanos;
  private final Forwarder forwarder;
  private final Counters counters;
  private final Thread worker;
  private final Object lock = new Object();
  private final ArrayDeque<Held> incoming = new ArrayDeque<>(); // guarded by lock
  private boolean stopped; // guarded by lock
  private volatile boolean closing;
  private volatile boolean woken;

  /** A request being enriched: which spans are still pending, the copy being changed. */
  private static final class Held {
    final HeldRequest request;
    final ExportTraceServiceRequest original;
    ExportTraceServiceRequest.Builder changed;
    /** Pending spans as (resource, scope, span) index triples. */
    int[] pending;
    int pendingCount;
    long matched;

    Held(HeldRequest request, ExportTraceServiceRequest original) {
      this.request = request;
      this.original = original;
    }
  }

  EnrichmentStage(SpanEnricher enricher, Duration wait, Forwarder forwarder, Counters counters) {
    this.enricher = enricher;
    this.waitNanos = wait.toNanos();
    this.forwarder = forwarder;
    this.counters = counters;
    this.worker = new Thread(this::run, "goroscope-otlp-enrich");
    this.worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  /** Hands over a trace request (its bytes already held in the budget). Never blocks. */
  void submit(HeldRequest r, ExportTraceServiceRequest parsed) {
    synchronized (lock) {
      if (!stopped) {
        incoming.add(new Held(r, parsed));
        LockSupport.unpark(worker);
        return;
      }
    }
    counters.enriched(0, r.items);
    forwarder.enqueue(r);
  }

  /** The enricher learned something: ask pending spans again now. */
  void wake() {
    woken = true;
    LockSupport.unpark(worker);
  }

  private void run() {
    ArrayDeque<Held> waiting = new ArrayDeque<>();
    try {
      while (true) {
        ArrayDeque<Held> fresh;
        synchronized (lock) {
          fresh = new ArrayDeque<>(incoming);
          incoming.clear();
        }
        woken = false;
        long now = System.nanoTime();
        for (Iterator<Held> it = waiting.iterator(); it.hasNext(); ) {
          Held h = it.next();
          ask(h);
          if (h.pendingCount == 0 || closing || now - h.request.receivedNs >= waitNanos) {
            it.remove();
            finish(h);
          }
        }
        for (Held h : fresh) {
          askFirst(h);
          if (h.pendingCount == 0 || closing || waitNanos == 0) {
            finish(h);
          } else {
            waiting.add(h);
          }
        }
        if (closing && waiting.isEmpty()) {
          synchronized (lock) {
            if (incoming.isEmpty()) {
              return;
            }
          }
          continue;
        }
        synchronized (lock) {
          if (!incoming.isEmpty()) {
            continue;
          }
        }
        if (woken) {
          continue;
        }
        if (waiting.isEmpty()) {
          LockSupport.park(this);
        } else {
          long deadline = waiting.peek().request.receivedNs + waitNanos;
          LockSupport.parkNanos(this, Math.max(1, Math.min(RECHECK_NANOS, deadline - now)));
        }
      }
    } finally {
      synchronized (lock) {
        stopped = true;
        for (Held h : incoming) {
          waiting.add(h);
        }
        incoming.clear();
      }
      for (Held h : waiting) {
        finish(h);
      }
    }
  }

  /** First look at every span of a fresh request. */
  private void askFirst(Held h) {
    List<ResourceSpans> rss = h.original.getResourceSpansList();
    int[] pending = new int[0];
    int n = 0;
    for (int i = 0; i < rss.size(); i++) {
      List<ScopeSpans> sss = rss.get(i).getScopeSpansList();
      for (int j = 0; j < sss.size(); j++) {
        int spans = sss.get(j).getSpansCount();
        for (int k = 0; k < spans; k++) {
          if (!askOne(h, i, j, k)) {
            if (pending.length < 3 * (n + 1)) {
              pending = java.util.Arrays.copyOf(pending, Math.max(24, pending.length * 2));
            }
            pending[3 * n] = i;
            pending[3 * n + 1] = j;
            pending[3 * n + 2] = k;
            n++;
          }
        }
      }
    }
    h.pending = pending;
    h.pendingCount = n;
  }

  /** Asks the still-pending spans again, compacting the pending list. */
  private void ask(Held h) {
    int kept = 0;
    for (int p = 0; p < h.pendingCount; p++) {
      int i = h.pending[3 * p];
      int j = h.pending[3 * p + 1];
      int k = h.pending[3 * p + 2];
      if (!askOne(h, i, j, k)) {
        h.pending[3 * kept] = i;
        h.pending[3 * kept + 1] = j;
        h.pending[3 * kept + 2] = k;
        kept++;
      }
    }
    h.pendingCount = kept;
  }

  /** @return true when the span is settled (matched or definitely not), false when pending */
  private boolean askOne(Held h, int i, int j, int k) {
    ResourceSpans rs = h.original.getResourceSpans(i);
    ScopeSpans ss = rs.getScopeSpans(j);
    Span span = ss.getSpans(k);
    SpanEnrichment e;
    try {
      e = enricher.enrich(rs.getResource(), ss.getScope(), span);
    } catch (RuntimeException ex) {
      e = SpanEnrichment.none();
    }
    if (e == null) {
      return true;
    }
    if (e.isPending()) {
      return false;
    }
    if (!e.isMatch()) {
      return true;
    }
    h.matched++;
    Set<String> present = new HashSet<>();
    for (KeyValue kv : span.getAttributesList()) {
      present.add(kv.getKey());
    }
    for (KeyValue kv : e.attributes()) {
      if (present.add(kv.getKey())) {
        if (h.changed == null) {
          h.changed = h.original.toBuilder();
        }
        h.changed.getResourceSpansBuilder(i).getScopeSpansBuilder(j).getSpansBuilder(k)
            .addAttributes(kv);
      }
    }
    return true;
  }

  private void finish(Held h) {
    HeldRequest r = h.request;
    long unmatched = r.items - h.matched;
    counters.enriched(h.matched, unmatched);
    if (h.changed != null) {
      r.body = h.changed.build().toByteString();
      counters.resized(r, r.body.size());
    }
    forwarder.enqueue(r);
  }

  /** Forwards everything held at once (pending spans count unmatched); idempotent. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(worker);
    if (worker.getState() == Thread.State.NEW) {
      synchronized (lock) {
        stopped = true;
      }
      return;
    }
    try {
      worker.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
