/**
 * Goroutine stacks from outside the process: {@link dev.goroscope.gobinary.stack.StackUnwinder}
 * walks copied stack memory with the binary's pclntab as the Go runtime's own unwinder does,
 * {@link dev.goroscope.gobinary.stack.StackSymbolizer} expands each frame into its inlined
 * calls with file and line, and {@link dev.goroscope.gobinary.stack.GoTraceback} knows which of
 * them Go's dumps print, per Go version.
 */
package dev.goroscope.gobinary.stack;
