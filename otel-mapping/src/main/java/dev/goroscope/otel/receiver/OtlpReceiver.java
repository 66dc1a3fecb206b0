package dev.goroscope.otel.receiver;

import io.grpc.ServerCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * goroscope as a stage of the application's OTLP pipeline: an OTLP/gRPC and/or OTLP/HTTP
 * receiver that forwards everything it receives — traces, metrics and logs, resource, scope and
 * every field exactly as sent — to the backend, optionally adding attributes to spans on the way
 * ({@link SpanEnricher}).
 *
 * <pre>{@code
 * OtlpReceiver receiver = OtlpReceiver.create(
 *     ReceiverConfig.builder().setGrpc(ListenAddress.parse("4317")).build(),
 *     ForwardConfig.builder().setEndpoint("http://jaeger:4317").build(),
 *     SpanEnricher.NONE);
 * receiver.start();            // ports bound, or one clear exception
 * ...
 * receiver.shutdown();         // bounded: ReceiverConfig.shutdownTimeout() + about 2 s
 * }</pre>
 *
 * <p>Data path: server thread → validate, count, hold the request's bytes in a budget of
 * {@link ReceiverConfig#maxQueueBytes()} (or answer 429 / RESOURCE_EXHAUSTED with a retry
 * delay) → answer the application at once → (traces with an enricher: the enrichment thread,
 * holding a request up to {@link ReceiverConfig#enrichmentWait()}) → the forwarding thread, which
 * sends the bytes as received on its own OTLP client (grpc-java or the JDK HTTP client), retries
 * with backoff while the backend is away and drops, counted, what waited longer than
 * {@link ReceiverConfig#maxRetryTime()}. The application never waits for the backend.
 *
 * <p>Lifecycle: {@link #start()} binds and returns; {@link #shutdown()} is safe before start and
 * twice.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final ReceiverConfig config;
  private final ForwardConfig forward;
  private final SpanEnricher enricher;
  private final Counters counters;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean shutDown = new AtomicBoolean();
  private Upstream upstream;
  private Forwarder forwarder;
  private EnrichmentStage enrichment;
  private Ingest ingest;
  private ExecutorService executor;
  private GrpcReceiverServer grpc;
  private HttpReceiverServer http;

  private OtlpReceiver(ReceiverConfig config, ForwardConfig forward, SpanEnricher enricher) {
    this.config = Objects.requireNonNull(config, "config");
    this.forward = Objects.requireNonNull(forward, "forward");
    this.enricher = Objects.requireNonNull(enricher, "enricher");
    this.counters = new Counters(config.maxQueueBytes());
  }

  /** A receiver, not yet listening. */
  public static OtlpReceiver create(ReceiverConfig config, ForwardConfig forward,
      SpanEnricher enricher) {
    return new OtlpReceiver(config, forward, enricher);
  }

  /**
   * Binds the configured addresses and starts forwarding. On failure everything opened so far is
   * closed again.
   *
   * @throws IllegalArgumentException when a TLS file cannot be used or the receiver would
   *     forward to itself
   * @throws IllegalStateException when an address cannot be bound, with one line saying which
   *     and why (e.g. "otlp receiver: cannot listen on 127.0.0.1:4317: address already in use")
   */
  public synchronized OtlpReceiver start() {
    if (shutDown.get()) {
      throw new IllegalStateException("otlp receiver: already shut down");
    }
    if (!started.compareAndSet(false, true)) {
      return this;
    }
    try {
      checkNotForwardingToItself(config.grpc());
      checkNotForwardingToItself(config.http());
      ServerCredentials grpcCredentials = config.grpc() == null ? null
          : GrpcReceiverServer.credentials(config);
      SSLContext httpTls = config.http() == null || config.tlsCertificate() == null ? null
          : PemFiles.context(PemFiles.keyManagers(config.tlsCertificate(), config.tlsKey()),
              null);
      upstream = Upstream.create(forward);
      forwarder = new Forwarder(upstream, config, forward.timeout(), counters);
      if (enricher != SpanEnricher.NONE) {
        enrichment = new EnrichmentStage(enricher, config.enrichmentWait(), forwarder, counters);
      }
      ingest = new Ingest(counters, forwarder, enrichment, config.authHeaderValue());
      forwarder.start();
      if (enrichment != null) {
        enrichment.start();
      }
      AtomicInteger n = new AtomicInteger();
      executor = Executors.newFixedThreadPool(config.serverThreads(), r -> {
        Thread t = new Thread(r, "goroscope-otlp-receive-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      if (config.grpc() != null) {
        grpc = bind(config.grpc(), "gRPC",
            () -> GrpcReceiverServer.start(config, grpcCredentials, ingest, executor));
      }
      if (config.http() != null) {
        http = bind(config.http(), "HTTP",
            () -> HttpReceiverServer.start(config, httpTls, ingest, executor));
      }
      return this;
    } catch (RuntimeException e) {
      shutdown();
      throw e;
    }
  }

  private interface Binder<T> {
    T bind() throws IOException;
  }

  private static <T> T bind(ListenAddress address, String what, Binder<T> binder) {
    if (address.socketAddress().isUnresolved()) {
      throw new IllegalStateException("otlp " + what + " receiver: cannot listen on " + address
          + ": unknown host");
    }
    try {
      return binder.bind();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("otlp " + what + " receiver: cannot listen on " + address
          + ": " + reason(e), e);
    }
  }

  /** The cause in a few words (the JDK and Netty's native transport word it differently). */
  private static String reason(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("already in use")) {
        return "address already in use";
      }
      if (m.contains("assign requested address")) {
        return "no such local address";
      }
      if (m.contains("permission denied")) {
        return "permission denied (ports below 1024 need root)";
      }
      deepest = t;
    }
    return String.valueOf(deepest.getMessage());
  }

  /** Refuses a forward endpoint that is this receiver's own address (a loop). */
  private void checkNotForwardingToItself(ListenAddress listen) {
    if (listen == null || listen.port() == 0) {
      return;
    }
    for (Signal s : Signal.values()) {
      URI u = forward.endpoint(s);
      int port = u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
      if (port != listen.port()) {
        continue;
      }
      try {
        InetAddress target = InetAddress.getByName(u.getHost());
        InetAddress own = InetAddress.getByName(listen.host());
        if (target.equals(own) || (own.isAnyLocalAddress() && (target.isLoopbackAddress()
            || java.net.NetworkInterface.getByInetAddress(target) != null))
            || (target.isLoopbackAddress() && own.isLoopbackAddress())) {
          throw new IllegalArgumentException("the otlp receiver on " + listen
              + " would forward to itself (" + u + "): point the OTLP endpoint at the backend");
        }
      } catch (UnknownHostException | java.net.SocketException e) {
        // cannot tell: not a loop we can prove
      }
    }
  }

  /** The bound gRPC address (the real port when 0 was asked for), or null. */
  public InetSocketAddress grpcAddress() {
    return grpc == null ? null : grpc.address();
  }

  /** The bound HTTP address, or null. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  /** The enricher learned something (e.g. a new probe event): ask pending spans again now. */
  public void enricherUpdated() {
    EnrichmentStage e = enrichment;
    if (e != null) {
      e.wake();
    }
  }

  public ReceiverStats stats() {
    return counters.snapshot();
  }

  /**
   * Lines worth telling the user at start-up: a receiver reachable from other hosts without TLS
   * or a required header.
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (ListenAddress a : new ListenAddress[] {config.grpc(), config.http()}) {
      if (a != null && !a.isLoopback()
          && (config.tlsCertificate() == null || config.authHeaderName() == null)) {
        out.add("otlp receiver on " + a + " is reachable from other hosts "
            + (config.tlsCertificate() == null ? "without TLS" : "")
            + (config.tlsCertificate() == null && config.authHeaderName() == null ? " and " : "")
            + (config.authHeaderName() == null ? "without a required header" : "")
            + ": consider --otlp-receiver-tls-cert/--otlp-receiver-tls-key and"
            + " --otlp-receiver-auth-header");
      }
    }
    return out;
  }

  /**
   * Stops receiving (new requests get UNAVAILABLE / 503, then the ports close), forwards what is
   * held for up to {@link ReceiverConfig#shutdownTimeout()}, drops and counts the rest, closes the
   * client. Takes at most the shutdown timeout plus about 2 s (servers and enrichment stop within
   * a second each). Safe before {@link #start()} and twice.
   */
  public synchronized void shutdown() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    if (ingest != null) {
      ingest.close();
    }
    if (grpc != null) {
      grpc.stop();
    }
    if (http != null) {
      http.stop();
    }
    if (enrichment != null) {
      enrichment.close();
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Same as {@link #shutdown()}. */
  @Override
  public void close() {
    shutdown();
  }
}
