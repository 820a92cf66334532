// Persistent variables for servers: ARC_PDATA is libs/pmem's ARC_PERSISTENT (the .pdata section,
// which the process's pager keeps across hot and warm restarts and discards on a cold one).
//
// Rules for persistent variables (they outlive the code that wrote them):
//   - constant-initialised only (a constructor would run again at every restart and wipe them);
//   - no pointers into non-persistent memory (the heap and the stack are rebuilt);
//   - group a server's significant state in one struct, so it can be checked as a whole.
#pragma once

#if __has_include(<pmem/persistent.hh>)
#include <pmem/persistent.hh>
#define ARC_PDATA ARC_PERSISTENT
#else
#define ARC_PDATA __attribute__((section(".pdata")))
#endif
