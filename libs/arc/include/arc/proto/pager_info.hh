// What the root task tells a pager about the process it pages (a read-only page at
// pager_info_addr in the pager's space), and where the root task maps things for it.
#pragma once
#include <arc/abi.hh>

namespace p3 {

using arc::word;

constexpr word pager_info_addr = 0xbfefe000;   // just below the pager's own information page
constexpr word image_base = 0x80000000;        // the client's ELF image (read-only)
constexpr word alt_image_base = 0x84000000;    // other programs a swap may run (64 MiB apart)
constexpr word alt_image_stride = 0x04000000;
constexpr word client_info_addr = 0x7ffff000;  // the client's proc::Info page (to map on)
constexpr word frame_window = 0x40000000;      // frames from the root task (root::frames)
constexpr word frame_window_log2 = 28;         // 256 MiB of window
constexpr word device_window = 0x90000000;     // device memory the client may use
constexpr word share_window = 0x50000000;      // shared regions from the root task
constexpr word share_window_log2 = 28;
constexpr word client_share_base = 0x70000000; // where shared regions appear in the client
constexpr word share_slot = 0x10000;           // one 64 KiB slot per region (16 pages at most)

// Capability slots of a pager.
constexpr arc::CapSlot client_space = 12;   // control
constexpr arc::CapSlot client_thread = 13;  // control, perfmon
constexpr arc::CapSlot fault_ep = 14;       // receive: faults and requests of the client

constexpr word info_magic = 0x52474150;       // "PAGR"

struct Info {
  word magic;
  word client_pid;
  char client_name[24];
  char program[24];
  word image_size;          // bytes at image_at
  word image_at;            // where the program's ELF image is in the pager's space: image_base,
                            //   or after a swap another program's window (alt_image_base ..)
  word machine;             // ELF machine of this target
  word n_devices;
  struct Device { word va, size; } devices[4];   // client va = device_window offset order
  // Fault injection (the server's fault= key; the root task passes it for the server's first
  // start only, so no restart brings it back): the pager plants a one-shot breakpoint at
  // fault_addr (on ARM bit 0: Thumb code) and, when it is hit, writes fault_bytes there (load)
  // or the image's own bytes (watch: the image holds the mutation already).
  enum FaultMode : word { fault_none, fault_load, fault_watch };
  word fault_mode;
  word fault_addr;
  word fault_len;           // load: 1..16
  unsigned char fault_bytes[16];
  // checkpoint=marked: the pager takes the checkpoints the server asks for at its own restore
  // points (arc::ServerCore::MarkRestorePoint); 0: it declines them.
  word checkpoint_marked;
};

} // namespace p3
