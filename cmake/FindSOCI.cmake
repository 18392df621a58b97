# FindSOCI — Debian's SOCI 4.0.3 ships headers and libraries but no CMake or pkg-config
# files. Creates SOCI::core and SOCI::<backend> imported targets for the requested
# components (sqlite3, postgresql, odbc).
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY NAMES soci_core)

set(SOCI_LIBRARIES "")
if(SOCI_CORE_LIBRARY AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${CMAKE_DL_LIBS}")
endif()

foreach(component IN LISTS SOCI_FIND_COMPONENTS)
  find_library(SOCI_${component}_LIBRARY NAMES soci_${component})
  if(SOCI_${component}_LIBRARY)
    set(SOCI_${component}_FOUND TRUE)
    if(NOT TARGET SOCI::${component})
      add_library(SOCI::${component} UNKNOWN IMPORTED)
      set(_deps SOCI::core)
      if(component STREQUAL "postgresql")
        list(APPEND _deps pq)
        set_property(TARGET SOCI::core APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES /usr/include/postgresql)
      elseif(component STREQUAL "odbc")
        list(APPEND _deps odbc)
      elseif(component STREQUAL "sqlite3")
        list(APPEND _deps sqlite3)
      endif()
      set_target_properties(SOCI::${component} PROPERTIES
        IMPORTED_LOCATION "${SOCI_${component}_LIBRARY}"
        INTERFACE_LINK_LIBRARIES "${_deps}")
    endif()
  endif()
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_CORE_LIBRARY SOCI_INCLUDE_DIR
  HANDLE_COMPONENTS)
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)
