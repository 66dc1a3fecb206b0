package dev.goroscope.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.sample.ChannelState;
import dev.goroscope.sample.ChannelWait;
import dev.goroscope.sample.GoroutineDump;
import dev.goroscope.sample.GoroutineSample;
import dev.goroscope.sample.GoroutineSampler;
import dev.goroscope.sample.ProcessSample;
import dev.goroscope.sample.SampleStats;
import dev.goroscope.sample.SamplerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code goroscope dump --pid N}: every goroutine of a running Go program with its stack, read
 * from the process's memory (no probe, no stop, nothing needed in the target), in the text
 * layout of Go's own dumps ({@code pprof goroutine?debug=2}) or as JSON.
 */
@Command(
    name = "dump",
    description = "Print every goroutine of a running Go program with its stack, read from its"
        + " memory without stopping it, in the layout of Go's own goroutine dumps (pprof"
        + " goroutine?debug=2), or as JSON with the channel or lock each blocked goroutine"
        + " waits on.")
final class DumpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--pid", paramLabel = "N", description = "the process to read (required)")
  Integer pid;

  @Option(names = "--json", description = "print a JSON array, one object per goroutine")
  boolean json;

  @Option(names = "--system",
      description = "also the runtime's own goroutines and runtime frames, as GOTRACEBACK=system")
  boolean system;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = "--debug", hidden = true, description = "print stack traces of errors")
  boolean debug;

  @Override
  public Integer call() {
    if (pid == null) {
      throw new GoroscopeException("dump needs --pid N: the Go process to read");
    }
    if (pid <= 0) {
      throw new GoroscopeException("--pid " + pid + " is not a process id");
    }
    ProcessSample sample;
    GoTraceback rules;
    try (GoroutineSampler sampler = GoroutineSampler.open(pid, SamplerConfig.defaults())) {
      sample = sampler.sample();
      rules = sampler.traceback();
    }
    PrintWriter out = spec.commandLine().getOut();
    GoroutineDump dump = new GoroutineDump(rules, system);
    if (json) {
      out.println(toJson(sample, dump, rules));
    } else {
      dump.write(sample, out);
    }
    out.flush();
    report(sample, spec.commandLine().getErr());
    return 0;
  }

  /** What a reader of the dump should know: goroutines left out, features unavailable. */
  static void report(ProcessSample sample, PrintWriter err) {
    SampleStats s = sample.stats();
    for (String note : sample.notes()) {
      err.println("goroscope: " + note);
    }
    if (s.tornDropped() > 0) {
      err.println("goroscope: " + s.tornDropped() + " goroutine" + (s.tornDropped() == 1 ? "" : "s")
          + " left out: changed while being read");
    }
    if (sample.goroutines().isEmpty()) {
      err.println("goroscope: no goroutines read (the process exited?)");
    }
    err.flush();
  }

  static String toJson(ProcessSample sample, GoroutineDump dump, GoTraceback rules) {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    ArrayNode array = mapper.createArrayNode();
    for (GoroutineSample g : sample.goroutines()) {
      if (dump.lists(g)) {
        array.add(goroutine(mapper, g, dump.system(), rules));
      }
    }
    try {
      return mapper.writeValueAsString(array);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode goroutine(ObjectMapper m, GoroutineSample g, boolean system,
      GoTraceback rules) {
    ObjectNode o = m.createObjectNode();
    o.put("goid", g.goid());
    o.put("status", g.status().text());
    o.put("waitReason", g.waitReason());
    if (g.waitSinceNs() != 0) {
      o.put("waitSinceNs", g.waitSinceNs());
    } else {
      o.putNull("waitSinceNs");
    }
    o.put("parentGoid", g.parentGoid());
    o.put("startFunction", g.startFunction());
    ObjectNode created = o.putObject("createdBy");
    StackFrame c = g.createdBy();
    created.put("function", c == null ? "" : c.function());
    created.put("file", c == null ? "" : c.file());
    created.put("line", c == null ? 0 : c.line());
    o.put("lockedToThread", g.lockedToThread());
    ArrayNode stack = o.putArray("stack");
    if (g.stack() != null) {
      List<StackFrame> frames = system ? g.stack().frames() : rules.visible(g.stack().frames());
      for (StackFrame f : frames) {
        ObjectNode fn = stack.addObject();
        fn.put("function", f.function());
        fn.put("file", f.file());
        fn.put("line", f.line());
      }
    }
    o.put("stackRead", g.stack() != null);
    o.put("stackComplete", g.stack() != null && g.stack().complete());
    if (g.channel().isPresent()) {
      o.set("channel", channel(m, g.channel().get()));
    } else {
      o.putNull("channel");
    }
    ArrayNode channels = o.putArray("channels");
    for (ChannelWait w : g.channels()) {
      channels.add(channel(m, w));
    }
    if (g.semaphore() != 0) {
      o.put("semaphore", hex(g.semaphore()));
    } else {
      o.putNull("semaphore");
    }
    o.put("system", g.system());
    return o;
  }

  private static ObjectNode channel(ObjectMapper m, ChannelWait w) {
    ChannelState c = w.channel();
    ObjectNode o = m.createObjectNode();
    o.put("address", hex(c.address()));
    o.put("elemType", c.elemType());
    o.put("capacity", c.capacity());
    o.put("length", c.length());
    o.put("closed", c.closed());
    o.put("waitingSenders", c.waitingSenders());
    o.put("waitingReceivers", c.waitingReceivers());
    o.put("direction", w.direction().name().toLowerCase(Locale.ROOT));
    return o;
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
