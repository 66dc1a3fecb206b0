package dev.goroscope.gobinary.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Go's printing rules per version, from runtime/traceback.go of each release. */
class GoTracebackTest {

  private static StackFrame frame(String function, int funcId) {
    return new StackFrame(function, "f.go", 1, 0x1000, 0xff0, false, funcId);
  }

  @Test
  void genericShapesPrintAsEllipsisFromGo121() {
    assertThat(GoTraceback.forGoMinor(20).printName("main.F[go.shape.int]"))
        .isEqualTo("main.F[go.shape.int]");
    assertThat(GoTraceback.forGoMinor(21).printName("main.F[go.shape.int]"))
        .isEqualTo("main.F[...]");
    assertThat(GoTraceback.forGoMinor(26).printName("main.(*T[go.shape.int]).M"))
        .isEqualTo("main.(*T[...]).M");
    // a generic method of a generic type: 1.26 keeps one pair of brackets, 1.27 both
    String both = "main.T[go.shape.int].M[go.shape.string]";
    assertThat(GoTraceback.forGoMinor(26).printName(both)).isEqualTo("main.T[...]");
    assertThat(GoTraceback.forGoMinor(27).printName(both)).isEqualTo("main.T[...].M[...]");
    assertThat(GoTraceback.forGoMinor(19).printName("runtime.gopanic")).isEqualTo("panic");
  }

  @Test
  void runtimeFramesAreHiddenUnlessExported() {
    GoTraceback tb = GoTraceback.forGoMinor(26);
    List<StackFrame> frames = List.of(frame("runtime.gopark", 0), frame("runtime.chanrecv", 0),
        frame("runtime.chanrecv1", 0), frame("main.worker", 0), frame("runtime.goexit", 8));
    assertThat(tb.visible(frames)).extracting(StackFrame::function)
        .containsExactly("main.worker");
    // a stack of runtime frames only prints whole
    List<StackFrame> runtimeOnly = List.of(frame("runtime.gopark", 0),
        frame("runtime.bgsweep", 0), frame("runtime.goexit", 8));
    assertThat(tb.visible(runtimeOnly)).isEqualTo(runtimeOnly);
    assertThat(tb.show(frame("runtime.Gosched", 0), true, null)).isTrue();
    // receiver-aware from Go 1.23: runtime.(*Func).Name is exported there, not before
    assertThat(GoTraceback.forGoMinor(23).show(frame("runtime.(*Func).Name", 0), true, null))
        .isTrue();
    assertThat(GoTraceback.forGoMinor(22).show(frame("runtime.(*Func).Name", 0), true, null))
        .isFalse();
    // gopanic in the middle of a stack, not at its top
    assertThat(tb.show(frame("runtime.gopanic", 0), false, null)).isTrue();
    assertThat(tb.show(frame("runtime.gopanic", 0), true, null)).isFalse();
    // finalizer/cleanup loops are shown from 1.25
    assertThat(GoTraceback.forGoMinor(25).show(frame("runtime.runFinalizers", 0), false, null))
        .isTrue();
    assertThat(GoTraceback.forGoMinor(24).show(frame("runtime.runfinq", 0), false, null))
        .isFalse();
  }

  @Test
  void wrappersAreHiddenUnlessTheyCalledPanic() {
    for (int minor : new int[] {19, 22, 23, 24, 25, 27}) {
      GoTraceback tb = GoTraceback.forGoMinor(minor);
      StackFrame wrapper = frame("main.(*T).M", tb.wrapperFuncId());
      assertThat(tb.show(wrapper, false, frame("main.T.M", 0))).as("go1.%d", minor).isFalse();
      assertThat(tb.show(wrapper, false, frame("runtime.sigpanic", 0))).isTrue();
      assertThat(tb.show(frame("main.(*T).M", 0), false, frame("main.T.M", 0))).isTrue();
    }
    assertThat(GoTraceback.forGoMinor(22).wrapperFuncId()).isEqualTo(21);
    assertThat(GoTraceback.forGoMinor(23).wrapperFuncId()).isEqualTo(22);
    assertThat(GoTraceback.forGoMinor(25).wrapperFuncId()).isEqualTo(23);
  }

  @Test
  void longStacksAreElidedAsTheVersionDoes() {
    assertThat(GoTraceback.forGoMinor(26).elision(100, true))
        .isEqualTo(new GoTraceback.Elision(100, 100, null));
    assertThat(GoTraceback.forGoMinor(26).elision(130, true))
        .isEqualTo(new GoTraceback.Elision(50, 80, "...30 frames elided..."));
    assertThat(GoTraceback.forGoMinor(20).elision(99, true))
        .isEqualTo(new GoTraceback.Elision(99, 99, null));
    assertThat(GoTraceback.forGoMinor(20).elision(130, true))
        .isEqualTo(new GoTraceback.Elision(100, 130, "...additional frames elided..."));
  }

  @Test
  void systemGoroutinesStartInPackageRuntime() {
    GoTraceback tb = GoTraceback.forGoMinor(26);
    assertThat(tb.isSystemGoroutine("runtime.forcegchelper")).isTrue();
    assertThat(tb.isSystemGoroutine("runtime.gcBgMarkWorker")).isTrue();
    assertThat(tb.isSystemGoroutine("runtime.main")).isFalse();
    assertThat(tb.isSystemGoroutine("runtime.corostart")).isFalse();
    assertThat(tb.isSystemGoroutine("main.main.gowrap1")).isFalse();
    assertThat(tb.namesParentGoroutine()).isTrue();
    assertThat(GoTraceback.forGoMinor(20).namesParentGoroutine()).isFalse();
  }
}
