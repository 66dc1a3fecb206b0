package dev.goroscope.cli;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.BpfException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code goroscope} command line. Only this class prints errors and exits. */
@Command(
    name = "goroscope",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Watch an unmodified Go program with eBPF uprobes and export its goroutines as"
        + " OpenTelemetry traces.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; used by {@link #main} and by tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    // Bad input is one line that says what is wrong and where the help is, not the usage.
    cli.setParameterExceptionHandler((ex, unused) -> {
      CommandLine command = ex.getCommandLine();
      StringBuilder line = new StringBuilder("goroscope: ").append(lowerFirst(ex.getMessage()));
      if (ex instanceof CommandLine.UnmatchedArgumentException u
          && !u.getSuggestions().isEmpty()) {
        line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions()))
            .append("?)");
      }
      line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
      command.getErr().println(line);
      return command.getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          boolean debug = debugRequested(parseResult);
          if (debug) {
            ex.printStackTrace(err);
          }
          if (ex instanceof GoroscopeException ge) {
            err.println("goroscope: " + ge.getMessage());
            return ge.exitCode();
          }
          if (ex instanceof BpfException be) {
            // The kernel side's errors already say what failed and how to fix it.
            err.println("goroscope: " + be.getMessage());
            return 1;
          }
          err.println("goroscope: internal error: " + ex
              + (debug ? "" : " (run with --debug for the stack trace)"));
          return 70;
        });
    int code = cli.execute(args);
    err.flush();
    out.flush();
    return code;
  }

  private static String lowerFirst(String message) {
    String m = message == null ? "invalid input" : message.replace('\n', ' ').trim();
    if (m.startsWith("Error: ")) {
      m = m.substring("Error: ".length());
    }
    return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }

  /** Whether the command that failed was given {@code --debug} (as parsed, not raw text). */
  private static boolean debugRequested(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** The command tree, with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (Object sub : Subcommands.all()) {
      cli.addSubcommand(sub);
    }
    return cli;
  }

  /** Reads the version Maven filtered into version.properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties props = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          props.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"goroscope " + props.getProperty("version", "unknown")};
    }
  }
}
