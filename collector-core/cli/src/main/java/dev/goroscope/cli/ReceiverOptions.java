package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.otel.export.OtlpSettings;
import dev.goroscope.otel.receiver.ForwardConfig;
import dev.goroscope.otel.receiver.ListenAddress;
import dev.goroscope.otel.receiver.OtlpReceiver;
import dev.goroscope.otel.receiver.ReceiverConfig;
import dev.goroscope.otel.receiver.Signal;
import dev.goroscope.otel.receiver.SpanEnricher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --otlp-receiver} and friends: goroscope also receives the application's own OTLP and
 * forwards it, unchanged, to the OTLP endpoint its own spans go to. The receiver itself lives in
 * otel-mapping ({@link OtlpReceiver}); this only maps flags and the OTLP settings onto it.
 */
final class ReceiverOptions {

  @Option(names = "--otlp-receiver", paramLabel = "[HOST:]PORT",
      description = "Receive the application's OTLP/gRPC here (e.g. 4317; loopback unless a host"
          + " is given) and forward it unchanged to the OTLP endpoint.")
  String grpc;

  @Option(names = "--otlp-http-receiver", paramLabel = "[HOST:]PORT",
      description = "Receive the application's OTLP/HTTP (protobuf or JSON) here (e.g. 4318)"
          + " and forward it likewise.")
  String http;

  @Option(names = "--otlp-receiver-tls-cert", paramLabel = "PEM",
      description = "Serve the receivers over TLS with this certificate chain (needs"
          + " --otlp-receiver-tls-key).")
  Path tlsCertificate;

  @Option(names = "--otlp-receiver-tls-key", paramLabel = "PEM",
      description = "The PKCS#8 private key of --otlp-receiver-tls-cert.")
  Path tlsKey;

  @Option(names = "--otlp-receiver-auth-header", paramLabel = "NAME=VALUE",
      defaultValue = "${env:GOROSCOPE_OTLP_RECEIVER_AUTH_HEADER}",
      description = "Refuse requests without this header, e.g. \"authorization=Bearer TOKEN\""
          + " (default: GOROSCOPE_OTLP_RECEIVER_AUTH_HEADER, which keeps it out of ps).")
  String authHeader;

  @Option(names = "--otlp-receiver-max-message-size", paramLabel = "BYTES",
      description = "Largest request accepted, after decompression (default: 4194304).")
  Integer maxMessageBytes;

  @Option(names = "--otlp-receiver-queue-size", paramLabel = "BYTES",
      description = "Bytes of received requests held for forwarding at most; beyond it"
          + " senders are told to retry later (default: 67108864).")
  Long maxQueueBytes;

  /**
   * How long a received request may wait for the probe events of its spans. Longer than the
   * receiver's own default: the correlator works through its reorder window and, on a busy
   * machine, may run a second or two behind; the application is answered at once either way.
   */
  static final Duration DEFAULT_ENRICHMENT_WAIT = Duration.ofSeconds(2);

  @Option(names = "--otlp-receiver-enrichment-wait", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long a received request may wait for the probe events that add"
          + " goroutine.id to its spans; the application is answered at once (default: 2s).")
  Duration enrichmentWait = DEFAULT_ENRICHMENT_WAIT;

  boolean enabled() {
    return grpc != null || http != null;
  }

  /** How long {@link OtlpReceiver#shutdown()} may take at most. */
  static Duration shutdownBound() {
    return ReceiverConfig.DEFAULT_SHUTDOWN_TIMEOUT.plusSeconds(3);
  }

  /**
   * Starts the receiver when asked for, forwarding to where {@code otlp} points.
   *
   * @return the running receiver, or null when no receiver flag was given
   */
  OtlpReceiver start(OutputOptions output, PrintWriter err) {
    return start(output, err, SpanEnricher.NONE);
  }

  /**
   * As {@link #start(OutputOptions, PrintWriter)}, adding what {@code enricher} knows to the
   * application's spans on the way.
   */
  OtlpReceiver start(OutputOptions output, PrintWriter err, SpanEnricher enricher) {
    if (!enabled()) {
      return null;
    }
    if (!output.isEndpointConfigured()) {
      throw new GoroscopeException("--otlp-receiver needs an endpoint to forward to: set"
          + " --otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT");
    }
    OtlpSettings otlp = output.otlpSettings();
    OtlpReceiver receiver;
    try {
      receiver = OtlpReceiver.create(receiverConfig(), forwardConfig(otlp), enricher);
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException(e.getMessage());
    }
    try {
      receiver.start();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new GoroscopeException(e.getMessage());
    }
    List<String> where = new ArrayList<>();
    if (receiver.grpcAddress() != null) {
      where.add(hostPort(receiver.grpcAddress()) + " (gRPC)");
    }
    if (receiver.httpAddress() != null) {
      where.add(hostPort(receiver.httpAddress()) + " (HTTP)");
    }
    err.println("goroscope: otlp receiver listening on " + String.join(", ", where)
        + ", forwarding to " + otlp.endpoint() + " (" + otlp.protocol() + ")");
    for (String w : receiver.warnings()) {
      err.println("goroscope: warning: " + w);
    }
    err.flush();
    return receiver;
  }

  private static String hostPort(java.net.InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  private ReceiverConfig receiverConfig() {
    try {
      ReceiverConfig.Builder b = ReceiverConfig.builder();
      if (grpc != null) {
        b.setGrpc(parse(grpc, "--otlp-receiver"));
      }
      if (http != null) {
        b.setHttp(parse(http, "--otlp-http-receiver"));
      }
      if (tlsCertificate != null || tlsKey != null) {
        if (tlsCertificate == null || tlsKey == null) {
          throw new GoroscopeException("--otlp-receiver-tls-cert and --otlp-receiver-tls-key"
              + " go together");
        }
        b.setTls(tlsCertificate, tlsKey);
      }
      if (authHeader != null && !authHeader.isBlank()) {
        b.setRequiredHeader(authHeader);
      }
      if (maxMessageBytes != null) {
        b.setMaxMessageBytes(maxMessageBytes);
      }
      if (maxQueueBytes != null) {
        b.setMaxQueueBytes(maxQueueBytes);
      }
      b.setEnrichmentWait(enrichmentWait);
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException(e.getMessage());
    }
  }

  private static ListenAddress parse(String value, String flag) {
    try {
      return ListenAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw new GoroscopeException(flag + " " + e.getMessage());
    }
  }

  /** The same endpoint, protocol, headers, timeout, compression and TLS as goroscope's spans. */
  static ForwardConfig forwardConfig(OtlpSettings otlp) {
    boolean grpc = otlp.isGrpc();
    ForwardConfig.Builder b = ForwardConfig.builder()
        .setProtocol(grpc ? ForwardConfig.Protocol.GRPC : ForwardConfig.Protocol.HTTP_PROTOBUF)
        .setEndpoint(grpc ? otlp.endpoint() : otlp.baseEndpoint())
        .setHeaders(otlp.headers())
        .setTimeout(otlp.timeout())
        .setGzip("gzip".equals(otlp.compression()))
        .setTrustedCertificates(otlp.certificate());
    if (!grpc) {
      // Exactly where goroscope's own spans and metrics go (signal-specific URLs kept as is).
      b.setEndpoint(Signal.TRACES, otlp.endpoint())
          .setEndpoint(Signal.METRICS, otlp.metricsEndpoint());
    }
    if (otlp.clientKey() != null && otlp.clientCertificate() != null) {
      b.setClientTls(otlp.clientKey(), otlp.clientCertificate());
    }
    return b.build();
  }
}
