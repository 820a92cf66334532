// User-level bindings of the Arc system calls.
//
// Thin inline wrappers: IPC inline (arc::arch::ipc in <arc/arch.hh>, which moves MR0..MR2 between
// the UTCB and the registers that carry them), the other calls through a generic assembly stub
// per architecture (arch/<arch>/syscall.S).
// User code reads and writes message registers in its UTCB only.
#pragma once
#include <arc/abi.hh>
#include <arc/arch.hh>

extern "C" {
// in[6] arguments, out[5] results.
arc::word arc_syscall(arc::word nr, const arc::word *in, arc::word *out);
}

namespace arc {

// The calling thread's UTCB: the kernel keeps Utcb::self pointing at it.
inline Utcb *utcb() { return arch::utcb(); }

struct Result {
  Status status;
  word r[5];
  bool ok() const { return status == Status::ok; }
};

inline Result syscall(Sys nr, word a0 = 0, word a1 = 0, word a2 = 0, word a3 = 0, word a4 = 0,
                      word a5 = 0) {
  const word in[6] = {a0, a1, a2, a3, a4, a5};
  Result res{};
  res.status = Status(arc_syscall(word(nr), in, res.r));
  return res;
}

// ---- IPC ----------------------------------------------------------------------------------
constexpr word forever = ipc::timeouts(ipc::t_never, ipc::t_never);

inline Status ipc_raw(word flags, CapSlot dest, CapSlot src, word timeouts, word *badge) {
  return Status(arch::ipc(word(Sys::ipc) | flags, dest, src, timeouts, badge));
}
inline Status send(CapSlot ep, word timeouts = forever) {
  return ipc_raw(ipc::send, ep, 0, timeouts, nullptr);
}
inline Status call(CapSlot ep, word timeouts = forever) {
  return ipc_raw(ipc::send | ipc::call, ep, 0, timeouts, nullptr);
}
inline Status recv(CapSlot ep, word *badge = nullptr, word timeouts = forever) {
  return ipc_raw(ipc::recv, 0, ep, timeouts, badge);
}
inline Status reply(word timeouts = ipc::timeouts(ipc::t_zero, ipc::t_zero)) {
  return ipc_raw(ipc::reply, 0, 0, timeouts, nullptr);
}
inline Status reply_wait(CapSlot ep, word *badge = nullptr, word timeouts = forever) {
  return ipc_raw(ipc::reply | ipc::recv, 0, ep, timeouts, badge);
}
// Block for ms milliseconds (a receive nobody can answer).
inline void sleep_ms(word ms) { ipc_raw(ipc::recv, 0, 0, ipc::timeouts(0, ms), nullptr); }

// ---- objects and capabilities ---------------------------------------------------------------
inline Status create(CapSlot factory, ObjType type, CapSlot dst, word arg = 0) {
  return syscall(Sys::create, factory, word(type), dst, arg).status;
}
inline Status cap_copy(CapSlot src, CapSlot dst_space, CapSlot dst, word rights_mask = rights::all) {
  return syscall(Sys::cap_ctl, word(CapOp::copy), src, dst_space, dst, rights_mask).status;
}
inline Status cap_mint(CapSlot src, CapSlot dst_space, CapSlot dst, word rights_mask, word badge) {
  return syscall(Sys::cap_ctl, word(CapOp::mint), src, dst_space, dst, rights_mask, badge).status;
}
inline Status cap_move(CapSlot src, CapSlot dst_space, CapSlot dst) {
  return syscall(Sys::cap_ctl, word(CapOp::move), src, dst_space, dst).status;
}
// Move the capability in src_slot of src_space's capability space to dst_slot of dst_space's
// (either may be cap_self); count > 1 moves a range of slots, empty ones skipped (r[0] = moved).
inline Result cap_take(CapSlot src_space, CapSlot src_slot, CapSlot dst_space, CapSlot dst_slot,
                       word count = 1) {
  return syscall(Sys::cap_ctl, word(CapOp::take), src_space, src_slot, dst_space, dst_slot, count);
}
inline Status cap_delete(CapSlot slot) {
  return syscall(Sys::cap_ctl, word(CapOp::remove), slot).status;
}
inline Status cap_revoke(CapSlot slot) {
  return syscall(Sys::cap_ctl, word(CapOp::revoke), slot).status;
}
// -> r[0] type, r[1] rights, r[2] badge; a factory (control): r[3] quota, r[4] bytes used;
// a saved reply right: r[3] 1 while its caller still waits
inline Result cap_identify(CapSlot slot) {
  return syscall(Sys::cap_ctl, word(CapOp::identify), slot);
}
// The secure domain of the object in `slot` (0: the boot domain); ~0 when the slot is empty.
inline word cap_domain(CapSlot slot) {
  const Result r = syscall(Sys::cap_ctl, word(CapOp::domain), slot);
  return r.ok() ? r.r[0] : ~word(0);
}
// Whether the capabilities in slots a and b name the same object (false also when either is
// empty or out of range).
inline bool cap_same(CapSlot a, CapSlot b) {
  const Result r = syscall(Sys::cap_ctl, word(CapOp::same), a, b);
  return r.ok() && r.r[0] == 1;
}

inline Status thread_ctl(CapSlot thread, ThreadOp op, word a = 0, word b = 0, word c = 0) {
  return syscall(Sys::thread_ctl, thread, word(op), a, b, c).status;
}
// -> r[0] old ip, r[1] old sp, r[2] old flags, r[3] state
inline Result exchange_registers(CapSlot thread, word flags, word ip = 0, word sp = 0, word uflags = 0) {
  return syscall(Sys::exregs, thread, flags, ip, sp, uflags);
}
inline Status unmap(word fpage, bool self = false) {
  return syscall(Sys::unmap, fpage, self ? 1 : 0).status;
}
inline Status irq_ctl(IrqOp op, CapSlot cap, word a = 0, word b = 0) {
  return syscall(Sys::irq_ctl, word(op), cap, a, b).status;
}
inline Status ioport(IoOp op, CapSlot cap, word a = 0, word b = 0, word c = 0) {
  return syscall(Sys::ioport, word(op), cap, a, b, c).status;
}
inline Result perfmon(CapSlot thread, PerfOp op, word counter = 0, word event = 0) {
  return syscall(Sys::perfmon, thread, word(op), counter, event);
}
inline unsigned long long perf_read(CapSlot thread, unsigned counter, Status *st = nullptr) {
  Result r = perfmon(thread, PerfOp::read, counter);
  if (st) *st = r.status;
  return (static_cast<unsigned long long>(r.r[1]) << 32) | r.r[0];
}
inline void yield() { syscall(Sys::yield); }

inline void kd_putc(char c) { syscall(Sys::kdebug, word(KdOp::putc), word(c)); }
[[noreturn]] void kd_exit(word status);
inline word kd_ticks() { return syscall(Sys::kdebug, word(KdOp::ticks)).r[0]; }
// The kernel's tick count in milliseconds (the call gives the ticks and the milliseconds a tick
// lasts); 0 if it fails.
inline word ticks_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.ok() ? r.r[0] * (r.r[1] ? r.r[1] : 1) : 0;
}

// Console output through the kernel debug call (until a console server exists).
void kd_puts(const char *s);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// The same small formatter (%d %u %x %p %c %s %%, a width, 0 padding, l and ll) into buf, like
// snprintf: at most size - 1 characters and a NUL; returns the length the whole text has. A few
// instructions a character, where newlib's vfprintf takes some 45 (arc::log_line, <arc/server.hh>).
int format(char *buf, unsigned size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vformat(char *buf, unsigned size, const char *fmt, __builtin_va_list ap);
// Text put before each line printf prints (null: none): a secure domain's root task marks its
// lines with its domain's name on the console every domain shares.
void set_print_prefix(const char *prefix);

} // namespace arc
