# newlib, the C library of Arc user programs.
#
# IA32: built from Debian's newlib-source tarball (/usr/src/newlib/newlib-*.tar.*) by
# cmake/build-newlib-ia32.sh, once, into a cache directory with include/ and lib/{libc,libm}.a.
# The host build (top-level CMakeLists.txt) owns the cache, build/newlib-ia32/, and makes every
# ia32 target sub-build depend on it; a target build configured on its own builds its own copy.
#
# ARMv7: Debian's libnewlib-arm-none-eabi, found through arm-none-eabi-gcc itself, so the
# multilib that matches the toolchain's -mcpu/-mfloat-abi flags is picked.
#
# In a target build, arc_find_newlib() (called by cmake/arc-target.cmake) defines:
#   ARC_NEWLIB_INCLUDE_DIR   newlib's headers
#   ARC_NEWLIB_LIBC          full path of libc.a
#   ARC_NEWLIB_LIBM          full path of libm.a
#   ARC_LIBGCC               full path of the compiler's libgcc.a for the target flags
#   ARC_LIBC_LINK_LIBS       the three libraries, in link order (use inside a link group)
#   arc-libc                 INTERFACE target: newlib's headers (and nothing of the host's);
#                            builds newlib first when this build owns it
# Override with -DARC_NEWLIB_DIR=<dir with include/ and lib/libc.a, lib/libm.a> for any arch.

set(ARC_NEWLIB_IA32_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/build-newlib-ia32.sh)
# The host gcc predefines the Linux macros; newlib's headers would then take glibc's paths
# (__DYNAMIC_REENT__, 64-bit file functions, another jmp_buf). newlib is built without them
# (cmake/build-newlib-ia32.sh) and every ia32 user program is compiled without them.
set(ARC_NEWLIB_IA32_UNDEFS -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix)

# arc_newlib_ia32_build(TARGET_NAME OUT_DIR): a custom target that builds newlib for ia32 into
# OUT_DIR unless OUT_DIR/lib/libc.a is newer than the tarball and the build script.
function(arc_newlib_ia32_build name out_dir)
  file(GLOB tarballs /usr/src/newlib/newlib-*.tar.*)
  if(NOT tarballs)
    message(FATAL_ERROR "newlib for ia32 is built from Debian's newlib-source, which is not "
                        "installed: apt-get install newlib-source (tools/arc does it for you)")
  endif()
  list(SORT tarballs)
  list(GET tarballs -1 tarball)
  include(ProcessorCount)
  ProcessorCount(jobs)
  if(jobs EQUAL 0)
    set(jobs 2)
  endif()
  add_custom_command(
    OUTPUT ${out_dir}/lib/libc.a ${out_dir}/lib/libm.a
    COMMAND sh ${ARC_NEWLIB_IA32_SCRIPT} ${tarball} ${out_dir} ${jobs}
    DEPENDS ${tarball} ${ARC_NEWLIB_IA32_SCRIPT}
    COMMENT "Building newlib for ia32 into ${out_dir} (once; a few minutes)"
    USES_TERMINAL
    VERBATIM)
  add_custom_target(${name} DEPENDS ${out_dir}/lib/libc.a ${out_dir}/lib/libm.a)
endfunction()

# Runs the target compiler with the target's flags and ARGN; the single line it prints goes to out.
function(_arc_compiler_query out)
  separate_arguments(flags UNIX_COMMAND "${CMAKE_C_FLAGS}")
  execute_process(COMMAND ${CMAKE_C_COMPILER} ${flags} ${ARGN}
                  OUTPUT_VARIABLE result OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT result)
    message(FATAL_ERROR "${CMAKE_C_COMPILER} ${ARGN} failed")
  endif()
  set(${out} ${result} PARENT_SCOPE)
endfunction()

# arc_newlib_arm_none_eabi(): sets ARC_NEWLIB_INCLUDE_DIR, ARC_NEWLIB_LIBC, ARC_NEWLIB_LIBM in the
# caller's scope from arm-none-eabi-gcc (CMAKE_C_COMPILER with CMAKE_C_FLAGS picks the multilib).
function(arc_newlib_arm_none_eabi)
  _arc_compiler_query(libc -print-file-name=libc.a)
  _arc_compiler_query(libm -print-file-name=libm.a)
  # Without flags the compiler names the default multilib, <prefix>/arm-none-eabi/lib/libc.a;
  # the headers are next to it, in <prefix>/arm-none-eabi/include.
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libc.a
                  OUTPUT_VARIABLE default_libc OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(inc "${default_libc}/../../include" REALPATH)
  if(NOT IS_ABSOLUTE "${libc}" OR NOT EXISTS "${libc}" OR NOT EXISTS "${inc}/newlib.h")
    message(FATAL_ERROR "newlib for ARM not found through ${CMAKE_C_COMPILER} (libc.a: '${libc}'): "
                        "apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi")
  endif()
  get_filename_component(libc "${libc}" REALPATH)
  get_filename_component(libm "${libm}" REALPATH)
  set(ARC_NEWLIB_INCLUDE_DIR ${inc} PARENT_SCOPE)
  set(ARC_NEWLIB_LIBC ${libc} PARENT_SCOPE)
  set(ARC_NEWLIB_LIBM ${libm} PARENT_SCOPE)
endfunction()

# arc_find_newlib(): in a target build (ARC_ARCH set by the toolchain file), find or build newlib
# and define the variables and the arc-libc target listed at the top of this file.
macro(arc_find_newlib)
  set(ARC_NEWLIB_DIR "" CACHE PATH
      "Prebuilt newlib (include/, lib/libc.a, lib/libm.a); empty: the default for ARC_ARCH")
  set(ARC_NEWLIB_IA32_DIR "" CACHE PATH
      "ia32 newlib cache shared by the host build; empty: build one in this build tree")
  set(_arc_newlib_build_target "")
  set(_arc_libc_nostdinc OFF)
  if(ARC_NEWLIB_DIR)
    set(ARC_NEWLIB_INCLUDE_DIR ${ARC_NEWLIB_DIR}/include)
    set(ARC_NEWLIB_LIBC ${ARC_NEWLIB_DIR}/lib/libc.a)
    set(ARC_NEWLIB_LIBM ${ARC_NEWLIB_DIR}/lib/libm.a)
    set(_arc_libc_nostdinc ON)
  elseif(ARC_ARCH STREQUAL "ia32")
    set(_dir ${ARC_NEWLIB_IA32_DIR})
    if(NOT _dir)
      # Configured on its own (not as a sub-build of the host build): build newlib here.
      set(_dir ${CMAKE_BINARY_DIR}/newlib-ia32)
      arc_newlib_ia32_build(newlib-ia32 ${_dir})
      set(_arc_newlib_build_target newlib-ia32)
    endif()
    set(ARC_NEWLIB_INCLUDE_DIR ${_dir}/include)
    set(ARC_NEWLIB_LIBC ${_dir}/lib/libc.a)
    set(ARC_NEWLIB_LIBM ${_dir}/lib/libm.a)
    # The host gcc would otherwise search glibc's /usr/include and the host's libstdc++.
    set(_arc_libc_nostdinc ON)
  elseif(ARC_ARCH STREQUAL "armv7")
    # arm-none-eabi-gcc searches newlib's headers by itself (after its own), nothing of a host.
    arc_newlib_arm_none_eabi()
  else()
    message(FATAL_ERROR "arc_find_newlib: no newlib known for ARC_ARCH '${ARC_ARCH}'")
  endif()
  _arc_compiler_query(ARC_LIBGCC -print-libgcc-file-name)
  set(ARC_LIBC_LINK_LIBS ${ARC_NEWLIB_LIBC} ${ARC_NEWLIB_LIBM} ${ARC_LIBGCC})
  message(STATUS "newlib for ${ARC_ARCH}: ${ARC_NEWLIB_LIBC}")

  add_library(arc-libc INTERFACE)
  if(_arc_libc_nostdinc)
    # Exactly newlib's headers, then the compiler's own (stddef.h, stdarg.h, float.h ...).
    _arc_compiler_query(_gcc_include -print-file-name=include)
    # Compile options, not include directories: CMake drops the compiler's implicit include
    # directories from include flags, and -nostdinc needs this one named.
    target_compile_options(arc-libc INTERFACE -nostdinc "SHELL:-isystem ${ARC_NEWLIB_INCLUDE_DIR}"
                                              "SHELL:-isystem ${_gcc_include}")
    _arc_compiler_query(_gcc_include_fixed -print-file-name=include-fixed)
    if(IS_ABSOLUTE "${_gcc_include_fixed}" AND IS_DIRECTORY "${_gcc_include_fixed}")
      # limits.h lives here in some gcc versions (arm-none-eabi 12)
      target_compile_options(arc-libc INTERFACE "SHELL:-isystem ${_gcc_include_fixed}")
    endif()
    if(ARC_ARCH STREQUAL "ia32")
      target_compile_options(arc-libc INTERFACE ${ARC_NEWLIB_IA32_UNDEFS})
    endif()
  endif()
  # newlib's malloc aligns to 8 bytes (two size_t); make the compiler assume no more of a plain
  # new, so over-aligned types go through the aligned operator new (memalign).
  target_compile_options(arc-libc INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-faligned-new=8>)
  # C++ sees newlib's POSIX and GNU declarations (strdup, strtok_r, memalign ...) on every arch:
  # the host g++ predefines _GNU_SOURCE (libstdc++ needs it), arm-none-eabi-g++ does not, and
  # -std=c++20 without extensions would hide them.
  target_compile_options(arc-libc INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-D_GNU_SOURCE>)
  if(_arc_newlib_build_target)
    # Followed transitively: everything that uses arc-libc waits for newlib.
    add_dependencies(arc-libc ${_arc_newlib_build_target})
  endif()
endmacro()
