# ia32-pc: the host gcc in 32-bit mode, freestanding. Debian's gcc-multilib supplies -m32.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_ASM_COMPILER gcc)
# pentium3 is the benchmark CPU (tools/qemu/targets.py, docs/benchmarks.md): the code must not need SSE2.
set(CMAKE_C_FLAGS_INIT "-m32 -march=pentium3")
set(CMAKE_CXX_FLAGS_INIT "-m32 -march=pentium3")
set(CMAKE_ASM_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32 -nostdlib -static -Wl,--build-id=none")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(ARC_ARCH ia32)
set(ARC_PLATFORM pc)
