/** {@code process_vm_readv(2)} through JNA: the only native binding of process memory reads. */
package dev.goroscope.process.internal;
