#!/bin/sh
# Build newlib for Arc user programs on IA32 from Debian's newlib-source tarball with the host
# gcc in 32-bit mode, and install its headers and libraries into OUT/include and OUT/lib.
#
#   cmake/build-newlib-ia32.sh TARBALL OUT [JOBS]
#
# Run by the build (cmake/newlib.cmake) when OUT/lib/libc.a is missing or older than the tarball
# or this script; changing a flag below therefore rebuilds newlib. Work files go to OUT/work and
# are removed after a successful build, except the logs (OUT/work/*.log).
#
# Configuration: target i686-elf (newlib's generic i386 code: i386 assembly for mem*, setjmp),
# freestanding: no libgloss and no supplied system calls (newlib then calls write, sbrk, _exit ...
# without the leading underscore; libs/newlib-glue supplies them), small reentrancy structure,
# long long and C99 formats in printf, one library (no multilib), -O2 -march=pentium3 (no SSE2:
# the benchmark CPU), no PIC, no stack protector.
set -eu

tarball=$1
out=$2
jobs=${3:-2}
cc=${ARC_NEWLIB_CC:-gcc}

[ -f "$tarball" ] || { echo "newlib: $tarball missing: apt-get install newlib-source" >&2; exit 1; }

# Only the compiler's own headers and newlib's: nothing from the host's glibc. The host gcc
# believes it compiles for Linux; newlib must not (it would expect __getreent, 64-bit file
# offsets, a Unix jmp_buf ...): the same macros are undefined for every user program
# (ARC_NEWLIB_IA32_UNDEFS in cmake/newlib.cmake). Assembly files get a non-executable stack note.
gcc_include=$($cc -m32 -print-file-name=include)
undefs="-U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix"
target_cc="$cc -m32 -nostdinc -isystem $gcc_include $undefs -Wa,--noexecstack"
cflags="-O2 -march=pentium3 -fno-pic -fno-pie -fno-stack-protector -ffunction-sections -fdata-sections"

work=$out/work
rm -rf "$work" "$out/include" "$out/lib"
mkdir -p "$work/src" "$work/build"

# A make that runs us must not hand its job server or flags down to newlib's own make.
unset MAKEFLAGS MFLAGS MAKELEVEL

fail() {
  echo "newlib: $1 failed; the end of $2:" >&2
  tail -n 40 "$2" >&2
  exit 1
}

start=$(date +%s)
echo "newlib: unpacking $tarball"
tar -xf "$tarball" -C "$work/src" --strip-components=1

cd "$work/build"
echo "newlib: configuring for i686-elf (log $work/configure.log)"
"$work/src/configure" \
  --target=i686-elf --prefix="$work/install" \
  --disable-multilib --disable-nls \
  --disable-newlib-supplied-syscalls \
  --enable-newlib-reent-small \
  --enable-newlib-io-long-long --enable-newlib-io-c99-formats \
  CC_FOR_TARGET="$target_cc" \
  AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm \
  AS_FOR_TARGET="as --32" LD_FOR_TARGET="ld -m elf_i386" \
  OBJDUMP_FOR_TARGET=objdump READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip \
  CFLAGS_FOR_TARGET="$cflags" \
  >"$work/configure.log" 2>&1 || fail configure "$work/configure.log"

echo "newlib: compiling with $jobs jobs (log $work/build.log; takes a few minutes, once)"
make -j"$jobs" all-target-newlib >"$work/build.log" 2>&1 || fail build "$work/build.log"
make install-target-newlib >"$work/install.log" 2>&1 || fail install "$work/install.log"

# Publish include/ and lib/ only now, so an interrupted build leaves no libc.a behind.
mv "$work/install/i686-elf/include" "$out/include"
mkdir -p "$out/lib"
mv "$work/install/i686-elf/lib/libc.a" "$work/install/i686-elf/lib/libm.a" "$out/lib/"
cat >"$out/README" <<EOF
newlib for Arc ia32 user programs, built by cmake/build-newlib-ia32.sh from
$tarball
compiler: $target_cc ($($cc -dumpversion))
CFLAGS: $cflags
EOF
rm -rf "$work/src" "$work/build" "$work/install"
echo "newlib: done in $(( $(date +%s) - start )) s: $out/lib/libc.a, $out/lib/libm.a, $out/include"
