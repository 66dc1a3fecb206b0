package dev.goroscope.gobinary.pclntab;

/**
 * One source-level frame of a PC: the function itself or one of the calls inlined into it, as
 * the runtime's inline unwinder ({@code runtime/symtabinl.go}) yields them.
 *
 * @param function the function name as the table spells it ({@code main.worker}, {@code
 *     main.F[go.shape.int]})
 * @param file source file of this frame's line
 * @param line line number in {@code file}
 * @param funcId the function's {@code abi.FuncID} (its numbering depends on the Go version)
 * @param inlined true for a call inlined into the physical function
 */
public record SourceFrame(String function, String file, int line, int funcId, boolean inlined) {}
