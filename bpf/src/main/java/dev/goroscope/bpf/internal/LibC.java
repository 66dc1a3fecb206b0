package dev.goroscope.bpf.internal;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** JNA binding of the few libc calls the ring buffer reader and feature checks need. */
interface LibC extends Library {

  LibC INSTANCE = Native.load("c", LibC.class);

  Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

  int munmap(Pointer addr, long length);

  int epoll_create1(int flags);

  int epoll_ctl(int epfd, int op, int fd, Pointer event);

  int eventfd(int initval, int flags);

  long write(int fd, Pointer buf, long count);

  int close(int fd);

  int open(String path, int flags);

  int getpagesize();

  int geteuid();

  String strerror(int errnum);

  /** On x86-64 a va_list argument is passed as a pointer to its __va_list_tag. */
  int vsnprintf(Pointer buf, long size, String format, Pointer vaList);
}
