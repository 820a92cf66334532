# Settings shared by everything built for one boot target (kernel and user level).
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)

# Flags common to kernel and user code: freestanding C++ without exceptions or RTTI.
set(ARC_COMMON_FLAGS
  -ffreestanding -fno-exceptions -fno-rtti -fno-use-cxa-atexit -fno-threadsafe-statics
  -fno-stack-protector -fno-pic -fno-asynchronous-unwind-tables -fno-builtin-printf
  -O2 -g -Wall -Wextra -Wno-unused-parameter)

set(ARC_ABI_INCLUDE ${CMAKE_SOURCE_DIR}/kernel/include)

# newlib, the C library of user programs: ARC_NEWLIB_*, ARC_LIBGCC, ARC_LIBC_LINK_LIBS and the
# arc-libc target (newlib's headers). See cmake/newlib.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/newlib.cmake)
arc_find_newlib()

# arc_user_program(NAME SOURCES... [LINK_ADDRESS addr] [LIBS libs...])
# An ELF user program: libs/arc (crt0, system calls, its console printf) and newlib (libc, libm)
# with its system-call glue (libs/newlib-glue), libgcc. libc needs the glue, the glue libs/arc,
# libs/arcserver (the console and file clients) and libc (errno), and arcserver the glue, so they
# are linked as one group; nothing of the host's C library is linked.
#
# OWN_LIBS: libraries that hold the program's own logic rather than shared framework code (the
# ext2 server's file-system library): linked like LIBS, and counted as the program's own code by
# fault injection.
function(arc_user_program name)
  cmake_parse_arguments(P "" "LINK_ADDRESS" "SOURCES;LIBS;OWN_LIBS" ${ARGN})
  list(APPEND P_LIBS ${P_OWN_LIBS})
  add_executable(${name} ${P_SOURCES})
  target_link_libraries(${name} PRIVATE ${P_LIBS} arc-user arc-newlib-glue
    -Wl,--start-group arc-newlib-glue arcserver arc-pmem arc-user ${ARC_LIBC_LINK_LIBS}
    -Wl,--end-group)
  set(addr 0x08048000)
  if(P_LINK_ADDRESS)
    set(addr ${P_LINK_ADDRESS})
  endif()
  target_link_options(${name} PRIVATE -Wl,-Ttext-segment=${addr} -Wl,-z,max-page-size=4096)
  # A build id note (the toolchains link with none): the pager names the program's build by it in
  # a checkpoint's file, rather than hashing the whole ELF file at each save (docs/restarts.md,
  # "Checkpoints in files").
  target_link_options(${name} PRIVATE -Wl,--build-id=sha1)
  if(ARC_ARCH STREQUAL "armv7")
    # The writable segment on a page of its own (cmake/data-page.ld says why).
    target_link_options(${name} PRIVATE -Wl,-T,${CMAKE_SOURCE_DIR}/cmake/data-page.ld)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${CMAKE_SOURCE_DIR}/cmake/data-page.ld)
  endif()
  # <program>.objects next to the ELF: the program's own object files (its sources and OWN_LIBS,
  # not the framework and C library it links), one per line. The fault-injection mutator
  # (tools/mutate, `--scope own`) takes the functions these objects define as the ones to mutate.
  set(objects "$<TARGET_OBJECTS:${name}>")
  foreach(lib IN LISTS P_OWN_LIBS)
    string(APPEND objects ";$<TARGET_OBJECTS:${lib}>")
  endforeach()
  file(GENERATE OUTPUT $<TARGET_FILE:${name}>.objects CONTENT "$<JOIN:${objects},\n>\n")
endfunction()
