// Command probeinfo prints what the bpf module tests need to attach to a Go binary, read from
// the binary itself: struct field offsets from its DWARF and symbol addresses with their file
// offsets from its ELF symbol table and program headers. (The product gets these from the
// collector-core inspector; this is the tests' independent oracle.)
//
//	probeinfo BINARY field runtime.g.goid sym runtime.newproc1 ...
//
// prints one line per request: "field runtime.g.goid 152" (-1 when absent) or
// "sym runtime.newproc1 0x4548c0 0x548c0" (address, file offset; "- -" when absent).
package main

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"os"
	"strings"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	var dw *dwarf.Data
	syms, _ := f.Symbols()
	args := os.Args[2:]
	for i := 0; i+1 < len(args); i += 2 {
		kind, name := args[i], args[i+1]
		switch kind {
		case "field":
			if dw == nil {
				if dw, err = f.DWARF(); err != nil {
					fail(err)
				}
			}
			dot := strings.LastIndex(name, ".")
			fmt.Printf("field %s %d\n", name, fieldOffset(dw, name[:dot], name[dot+1:]))
		case "sym":
			addr, off := uint64(0), uint64(0)
			found := false
			for _, s := range syms {
				if s.Name == name {
					addr, found = s.Value, true
					break
				}
			}
			if found {
				off, found = fileOffset(f, addr)
			}
			if found {
				fmt.Printf("sym %s %#x %#x\n", name, addr, off)
			} else {
				fmt.Printf("sym %s - -\n", name)
			}
		default:
			fail(fmt.Errorf("unknown request %q", kind))
		}
	}
}

func fieldOffset(dw *dwarf.Data, structName, field string) int64 {
	r := dw.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fail(err)
		}
		if e == nil {
			return -1
		}
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != structName {
			if e.Tag != dwarf.TagCompileUnit {
				r.SkipChildren()
			}
			continue
		}
		if !e.Children {
			continue
		}
		for {
			c, err := r.Next()
			if err != nil {
				fail(err)
			}
			if c == nil || c.Tag == 0 {
				break
			}
			if c.Tag == dwarf.TagMember && c.Val(dwarf.AttrName) == field {
				if off, ok := c.Val(dwarf.AttrDataMemberLoc).(int64); ok {
					return off
				}
			}
		}
	}
}

func fileOffset(f *elf.File, addr uint64) (uint64, bool) {
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && addr >= p.Vaddr && addr < p.Vaddr+p.Filesz {
			return addr - p.Vaddr + p.Off, true
		}
	}
	return 0, false
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "probeinfo:", err)
	os.Exit(1)
}
