// Command probeinfo prints what the bpf module tests need to attach to a Go binary, read from
// the binary itself: struct field offsets from its DWARF and symbol addresses with their file
// offsets from its ELF symbol table and program headers. (The product gets these from the
// collector-core inspector; this is the tests' independent oracle.)
//
//	probeinfo BINARY field runtime.g.goid sym runtime.newproc1 waitreason "chan receive" ...
//
// prints one line per request: "field runtime.g.goid 152" (-1 when absent; "field runtime.g.m 48
// pointer" when the member is a pointer),
// "sym runtime.newproc1 0x4548c0 0x548c0" (address, file offset; "- -" when absent) or
// "waitreason 14 chan receive" (the code whose runtime.waitReasonStrings entry is that text;
// -1 when none).
package main

import (
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
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
			structName, path := splitField(name)
			off, ptr := fieldOffset(dw, structName, path)
			if ptr {
				fmt.Printf("field %s %d pointer\n", name, off)
			} else {
				fmt.Printf("field %s %d\n", name, off)
			}
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
		case "waitreason":
			fmt.Printf("waitreason %d %s\n", waitReason(f, syms, name), name)
		default:
			fail(fmt.Errorf("unknown request %q", kind))
		}
	}
}

// splitField splits runtime.g.sched.sp into the struct (the package path's last element and
// the type name: runtime.g, internal/abi.Type) and the member path (sched, sp).
func splitField(name string) (string, []string) {
	slash := strings.LastIndex(name, "/") + 1
	parts := strings.Split(name[slash:], ".")
	return name[:slash] + parts[0] + "." + parts[1], parts[2:]
}

// fieldOffset is the offset of the member path in the struct (-1 when absent), following
// nested struct members, and whether the last member is a pointer.
func fieldOffset(dw *dwarf.Data, structName string, path []string) (int64, bool) {
	r := dw.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fail(err)
		}
		if e == nil {
			return -1, false
		}
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != structName {
			if e.Tag != dwarf.TagCompileUnit {
				r.SkipChildren()
			}
			continue
		}
		t, err := dw.Type(e.Offset)
		if err != nil {
			fail(err)
		}
		var off int64
		var last *dwarf.StructField
		for _, name := range path {
			st, ok := underlying(t).(*dwarf.StructType)
			if !ok {
				return -1, false
			}
			last = nil
			for _, f := range st.Field {
				if f.Name == name {
					last = f
					break
				}
			}
			if last == nil {
				return -1, false
			}
			off += last.ByteOffset
			t = last.Type
		}
		_, ptr := last.Type.(*dwarf.PtrType)
		return off, ptr
	}
}

func underlying(t dwarf.Type) dwarf.Type {
	for {
		td, ok := t.(*dwarf.TypedefType)
		if !ok {
			return t
		}
		t = td.Type
	}
}

// waitReason is the index of text in the binary's runtime.waitReasonStrings ([N]string), read
// from the file: each element is a (pointer, length) pair pointing into read-only data.
func waitReason(f *elf.File, syms []elf.Symbol, text string) int {
	for _, s := range syms {
		if s.Name != "runtime.waitReasonStrings" {
			continue
		}
		arr := read(f, s.Value, s.Size)
		for i := 0; i+16 <= len(arr); i += 16 {
			ptr := binary.LittleEndian.Uint64(arr[i:])
			n := binary.LittleEndian.Uint64(arr[i+8:])
			if n == uint64(len(text)) && string(read(f, ptr, n)) == text {
				return i / 16
			}
		}
	}
	return -1
}

// read returns size bytes at virtual address addr from the section holding them.
func read(f *elf.File, addr, size uint64) []byte {
	for _, sec := range f.Sections {
		if sec.Type != elf.SHT_NOBITS && addr >= sec.Addr && addr+size <= sec.Addr+sec.Size {
			b := make([]byte, size)
			if _, err := sec.ReadAt(b, int64(addr-sec.Addr)); err != nil {
				fail(err)
			}
			return b
		}
	}
	fail(fmt.Errorf("no section holds %#x+%d", addr, size))
	return nil
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
