package dev.goroscope.attach;

import dev.goroscope.bpf.ringbuf.RingBufferReader;
import dev.goroscope.correlate.CorrelatorConfig;
import dev.goroscope.probe.ProbeSelection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one {@code goroscope attach} run watches and how. Immutable; built with {@link
 * #builder()}, inputs checked when set.
 */
public final class AttachConfig {

  /** Ring buffer size per process: 4 MiB holds ~60,000 records between two drains. */
  public static final int DEFAULT_RING_BYTES = 4 << 20;
  /** How often {@code --exe} looks for new processes of the executable. */
  public static final Duration DEFAULT_EXE_SCAN_INTERVAL = Duration.ofMillis(250);
  /** Sampled mode: how often every goroutine is read. */
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(1);
  /** Sampled mode: a leak group is growing when its count rose over this window. */
  public static final Duration DEFAULT_LEAK_WINDOW = Duration.ofSeconds(30);
  /** Sampled mode: the shortest interval (reading 100,000 goroutines takes ~60 ms of CPU). */
  public static final Duration MIN_SAMPLE_INTERVAL = Duration.ofMillis(10);

  private final int pid;
  private final Path executable;
  private final boolean deep;
  private final Duration duration;
  private final int ringBytes;
  private final Duration exeScanInterval;
  private final CorrelatorConfig correlator;
  private final ProbeSelection probes;
  private final AttachMode mode;
  private final Duration sampleInterval;
  private final Duration leakWindow;
  private final BurstConfig bursts;

  private AttachConfig(Builder b) {
    this.pid = b.pid;
    this.executable = b.executable;
    this.deep = b.deep;
    this.duration = b.duration;
    this.ringBytes = b.ringBytes;
    this.exeScanInterval = b.exeScanInterval;
    this.correlator = b.correlator;
    this.probes = b.probes.withDeep(b.deep);
    this.mode = b.mode;
    this.sampleInterval = b.sampleInterval;
    this.leakWindow = b.leakWindow;
    this.bursts = b.bursts;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pid to watch, or 0 in {@code --exe} mode. */
  public int pid() {
    return pid;
  }

  /** The executable whose processes to watch, or null in {@code --pid} mode. */
  public Path executable() {
    return executable;
  }

  public boolean deep() {
    return deep;
  }

  /** The probe groups asked for ({@code --deep} included) and the syscall threshold. */
  public ProbeSelection probes() {
    return probes;
  }

  /** How long to run, or null for "until a signal or the target's end". */
  public Duration duration() {
    return duration;
  }

  public int ringBytes() {
    return ringBytes;
  }

  public Duration exeScanInterval() {
    return exeScanInterval;
  }

  public CorrelatorConfig correlator() {
    return correlator;
  }

  public AttachMode mode() {
    return mode;
  }

  /** Sampled mode: how often every goroutine is read. */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /** Sampled mode: the window over which a growing leak group must grow. */
  public Duration leakWindow() {
    return leakWindow;
  }

  /** Sampled mode: precise bursts, or null for none. */
  public BurstConfig bursts() {
    return bursts;
  }

  /** Builder; exactly one of {@link #setPid} and {@link #setExecutable} must be called. */
  public static final class Builder {
    private int pid;
    private Path executable;
    private boolean deep;
    private Duration duration;
    private int ringBytes = DEFAULT_RING_BYTES;
    private Duration exeScanInterval = DEFAULT_EXE_SCAN_INTERVAL;
    private CorrelatorConfig correlator = CorrelatorConfig.defaults();
    private ProbeSelection probes = ProbeSelection.defaults();
    private AttachMode mode = AttachMode.PRECISE;
    private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
    private Duration leakWindow = DEFAULT_LEAK_WINDOW;
    private BurstConfig bursts;

    private Builder() {}

    /**
     * The {@code --probe} groups and syscall threshold; {@link #setDeep} decides the deep
     * groups. Default {@link ProbeSelection#defaults()}.
     */
    public Builder setProbes(ProbeSelection probes) {
      this.probes = Objects.requireNonNull(probes, "probes");
      return this;
    }

    public Builder setMode(AttachMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder setSampleInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(MIN_SAMPLE_INTERVAL) < 0) {
        throw new IllegalArgumentException("--sample-interval must be at least "
            + MIN_SAMPLE_INTERVAL.toMillis() + "ms, got " + interval.toMillis() + "ms");
      }
      this.sampleInterval = interval;
      return this;
    }

    public Builder setLeakWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException(
            "--leak-window must be positive, got " + window.toMillis() + "ms");
      }
      this.leakWindow = window;
      return this;
    }

    /** Precise bursts (sampled mode only); null for none. */
    public Builder setBursts(BurstConfig bursts) {
      this.bursts = bursts;
      return this;
    }

    public Builder setPid(int pid) {
      if (pid <= 0) {
        throw new IllegalArgumentException("pid must be positive, got " + pid);
      }
      this.pid = pid;
      return this;
    }

    public Builder setExecutable(Path executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
      return this;
    }

    public Builder setDeep(boolean deep) {
      this.deep = deep;
      return this;
    }

    public Builder setDuration(Duration duration) {
      if (duration != null && (duration.isNegative() || duration.isZero())) {
        throw new IllegalArgumentException("duration must be positive, got " + duration);
      }
      this.duration = duration;
      return this;
    }

    /** Ring buffer bytes per process: a power of two from one page to 512 MiB. */
    public Builder setRingBytes(int ringBytes) {
      if (ringBytes < 4096 || ringBytes > RingBufferReader.MAX_SIZE
          || Integer.bitCount(ringBytes) != 1) {
        throw new IllegalArgumentException("ring buffer size must be a power of two from 4096"
            + " bytes to 512 MiB (" + RingBufferReader.MAX_SIZE + "), got " + ringBytes);
      }
      this.ringBytes = ringBytes;
      return this;
    }

    public Builder setExeScanInterval(Duration interval) {
      this.exeScanInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    public Builder setCorrelator(CorrelatorConfig correlator) {
      this.correlator = Objects.requireNonNull(correlator, "correlator");
      return this;
    }

    public AttachConfig build() {
      if ((pid == 0) == (executable == null)) {
        throw new IllegalArgumentException("exactly one of pid and executable must be set");
      }
      if (mode == AttachMode.SAMPLED && deep) {
        throw new IllegalArgumentException("--deep needs probes: it cannot be combined with"
            + " --mode sampled (use --precise-every for precise bursts)");
      }
      if (mode != AttachMode.SAMPLED && bursts != null) {
        throw new IllegalArgumentException("precise bursts need --mode sampled");
      }
      return new AttachConfig(this);
    }
  }
}
