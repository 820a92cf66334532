// PSCI calls on QEMU's virt machine. QEMU implements PSCI itself when it boots a kernel with
// -kernel (no firmware) and picks the conduit from the exception levels it emulates
// (hw/arm/virt.c; the device tree it makes says the same in /psci "method"):
//   - no EL2 (the default, as tools/qemu-run.py starts it): HVC, trapped by QEMU before any
//     hypervisor would see it;
//   - EL2 emulated (-M virt,virtualization=on): SMC, since HVC belongs to the guest's own Hyp mode
//     (our boot.S drops from Hyp to SVC and installs no Hyp vectors, so an HVC would be lost).
// QEMU clears ID_PFR1.Virtualization when it emulates no EL2, so that field tells the two apart
// at run time; the kernel itself always runs in SVC mode.
#include "psci.hh"
#include "arch/cpu.hh"

namespace kern::platform::psci {

namespace {
constexpr uint32_t fn_system_reset = 0x84000009;

bool has_el2() {
  const uint32_t id_pfr1 = ARC_CP15_READ(c0, 0, c1, 1);
  return (id_pfr1 >> 12) & 0xf;   // Virtualization Extensions implemented
}
} // namespace

void system_reset() {
  // SMC Calling Convention (ARM DEN 0028), AArch32: function id in r0, arguments in r1..r3,
  // result in r0; r0..r3 may change.
  register uint32_t r0 asm("r0") = fn_system_reset;
  register uint32_t r1 asm("r1") = 0, r2 asm("r2") = 0, r3 asm("r3") = 0;
  if (has_el2())
    asm volatile(".arch_extension sec\n smc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) :: "memory");
  else
    asm volatile(".arch_extension virt\n hvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) :: "memory");
}

} // namespace kern::platform::psci
