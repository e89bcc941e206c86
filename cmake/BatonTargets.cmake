# baton_library(NAME SOURCES ... DEPS ...): a static library rooted at src/ for includes,
#   so code includes "pm/ticket.h", "net/router.h", ...
function(baton_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# baton_test(NAME SOURCES ... DEPS ...): a GoogleTest binary whose tests CTest discovers.
function(baton_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES ENVIRONMENT "BATON_SOURCE_DIR=${PROJECT_SOURCE_DIR};BATON_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
