# Find libcsv (https://github.com/rgamble/libcsv; Debian/Ubuntu: libcsv-dev), which ships
# neither a CMake package nor a pkg-config file.
#
# Result: the IMPORTED target libcsv::libcsv, libcsv_FOUND, libcsv_VERSION, libcsv_INCLUDE_DIR
# and libcsv_LIBRARY. Set libcsv_ROOT (or CMAKE_PREFIX_PATH) to search elsewhere.
# Installed next to doelenboomConfig.cmake: a static doelenboom needs libcsv at the consumer's
# link step too.

find_path(libcsv_INCLUDE_DIR NAMES csv.h DOC "Folder holding libcsv's csv.h")
find_library(libcsv_LIBRARY NAMES csv DOC "libcsv library")

# csv.h is a generic name: only accept the header that defines libcsv's version.
if(libcsv_INCLUDE_DIR AND EXISTS "${libcsv_INCLUDE_DIR}/csv.h")
  file(STRINGS "${libcsv_INCLUDE_DIR}/csv.h" _libcsv_version_lines REGEX "^#define CSV_(MAJOR|MINOR|RELEASE) +[0-9]+")
  set(libcsv_VERSION "")
  foreach(_part MAJOR MINOR RELEASE)
    string(REGEX MATCH "CSV_${_part} +([0-9]+)" _match "${_libcsv_version_lines}")
    if(_match)
      list(APPEND libcsv_VERSION "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(JOIN libcsv_VERSION "." libcsv_VERSION)
  unset(_libcsv_version_lines)
  unset(_part)
  unset(_match)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(libcsv
  REQUIRED_VARS libcsv_LIBRARY libcsv_INCLUDE_DIR libcsv_VERSION
  VERSION_VAR libcsv_VERSION)

if(libcsv_FOUND AND NOT TARGET libcsv::libcsv)
  add_library(libcsv::libcsv UNKNOWN IMPORTED)
  set_target_properties(libcsv::libcsv PROPERTIES
    IMPORTED_LOCATION "${libcsv_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${libcsv_INCLUDE_DIR}")
endif()

mark_as_advanced(libcsv_INCLUDE_DIR libcsv_LIBRARY)
