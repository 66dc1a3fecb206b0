package dev.goroscope.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Instruction starts and mnemonics of a function according to binutils' {@code objdump -d}. */
final class ObjdumpOracle {

  private static final Pattern LINE =
      Pattern.compile("^\\s*([0-9a-f]+):\\s+(\\S+)");

  private ObjdumpOracle() {}

  /** Address → AT&T mnemonic for every instruction in [start, end). */
  static TreeMap<Long, String> instructions(Path binary, long start, long end)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("objdump", "-d", "--no-show-raw-insn", "-w",
        String.format("--start-address=0x%x", start), String.format("--stop-address=0x%x", end),
        binary.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("objdump failed: " + out);
    }
    TreeMap<Long, String> insns = new TreeMap<>();
    for (String line : out.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        insns.put(Long.parseLong(m.group(1), 16), m.group(2));
      }
    }
    return insns;
  }
}
