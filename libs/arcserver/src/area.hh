// The framework's persistent area: everything libs/arcserver keeps across restarts, in one struct
// in its own section (.pdata.arc, gathered by libs/pmem/pdata.ld into the output section .parc,
// just before the server's .pdata). Hot and warm restarts keep it with the rest of persistent
// memory. A swap (a warm restart into another program, docs/restarts.md) keeps only this: the
// pager copies .parc from the old program into the new one when both have the same layout
// stamp and size, while the server's own .pdata starts over from the new image.
#pragma once
#include <arc/server.hh>   // (not arc/proto/names.hh: it declares arc::printf, which would
                           // take the place of ::printf in the framework's sources)

namespace arc::detail {

// Everything the framework keeps of the requests and sessions in one place.
struct FrameworkState {
  word magic;              // state_magic once a server has started with this image
  word starts;             // recoveries so far (Begin() with valid state)
  word served;             // requests served
  InFlight in_flight;
  SessionTable sessions;
  word panics;
  char panic_msg[120];
};

// A deferred request (Defer()): what a swap re-issues to the new program, through the reply
// right kept in `slot`. Requests of more than max_deferred_words - 1 untyped words are not
// recorded (none of Arc's interfaces defers such a request).
constexpr unsigned max_deferred_words = 8;
constexpr unsigned max_deferred_records = 16;
struct DeferredRecord {
  CapSlot slot;      // 0: free
  word badge, seq;
  word order;        // when it was deferred: re-issued oldest first
  word mr[max_deferred_words];
};

// What this program published (publish_again(), process.cc).
struct Published { char name[6 * sizeof(word)]; CapSlot ep; };   // names::name_words (process.cc)
constexpr unsigned max_published = 4;
constexpr unsigned slot_count = 64;   // capability slots slot_alloc() hands out

// An interrupt association the server made (ServerCore::AttachIrq): a checkpoint records them,
// a restore makes them again (docs/restarts.md, "Checkpoint and restore").
struct IrqAssociation { word line; CapSlot slot, ep; };   // slot 0: free
constexpr unsigned max_irq_associations = 4;

struct FrameworkArea {
  word layout;       // layout_stamp (constant: in the image, so the pager can compare)
  // The server's writes to its device so far (ServerCore::DeviceChanged): kept by every restart
  // and by a restore, so the pager tells whether a checkpoint still matches the device
  // (arc/proto/pager.hh, parc_has_device_epoch). Second, where the pager looks for it.
  word device_epoch;
  FrameworkState fw;
  DeferredRecord deferred[max_deferred_records];
  word deferred_order;
  word slot_map[slot_count / (8 * sizeof(word))];
  Published published[max_published];
  IrqAssociation irqs[max_irq_associations];
};

// Changes whenever FrameworkArea does (its size, and a version for the rest): a program whose
// stamp differs has another layout, and the pager does not carry the area into it.
constexpr word area_version = 3;   // 2: the interrupt associations; 3: the device epoch
constexpr word layout_stamp = 0x41520000u | (area_version << 12) | (sizeof(FrameworkArea) & 0xfff);

extern FrameworkArea g_area;

} // namespace arc::detail
