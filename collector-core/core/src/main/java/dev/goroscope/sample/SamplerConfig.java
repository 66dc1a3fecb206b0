package dev.goroscope.sample;

/**
 * What a {@link GoroutineSampler} reads and the limits it keeps. Immutable; {@link
 * #builder()} checks each value as it is set.
 */
public final class SamplerConfig {

  public static final int DEFAULT_MAX_FRAMES = 512;
  public static final int DEFAULT_MAX_STACK_BYTES = 64 << 10;
  public static final int DEFAULT_RETRIES = 2;
  public static final int DEFAULT_READ_BATCH_BYTES = 8 << 20;
  public static final int DEFAULT_CHUNK = 4096;

  private final boolean stacks;
  private final boolean channels;
  private final boolean semaphores;
  private final int maxFrames;
  private final int maxStackBytes;
  private final int retries;
  private final int readBatchBytes;
  private final int chunk;

  private SamplerConfig(Builder b) {
    this.stacks = b.stacks;
    this.channels = b.channels;
    this.semaphores = b.semaphores;
    this.maxFrames = b.maxFrames;
    this.maxStackBytes = b.maxStackBytes;
    this.retries = b.retries;
    this.readBatchBytes = b.readBatchBytes;
    this.chunk = b.chunk;
  }

  public static SamplerConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Unwind the stacks of goroutines that are not running. */
  public boolean stacks() {
    return stacks;
  }

  /** Read the channels of goroutines blocked on channels. */
  public boolean channels() {
    return channels;
  }

  /** Find the semaphores of goroutines blocked in {@code semacquire}. */
  public boolean semaphores() {
    return semaphores;
  }

  /** Physical frames unwound per goroutine at most. */
  public int maxFrames() {
    return maxFrames;
  }

  /** Bytes of each stack copied at most (from its SP upwards). */
  public int maxStackBytes() {
    return maxStackBytes;
  }

  /** Re-reads of a goroutine that changed while read, before it is left out of the sample. */
  public int retries() {
    return retries;
  }

  /** Bytes copied per batched read at most: the sampler's buffer size. */
  public int readBatchBytes() {
    return readBatchBytes;
  }

  /** Goroutines read per chunk (fewer when their g structs would not fit one read batch). */
  public int chunk() {
    return chunk;
  }

  /** Builds a {@link SamplerConfig}. */
  public static final class Builder {
    private boolean stacks = true;
    private boolean channels = true;
    private boolean semaphores = true;
    private int maxFrames = DEFAULT_MAX_FRAMES;
    private int maxStackBytes = DEFAULT_MAX_STACK_BYTES;
    private int retries = DEFAULT_RETRIES;
    private int readBatchBytes = DEFAULT_READ_BATCH_BYTES;
    private int chunk = DEFAULT_CHUNK;

    private Builder() {}

    public Builder setStacks(boolean value) {
      this.stacks = value;
      return this;
    }

    public Builder setChannels(boolean value) {
      this.channels = value;
      return this;
    }

    public Builder setSemaphores(boolean value) {
      this.semaphores = value;
      return this;
    }

    public Builder setMaxFrames(int value) {
      this.maxFrames = within("maxFrames", value, 1, 1 << 16);
      return this;
    }

    public Builder setMaxStackBytes(int value) {
      this.maxStackBytes = within("maxStackBytes", value, 64, 16 << 20);
      return this;
    }

    public Builder setRetries(int value) {
      this.retries = within("retries", value, 0, 16);
      return this;
    }

    public Builder setReadBatchBytes(int value) {
      this.readBatchBytes = within("readBatchBytes", value, 64 << 10, 256 << 20);
      return this;
    }

    public Builder setChunk(int value) {
      this.chunk = within("chunk", value, 1, 1 << 16);
      return this;
    }

    public SamplerConfig build() {
      return new SamplerConfig(this);
    }

    private static int within(String what, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "]: " + v);
      }
      return v;
    }
  }
}
