/**
 * x86-64 disassembly through Capstone 4 ({@code libcapstone4}, JNA): instruction boundaries
 * and mnemonics for computing safe uprobe offsets.
 */
package dev.goroscope.disasm;
