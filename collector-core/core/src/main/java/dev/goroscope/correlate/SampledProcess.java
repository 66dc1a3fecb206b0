package dev.goroscope.correlate;

import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.sample.GoroutineStack;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What sampled mode keeps for one process (on its {@link ProcessTable}): how it is sampled,
 * the sample count (an epoch that marks who was seen), the leak groups, and names made from
 * the sampler's shared values — visible frames per interned stack, a location per creation
 * site — so a goroutine's stack is turned into names once, not per record.
 */
final class SampledProcess {

  private static final int MAX_CACHED = 1 << 16;

  SamplingContext context;
  final LeakGroups groups;
  int epoch;
  long previousNs = Long.MIN_VALUE;
  long samples;
  /** The candidate groups of the last sample. */
  List<LeakGroupRecord> leakGroups = List.of();
  /** Growing groups at the last sample (a rise may trigger a precise burst). */
  int growingGroups;
  /** The per-sample counts, reset at each sample. */
  final Sampling.Summary summary = new Sampling.Summary();
  /** The table's goroutine for each of the current sample's, reused from sample to sample. */
  private LiveGoroutine[] live = new LiveGoroutine[0];
  private final Map<GoroutineStack, List<CodeLocation>> stacks = new IdentityHashMap<>();
  private final Map<StackFrame, CodeLocation> sites = new IdentityHashMap<>();

  SampledProcess(SamplingContext context, long leakThresholdNs) {
    this.context = context;
    this.groups = new LeakGroups(context.leakWindowNs(), leakThresholdNs);
  }

  /** An array of at least {@code n} empty slots (the same one while it is large enough). */
  LiveGoroutine[] liveArray(int n) {
    if (live.length < n) {
      live = new LiveGoroutine[Math.max(n, live.length + live.length / 2)];
    }
    return live;
  }

  /** The frames of {@code stack} Go's dumps print, innermost first (empty for null). */
  List<CodeLocation> visible(GoroutineStack stack) {
    if (stack == null) {
      return List.of();
    }
    List<CodeLocation> names = stacks.get(stack);
    if (names == null) {
      List<StackFrame> frames = context.traceback().visible(stack.frames());
      List<CodeLocation> out = new ArrayList<>(frames.size());
      for (StackFrame f : frames) {
        out.add(new CodeLocation(context.traceback().printName(f.function()), f.file(),
            f.line()));
      }
      names = List.copyOf(out);
      if (stacks.size() >= MAX_CACHED) {
        stacks.clear();
      }
      stacks.put(stack, names);
    }
    return names;
  }

  /** The first {@code n} visible frames. */
  List<CodeLocation> top(GoroutineStack stack, int n) {
    List<CodeLocation> all = visible(stack);
    return all.size() <= n ? all : all.subList(0, n);
  }

  /** The {@code go} statement of a sampled goroutine as a location. */
  CodeLocation site(StackFrame createdBy) {
    if (createdBy == null) {
      return CodeLocation.UNKNOWN;
    }
    CodeLocation l = sites.get(createdBy);
    if (l == null) {
      l = new CodeLocation(createdBy.function(), createdBy.file(), createdBy.line());
      if (sites.size() >= MAX_CACHED) {
        sites.clear();
      }
      sites.put(createdBy, l);
    }
    return l;
  }
}
