package dev.goroscope.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.process.ProcessMemory.Method;
import dev.goroscope.process.internal.ProcessVm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batched reads of real memory — this JVM's own, where the expected bytes are known — with
 * both methods: scattered requests arrive whole with few system calls, an unreadable request
 * fails alone even when merged with readable neighbours, and a process that is gone reads as
 * nothing, without an exception.
 */
class ProcessMemoryBatchTest {

  private static final int SELF = (int) ProcessHandle.current().pid();

  @ParameterizedTest
  @EnumSource(Method.class)
  void scatteredRequestsArriveWholeInFewSystemCalls(Method method) {
    ByteBuffer data = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
    Random rnd = new Random(7);
    for (int i = 0; i < data.capacity(); i++) {
      data.put(i, (byte) rnd.nextInt());
    }
    long base = ProcessVm.address(data);
    ReadBatch batch = new ReadBatch(64 << 20);
    int n = 20_000;
    int[] at = new int[n];
    int[] len = new int[n];
    for (int i = 0; i < n; i++) {
      len[i] = 1 + rnd.nextInt(600);
      at[i] = rnd.nextInt(data.capacity() - len[i]);
      assertThat(batch.add(base + at[i], len[i])).isEqualTo(i);
    }
    try (ProcessMemory mem = ProcessMemory.open(SELF, method)) {
      assertThat(mem.method()).isEqualTo(method);
      mem.read(batch);
      for (int i = 0; i < n; i++) {
        assertThat(batch.ok(i)).isTrue();
        for (int k = 0; k < len[i]; k++) {
          assertThat(batch.u8(i, k)).as("request %d byte %d", i, k)
              .isEqualTo(data.get(at[i] + k) & 0xff);
        }
      }
      // dense requests merge into regions (here ~1,400): one pread each, or 1,024 a call
      assertThat(mem.systemCalls()).isLessThan(method == Method.PROC_MEM ? n / 10 : n / 100);
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void anUnreadableRequestFailsAloneEvenInsideAMergedRegion(Method method) throws IOException {
    long[] hole = mappingFollowedByHole();
    long end = hole[0];
    ReadBatch batch = new ReadBatch(1 << 20);
    int before = batch.add(end - 64, 32); // readable
    int last = batch.add(end - 16, 16); // readable, ends at the hole
    int inHole = batch.add(end + 64, 16); // unmapped, 64 bytes further: merged with the above
    int nullPage = batch.add(8, 8); // never mapped
    ByteBuffer expected = ByteBuffer.allocate(32);
    try (ProcessMemory mem = ProcessMemory.open(SELF, method)) {
      mem.read(batch);
      assertThat(batch.ok(before)).isTrue();
      assertThat(batch.ok(last)).isTrue();
      assertThat(batch.ok(inHole)).isFalse();
      assertThat(batch.ok(nullPage)).isFalse();
      assertThat(mem.read(end - 64, expected)).isTrue();
      for (int k = 0; k < 32; k++) {
        assertThat(batch.u8(before, k)).isEqualTo(expected.get(k) & 0xff);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void aProcessThatIsGoneReadsAsNothing(Method method) throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    try (ProcessMemory mem = ProcessMemory.open((int) child.pid(), method)) {
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      ReadBatch batch = new ReadBatch(1 << 20);
      int q = batch.add(0x400000, 64);
      mem.read(batch); // no exception
      assertThat(batch.ok(q)).isFalse();
    } finally {
      child.destroyForcibly();
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void reusedBatchesReadEachTimeAfresh(Method method) {
    ByteBuffer data = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    long base = ProcessVm.address(data);
    ReadBatch batch = new ReadBatch(1 << 16);
    try (ProcessMemory mem = ProcessMemory.open(SELF, method)) {
      for (long v = 1; v <= 3; v++) {
        data.putLong(0, v);
        data.putLong(2048, -v);
        batch.clear();
        int b = batch.add(base + 2048, 8); // out of address order on purpose
        int a = batch.add(base, 8);
        mem.read(batch);
        assertThat(batch.u64(a, 0)).isEqualTo(v);
        assertThat(batch.u64(b, 0)).isEqualTo(-v);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aFullBatchSaysSoAndKeepsTheFirstRequest() {
    ReadBatch batch = new ReadBatch(100);
    assertThat(batch.add(0x1000, 64)).isZero();
    assertThat(batch.add(0x2000, 64)).isEqualTo(-1);
    assertThat(new ReadBatch(10).add(0x1000, 64)).isZero(); // always one
    assertThat(batch.size()).isEqualTo(1);
  }

  /** {end of a readable mapping, start of the next mapping}, with at least a page between. */
  private static long[] mappingFollowedByHole() throws IOException {
    List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
    for (int i = 0; i + 1 < maps.size(); i++) {
      String[] a = maps.get(i).split("\\s+");
      String[] b = maps.get(i + 1).split("\\s+");
      long end = Long.parseUnsignedLong(a[0].substring(a[0].indexOf('-') + 1), 16);
      long nextStart = Long.parseUnsignedLong(b[0].substring(0, b[0].indexOf('-')), 16);
      if (a[1].startsWith("r") && nextStart - end >= 4096 && !maps.get(i).contains("[vvar")
          && !maps.get(i).contains("[vsyscall")) {
        return new long[] {end, nextStart};
      }
    }
    throw new IllegalStateException("no readable mapping followed by a hole in /proc/self/maps");
  }
}
