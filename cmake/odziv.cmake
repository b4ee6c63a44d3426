# One place for the flags every odziv target gets, so that each target is one line.

set(ODZIV_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(ODZIV_WERROR)
  list(APPEND ODZIV_WARNINGS -Werror)
endif()

if(ODZIV_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(odziv_apply_flags target)
  target_compile_options(${target} PRIVATE ${ODZIV_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()

# odziv_library(name SOURCES a.cpp b.cpp DEPS lib...)
function(odziv_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  odziv_apply_flags(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# odziv_test(name SOURCES a_test.cpp DEPS lib...): one Catch2 executable, every case visible to ctest.
function(odziv_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PROPERTIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  odziv_apply_flags(${name})
  target_link_libraries(${name} PRIVATE odziv_catch_main ${ARG_DEPS})
  target_compile_definitions(${name} PRIVATE
      ODZIV_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ODZIV_BINARY_DIR="${PROJECT_BINARY_DIR}")
  catch_discover_tests(${name} TEST_PREFIX "${name}: " PROPERTIES ${ARG_PROPERTIES})
endfunction()
