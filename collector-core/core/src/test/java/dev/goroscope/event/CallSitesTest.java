package dev.goroscope.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.CodeLocation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallSitesTest {

  @Test
  void packagesOfGoFunctionNames() {
    assertThat(CallSites.packageOf("main.worker")).isEqualTo("main");
    assertThat(CallSites.packageOf("main.(*server).audit.func1")).isEqualTo("main");
    assertThat(CallSites.packageOf("internal/poll.(*FD).Read")).isEqualTo("internal/poll");
    assertThat(CallSites.packageOf("github.com/a/b.F[go.shape.*github.com/c/d.T]"))
        .isEqualTo("github.com/a/b");
    // the linker escapes dots in a path's last element: gopkg.in/yaml.v3 is gopkg.in/yaml%2ev3
    assertThat(CallSites.packageOf("gopkg.in/yaml%2ev3.Unmarshal"))
        .isEqualTo("gopkg.in/yaml%2ev3");
    assertThat(CallSites.inPackage("internal/sync.(*Mutex).lockSlow", "internal/sync")).isTrue();
    assertThat(CallSites.inPackage("sync.(*Mutex).lockSlow", "internal/sync")).isFalse();
    assertThat(CallSites.inPackage("runtime/pprof.F", "runtime")).isTrue();
  }

  @Test
  void userCodeIsMainOrAPathWithADot() {
    assertThat(CallSites.looksLikeUserCode("main.main")).isTrue();
    assertThat(CallSites.looksLikeUserCode("github.com/x/y.F")).isTrue();
    assertThat(CallSites.looksLikeUserCode("os.(*File).Read")).isFalse();
    assertThat(CallSites.looksLikeUserCode("net/http.(*conn).serve")).isFalse();
  }

  @Test
  void syscallNamesSkipTheRuntimeAndTheGenericWrappers() {
    assertThat(CallSites.namesSyscall("syscall.read")).isTrue();
    assertThat(CallSites.namesSyscall("syscall.Nanosleep")).isTrue();
    assertThat(CallSites.namesSyscall("internal/syscall/unix.Eventfd")).isTrue();
    assertThat(CallSites.namesSyscall("syscall.Syscall")).isFalse();
    assertThat(CallSites.namesSyscall("syscall.Syscall6")).isFalse();
    assertThat(CallSites.namesSyscall("syscall.RawSyscall6")).isFalse();
    assertThat(CallSites.namesSyscall("syscall.runtime_entersyscall")).isFalse();
    assertThat(CallSites.namesSyscall("internal/runtime/syscall.Syscall6")).isFalse();
    assertThat(CallSites.namesSyscall("runtime.exitsyscall")).isFalse();
  }

  @Test
  void theFirstAcceptedFrameIsTheSite() {
    Map<Long, List<CodeLocation>> frames = new HashMap<>();
    frames.put(0x10L, List.of(new CodeLocation("internal/sync.(*Mutex).lockSlow", "m.go", 1)));
    // an inlined Lock in main.worker: the inlined frame first, then the caller's own line
    frames.put(0x20L, List.of(new CodeLocation("sync.(*Mutex).Lock", "mutex.go", 2),
        new CodeLocation("main.worker", "/src/main.go", 17)));
    MarkSymbols symbols = new MarkSymbols() {
      @Override
      public CodeLocation location(long pc) {
        return frames.getOrDefault(pc, List.of(CodeLocation.UNKNOWN)).get(0);
      }

      @Override
      public List<CodeLocation> frames(long pc) {
        return frames.getOrDefault(pc, List.of(CodeLocation.UNKNOWN));
      }

      @Override
      public String waitReason(int code) {
        return "";
      }

      @Override
      public int internSite(CodeLocation site) {
        return 0;
      }

      @Override
      public CodeLocation site(int id) {
        return CodeLocation.UNKNOWN;
      }
    };
    assertThat(CallSites.first(new long[] {0, 0x10, 0x20}, symbols,
        f -> !CallSites.inPackage(f, "sync") && !CallSites.inPackage(f, "internal/sync")))
        .isEqualTo(new CodeLocation("main.worker", "/src/main.go", 17));
    assertThat(CallSites.first(new long[] {0x10}, symbols, symbols::userCode))
        .isEqualTo(CodeLocation.UNKNOWN);
  }
}
