package dev.goroscope.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Torn reads under heavy churn: {@code manyprog 2000 churn} parks 2,000 workers in known
 * states while another goroutine starts and ends short-lived goroutines without pause, so g
 * structs die and are reused while the sampler reads them. Over many samples: nothing is
 * thrown, nothing impossible is reported (a dead or unknown state, a duplicate goid, a wait
 * reason without waiting, a stack that mixes another goroutine's frames), and the parked
 * workers — which never move — are read whole in every sample with their exact channel
 * numbers.
 */
class SamplerChurnTest {

  private static final int WORKERS = 2000;
  private static final int SAMPLES = 120;

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void churnNeverYieldsGarbage(Toolchain toolchain) throws Exception {
    Process target = new ProcessBuilder(
        GoToolchains.build("manyprog", toolchain, Mode.NORMAL).toString(),
        Integer.toString(WORKERS), "churn").start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      int retries = 0;
      int dropped = 0;
      int churners = 0;
      try (GoroutineSampler sampler =
          GoroutineSampler.open((int) target.pid(), SamplerConfig.defaults())) {
        for (int round = 0; round < SAMPLES; round++) {
          ProcessSample s = sampler.sample();
          retries += s.stats().tornRetries();
          dropped += s.stats().tornDropped();
          check(s);
          churners += (int) s.goroutines().stream()
              .filter(g -> g.startFunction().startsWith("main.churn.func")).count();
        }
      }
      // the churn ran: short-lived goroutines were caught alive in the samples
      assertThat(churners).isPositive();
      System.out.printf("%s: %d re-reads, %d left out, %d short-lived goroutines seen%n",
          toolchain, retries, dropped, churners);
    } finally {
      target.getOutputStream().close();
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void check(ProcessSample s) {
    long previous = 0;
    int workers = 0;
    Set<Long> mutexes = new HashSet<>();
    for (GoroutineSample g : s.goroutines()) {
      assertThat(g.goid()).as("goids ascend, unique").isGreaterThan(previous);
      previous = g.goid();
      assertThat(g.status()).isIn(GoroutineStatus.RUNNABLE, GoroutineStatus.RUNNING,
          GoroutineStatus.SYSCALL, GoroutineStatus.WAITING, GoroutineStatus.PREEMPTED);
      assertThat(g.waitReason().isEmpty()).isEqualTo(g.waitReasonCode() == 0);
      if (g.status() != GoroutineStatus.WAITING) {
        assertThat(g.waitReasonCode()).isZero();
        assertThat(g.channels()).isEmpty();
        assertThat(g.semaphore()).isZero();
      }
      assertThat(g.startFunction()).isNotEmpty();
      if (g.stack() != null) {
        List<String> fns = g.stack().frames().stream().map(StackFrame::function).toList();
        assertThat(fns).isNotEmpty();
        if (g.stack().complete()) {
          assertThat(fns.get(fns.size() - 1)).isEqualTo("runtime.goexit");
        }
        if (g.startFunction().startsWith("main.churn.func")) {
          assertThat(fns).as("goroutine %d: its own frames only", g.goid())
              .doesNotContain("main.worker", "main.handle", "main.main");
        }
      } else {
        assertThat(g.status()).isEqualTo(GoroutineStatus.RUNNING);
      }
      if (g.startFunction().equals("main.worker")) {
        workers++;
        assertThat(g.status()).isEqualTo(GoroutineStatus.WAITING);
        assertThat(g.stack().complete()).isTrue();
        assertThat(g.stack().frames()).extracting(StackFrame::function)
            .contains("main.handle", "main.worker");
        assertThat(g.createdBy().function()).isEqualTo("main.main");
        String reason = g.waitReason();
        if (reason.equals("chan receive") || reason.equals("select")) {
          ChannelState jobs = g.channels().stream().map(ChannelWait::channel)
              .filter(c -> c.elemType().equals("int") && c.capacity() == 0).findFirst()
              .orElseThrow();
          assertThat(jobs.waitingReceivers()).isEqualTo(WORKERS / 2);
          assertThat(jobs.waitingSenders()).isZero();
        } else if (reason.equals("chan send")) {
          ChannelState results = g.channel().orElseThrow().channel();
          assertThat(results.capacity()).isEqualTo(16);
          assertThat(results.length()).isEqualTo(16);
          assertThat(results.waitingSenders()).isEqualTo(WORKERS / 4);
        } else {
          assertThat(reason).isIn("semacquire", "sync.Mutex.Lock");
          assertThat(g.semaphore()).isNotZero();
          mutexes.add(g.semaphore());
        }
      }
    }
    assertThat(workers).as("parked workers, never torn").isEqualTo(WORKERS);
    // workers i ≡ 2 (mod 4) lock locks[i % 8]: locks 2 and 6
    assertThat(mutexes).as("two mutexes, 32 bytes apart").hasSize(2);
    assertThat(Math.abs(mutexes.stream().mapToLong(Long::longValue).reduce((a, b) -> a - b)
        .orElseThrow())).isEqualTo(32);
  }
}
