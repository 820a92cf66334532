// C++ allocation over newlib's malloc. No exceptions: running out of memory in a plain new is
// reported on the console and aborts; the nothrow forms return null.
#include <new>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

// arc-libc compiles C++ with -faligned-new=8: newlib's malloc guarantees 8 bytes, no more.
static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ <= 8, "plain new must not promise more than malloc");

namespace std {
const nothrow_t nothrow{};
}

namespace {
void *checked(void *p) {
  if (!p) {
    static const char msg[] = "[libc] operator new: out of memory\n";
    write(2, msg, sizeof(msg) - 1);
    abort();
  }
  return p;
}
void *aligned(size_t size, std::align_val_t align) {
  return memalign(static_cast<size_t>(align), size ? size : 1);
}
} // namespace

void *operator new(size_t size) { return checked(malloc(size ? size : 1)); }
void *operator new[](size_t size) { return checked(malloc(size ? size : 1)); }
void *operator new(size_t size, const std::nothrow_t &) noexcept {
  return malloc(size ? size : 1);
}
void *operator new[](size_t size, const std::nothrow_t &) noexcept {
  return malloc(size ? size : 1);
}
void *operator new(size_t size, std::align_val_t align) { return checked(aligned(size, align)); }
void *operator new[](size_t size, std::align_val_t align) { return checked(aligned(size, align)); }
void operator delete(void *p) noexcept { free(p); }
void operator delete[](void *p) noexcept { free(p); }
void operator delete(void *p, size_t) noexcept { free(p); }
void operator delete[](void *p, size_t) noexcept { free(p); }
void operator delete(void *p, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { free(p); }
void operator delete(void *p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void *p, size_t, std::align_val_t) noexcept { free(p); }
