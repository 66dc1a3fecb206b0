package dev.goroscope.otel.testing;

import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ParkInterval;
import dev.goroscope.record.ProcessInfo;
import java.util.List;

/**
 * One HTTP request's goroutines as the correlator would emit them, children before parents:
 * main (g1, partial), the connection goroutine (g20, a root function), the handler's helper
 * (g21, overran its deadline, parked twice, woken by g20) and a worker it started (g22).
 */
public final class Scenario {
  private Scenario() {}

  public static final int PID = 4242;
  public static final long OFFSET = 1_700_000_000_000_000_000L;
  public static final long CTX = 0xc000123400L;
  public static final long DEADLINE_UNIX = OFFSET + 1_500_000_000L;

  public static final ProcessInfo PROCESS =
      new ProcessInfo(PID, "/srv/app/http-deadline", "go1.26.8", "example.com/app");

  public static GoroutineRecord mainPartial() {
    return GoroutineRecord.builder(PID, 1)
        .setParentGoid(0)
        .setParentTraced(false)
        .setStartFunction("main.main")
        .setCreationSite(new CodeLocation("runtime.main", "/usr/lib/go/src/runtime/proc.go", 283))
        .setStartNs(100_000_000L)
        .setState(GoroutineState.RUNNING)
        .build();
  }

  public static GoroutineRecord connServe() {
    return GoroutineRecord.builder(PID, 20)
        .setParentGoid(1)
        .setParentTraced(true)
        .setStartFunction("net/http.(*conn).serve")
        .setCreationSite(
            new CodeLocation("net/http.(*Server).Serve", "/usr/lib/go/src/net/http/server.go",
                3454))
        .setStartNs(1_000_000_000L)
        .setEndNs(1_400_000_000L)
        .setState(GoroutineState.EXITED)
        .setContextEvents(List.of(
            new ContextEvent(ContextEvent.Kind.DEADLINE_SET, 1_000_100_000L, CTX, DEADLINE_UNIX)))
        .build();
  }

  public static GoroutineRecord helper() {
    return GoroutineRecord.builder(PID, 21)
        .setParentGoid(20)
        .setParentTraced(true)
        .setStartFunction("main.handler.func1")
        .setCreationSite(new CodeLocation("main.handler", "/src/app/main.go", 42))
        .setStartNs(1_000_200_000L)
        .setEndNs(3_000_000_000L)
        .setState(GoroutineState.EXITED)
        .setWaitReason("chan receive")
        .setParks(List.of(
            new ParkInterval(1_100_000_000L, 1_200_000_000L, 14, "chan receive", 20),
            new ParkInterval(1_300_000_000L, 1_350_000_000L, 14, "chan receive", 0)))
        .setContextEvents(List.of(
            new ContextEvent(ContextEvent.Kind.DEADLINE_EXCEEDED, 1_500_000_000L, CTX, 0)))
        .setDeadlineOverrun(new DeadlineOverrun(CTX, 20, 1_500_000_000L, 1_500_000_000L))
        .build();
  }

  public static GoroutineRecord worker() {
    return GoroutineRecord.builder(PID, 22)
        .setParentGoid(21)
        .setParentTraced(true)
        .setStartFunction("main.worker")
        .setCreationSite(new CodeLocation("main.handler.func1", "/src/app/main.go", 50))
        .setStartNs(1_000_300_000L)
        .setEndNs(1_000_900_000L)
        .setState(GoroutineState.EXITED)
        .build();
  }
}
