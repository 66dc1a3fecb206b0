package dev.goroscope.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.LoadBias;
import dev.goroscope.record.CodeLocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code goroscope inspect}: reads a Go executable without running it and prints what probing
 * it needs (version, symbols, struct offsets, probe sites), or resolves one PC.
 */
@Command(
    name = "inspect",
    description = "Read a Go executable without running it and print what goroscope needs to"
        + " probe it: Go version, module, symbols, struct offsets and uprobe sites. Binaries of"
        + " Go releases goroscope cannot attach to are still shown, marked unsupported.")
final class InspectCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  static final class Target {
    @Parameters(paramLabel = "BINARY", description = "the Go executable to read")
    Path binary;

    @Option(names = "--pid", paramLabel = "N",
        description = "read the executable of running process N (/proc/N/exe)")
    Integer pid;
  }

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = "--json", description = "print JSON for machines")
  boolean json;

  @Option(names = "--resolve", paramLabel = "0xADDR",
      description = "print 'function file:line' for this program counter and exit (with --pid,"
          + " a run-time PC: the PIE load bias is taken from /proc/N/maps)")
  String resolve;

  @Option(names = "--debug", hidden = true, description = "print stack traces of errors")
  boolean debug;

  @Override
  public Integer call() {
    Path path = target.pid != null ? processExecutable(target.pid) : target.binary;
    PrintWriter out = spec.commandLine().getOut();
    GoBinary binary = open(path);
    if (resolve != null) {
      long pc = parseAddress(resolve);
      // A running PIE process is relocated (ASLR): its PCs are file addresses + the load bias.
      long bias = target.pid != null ? LoadBias.forProcess(target.pid, binary.elf()) : 0;
      CodeLocation loc = binary.resolve(pc - bias);
      if (!loc.isKnown()) {
        throw new GoroscopeException(String.format(Locale.ROOT,
            "0x%x is not in any Go function of %s", pc, path));
      }
      if (json) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("address", pc);
        node.put("loadBias", bias);
        node.put("function", loc.function());
        node.put("file", loc.file());
        node.put("line", loc.line());
        out.println(toJson(node));
      } else {
        out.println(loc.function() + " " + loc.file() + ":" + loc.line());
      }
      return 0;
    }
    InspectReport report = InspectReport.create(binary);
    out.print(json ? toJson(report.toJson()) + "\n" : report.toText());
    out.flush();
    return 0;
  }

  private GoBinary open(Path path) {
    if (target.pid == null) {
      return GoBinary.open(path);
    }
    try {
      return GoBinary.open(path);
    } catch (BinaryFormatException e) {
      String exe;
      try {
        exe = Files.readSymbolicLink(path).toString();
      } catch (IOException | UnsupportedOperationException e2) {
        exe = "?";
      }
      throw new BinaryFormatException("process " + target.pid + " runs " + exe + ": "
          + e.getMessage(), e);
    }
  }

  /** /proc/N/exe of a live process, with a clear message when there is none or it is hidden. */
  static Path processExecutable(int pid) {
    if (pid <= 0) {
      throw new GoroscopeException("--pid " + pid + " is not a process id");
    }
    Path proc = Path.of("/proc", Integer.toString(pid));
    if (!Files.isDirectory(proc)) {
      throw new GoroscopeException("no process with pid " + pid);
    }
    Path exe = proc.resolve("exe");
    if (!Files.isReadable(exe)) {
      throw new GoroscopeException("cannot read " + exe + " of process " + pid
          + ": permission denied or a kernel thread (run as root or as the process's user)");
    }
    return exe;
  }

  static long parseAddress(String s) {
    String hex = s.strip();
    if (hex.startsWith("0x") || hex.startsWith("0X")) {
      hex = hex.substring(2);
    }
    try {
      return Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new GoroscopeException("--resolve " + s + " is not a hexadecimal address such as"
          + " 0x4af0a0");
    }
  }

  static String toJson(ObjectNode node) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
