// A tiny static ia32 program linked with libs/pmem/pdata.ld: test_elf.cc checks that its
// persistent variables land in a page-aligned .pdata section of the writable segment.
#include "pmem/persistent.hh"

ARC_PERSISTENT int counter = 5;
ARC_PERSISTENT char buffer[5000];
int ordinary = 3;
int zeroed;

extern "C" [[noreturn]] void _start() {
  counter += ordinary + zeroed + buffer[0] + int(__pdata_end - __pdata_start);
  for (;;) asm volatile("");
}
