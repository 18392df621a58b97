# cartera_add_module(<target> MANIFEST <template.plugin.xml.in> SOURCES ... [OUTPUT_DIRECTORY dir])
#
# Builds a loadable cartera module the way the host expects it (plugin-api/README.md):
#  - a MODULE library named <target>.so, no "lib" prefix, no RPATH (so installing does not
#    rewrite it and its sha256 stays what the manifest says);
#  - hidden visibility; a version script exporting cartera_plugin_entry_v1 and nothing else;
#    static libraries' symbols not re-exported; -z defs, because a module reaches the host
#    only through the host-services table and must not depend on host symbols;
#  - <target>.plugin.xml written beside it from the template, with @CARTERA_MODULE_FILE@ and
#    @CARTERA_MODULE_SHA256@ filled in after every link.
# Works in this tree and, through carteraConfig.cmake, out of tree.
set(_CARTERA_MODULE_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(cartera_add_module target)
  cmake_parse_arguments(ARG "" "MANIFEST;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_MANIFEST)
    message(FATAL_ERROR "cartera_add_module(${target}): MANIFEST is required")
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    if(DEFINED CARTERA_MODULE_OUTPUT_DIRECTORY)
      set(ARG_OUTPUT_DIRECTORY "${CARTERA_MODULE_OUTPUT_DIRECTORY}")
    else()
      set(ARG_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
    endif()
  endif()
  get_filename_component(_manifest "${ARG_MANIFEST}" ABSOLUTE)
  set(_map "${_CARTERA_MODULE_CMAKE_DIR}/cartera-module.map")
  if(NOT EXISTS "${_map}")
    set(_map "${_CARTERA_MODULE_CMAKE_DIR}/../plugin-api/cartera-module.map")
  endif()
  set(_stamp "${_CARTERA_MODULE_CMAKE_DIR}/StampManifest.cmake")

  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE cartera::plugin_api)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    SKIP_BUILD_RPATH ON
    INSTALL_RPATH ""
    # The manifest is stamped after each link: an edited template must relink to be stamped.
    LINK_DEPENDS "${_map};${_manifest}")
  target_link_options(${target} PRIVATE
    "LINKER:--version-script=${_map}"
    "LINKER:--exclude-libs,ALL"
    "LINKER:-z,defs")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" -DLIBRARY=$<TARGET_FILE:${target}> -DTEMPLATE=${_manifest}
            -DOUTPUT=${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml -P "${_stamp}"
    COMMENT "Stamping ${target}.plugin.xml with the sha256 of ${target}.so"
    VERBATIM)
  set_property(TARGET ${target} APPEND PROPERTY ADDITIONAL_CLEAN_FILES "${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml")
  set_property(TARGET ${target} PROPERTY CARTERA_MANIFEST "${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml")
endfunction()
