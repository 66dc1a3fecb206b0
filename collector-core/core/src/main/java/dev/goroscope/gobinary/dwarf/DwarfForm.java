package dev.goroscope.gobinary.dwarf;

/** DW_FORM_* codes (DWARF 5 table 7.6, plus the GNU extensions seen in the wild). */
final class DwarfForm {
  static final int ADDR = 0x01;
  static final int BLOCK2 = 0x03;
  static final int BLOCK4 = 0x04;
  static final int DATA2 = 0x05;
  static final int DATA4 = 0x06;
  static final int DATA8 = 0x07;
  static final int STRING = 0x08;
  static final int BLOCK = 0x09;
  static final int BLOCK1 = 0x0a;
  static final int DATA1 = 0x0b;
  static final int FLAG = 0x0c;
  static final int SDATA = 0x0d;
  static final int STRP = 0x0e;
  static final int UDATA = 0x0f;
  static final int REF_ADDR = 0x10;
  static final int REF1 = 0x11;
  static final int REF2 = 0x12;
  static final int REF4 = 0x13;
  static final int REF8 = 0x14;
  static final int REF_UDATA = 0x15;
  static final int INDIRECT = 0x16;
  static final int SEC_OFFSET = 0x17;
  static final int EXPRLOC = 0x18;
  static final int FLAG_PRESENT = 0x19;
  static final int STRX = 0x1a;
  static final int ADDRX = 0x1b;
  static final int REF_SUP4 = 0x1c;
  static final int STRP_SUP = 0x1d;
  static final int DATA16 = 0x1e;
  static final int LINE_STRP = 0x1f;
  static final int REF_SIG8 = 0x20;
  static final int IMPLICIT_CONST = 0x21;
  static final int LOCLISTX = 0x22;
  static final int RNGLISTX = 0x23;
  static final int REF_SUP8 = 0x24;
  static final int STRX1 = 0x25;
  static final int STRX2 = 0x26;
  static final int STRX3 = 0x27;
  static final int STRX4 = 0x28;
  static final int ADDRX1 = 0x29;
  static final int ADDRX2 = 0x2a;
  static final int ADDRX3 = 0x2b;
  static final int ADDRX4 = 0x2c;
  static final int GNU_ADDR_INDEX = 0x1f01;
  static final int GNU_STR_INDEX = 0x1f02;
  static final int GNU_REF_ALT = 0x1f20;
  static final int GNU_STRP_ALT = 0x1f21;

  private DwarfForm() {}
}
