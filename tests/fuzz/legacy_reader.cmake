# The reader as it was before issue 16 (tests/fuzz/legacy_reader, namespace
# nprcheck::legacy_reader), for the reader's differential check only: fuzz_reader and the CTest
# `reader: legacy and current reader agree` compare it with the current reader on every input.
# Remove it (and this file) together with the old path.
if(NOT TARGET nprcheck_reader_legacy)
  file(GLOB nprcheck_legacy_reader_sources CONFIGURE_DEPENDS
       "${CMAKE_CURRENT_LIST_DIR}/legacy_reader/*.cpp")
  add_library(nprcheck_reader_legacy STATIC ${nprcheck_legacy_reader_sources})
  target_include_directories(nprcheck_reader_legacy PUBLIC "${CMAKE_CURRENT_LIST_DIR}")
  target_link_libraries(nprcheck_reader_legacy PUBLIC nprcheck_reader PRIVATE nprcheck_warnings)
endif()
