package dev.goroscope.sample;

import dev.goroscope.gobinary.stack.StackFrame;
import java.util.List;
import java.util.Objects;

/**
 * A goroutine's stack, innermost frame first, with inlined calls expanded: every frame, the
 * runtime's included (see {@link dev.goroscope.gobinary.stack.GoTraceback#visible} for what
 * Go's dumps print). Identical stacks of one sampler are shared instances.
 *
 * @param frames the frames
 * @param complete true when the walk reached the goroutine's first frame ({@code goexit}) where
 *     the runtime expects it; false when it stopped early
 * @param truncated true when it stopped early at a limit of goroutine's sampler (frames or
 *     bytes, {@link SamplerConfig}); false when it stopped where Go's own traceback stops too
 *     (a function that switches stacks)
 */
public record GoroutineStack(List<StackFrame> frames, boolean complete, boolean truncated) {

  public GoroutineStack {
    frames = List.copyOf(Objects.requireNonNull(frames, "frames"));
  }
}
