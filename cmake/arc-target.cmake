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

# arc_user_program(NAME SOURCES... [LINK_ADDRESS addr] [LIBS libs...])
# An ELF user program linked against libs/arc (crt0, system calls, printf).
function(arc_user_program name)
  cmake_parse_arguments(P "" "LINK_ADDRESS" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${P_SOURCES})
  target_link_libraries(${name} PRIVATE ${P_LIBS} arc-user gcc)
  set(addr 0x08048000)
  if(P_LINK_ADDRESS)
    set(addr ${P_LINK_ADDRESS})
  endif()
  target_link_options(${name} PRIVATE -Wl,-Ttext-segment=${addr} -Wl,-z,max-page-size=4096)
endfunction()
