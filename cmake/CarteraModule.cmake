# cartera_add_module(<target> MANIFEST <template.plugin.xml.in> SOURCES ... [OUTPUT_DIRECTORY dir])
#
# Builds a loadable cartera module the way the host expects it (plugin-api/README.md):
#  - a MODULE library named <target>.so, no "lib" prefix, no RPATH (so installing does not
#    rewrite it and its sha256 stays what the manifest says);
#  - hidden visibility; a version script exporting cartera_plugin_entry_v1 and nothing else;
#    static libraries' symbols not re-exported; -z defs, because a module reaches the host
#    only through the host-services table and must not depend on host symbols;
#  - the module's identity written once, in the manifest template: at configure time the
#    template's id, name, version, <display-name>, minor-required, capabilities and document
#    types become two headers in <binary dir>/<target>_identity/, on the module's include path:
#    <target>_identity.hpp, whose cartera_identity::kIdentity a C++ module passes to
#    cartera::module_info(), and <target>_identity.h, the same as CARTERA_MODULE_* macros for a
#    module in C (plugin-api/README.md, "A module's identity");
#  - <target>.plugin.xml written beside it from the template after every link, with
#    @CARTERA_MODULE_FILE@ and @CARTERA_MODULE_SHA256@ (the library's name and sha256) and
#    @CARTERA_ABI_MAJOR@ and @CARTERA_ABI_MINOR@ (read from the cartera/abi.h the module is
#    compiled against, so that <abi major="@CARTERA_ABI_MAJOR@" minor-built="@CARTERA_ABI_MINOR@"
#    .../> is always what the binary's descriptor says) filled in.
# Works in this tree and, through carteraConfig.cmake (which sets CARTERA_ABI_HEADER to the
# installed abi.h), out of tree. After include() or find_package(cartera), CARTERA_ABI_MAJOR
# and CARTERA_ABI_MINOR hold that header's version.
set(_CARTERA_MODULE_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")
if(NOT DEFINED CARTERA_ABI_HEADER)
  # In this tree: cmake/ beside plugin-api/.
  set(CARTERA_ABI_HEADER "${CMAKE_CURRENT_LIST_DIR}/../plugin-api/include/cartera/abi.h")
endif()

# Sets CARTERA_ABI_MAJOR and CARTERA_ABI_MINOR in the caller's scope from the header's
# #define lines; the header's edits re-run the configuration.
function(_cartera_read_abi_version)
  if(NOT EXISTS "${CARTERA_ABI_HEADER}")
    message(FATAL_ERROR "cartera: the ABI header ${CARTERA_ABI_HEADER} does not exist (set CARTERA_ABI_HEADER)")
  endif()
  file(STRINGS "${CARTERA_ABI_HEADER}" _lines REGEX "^#define CARTERA_ABI_(MAJOR|MINOR) +[0-9]+")
  foreach(_part MAJOR MINOR)
    set(_value "")
    foreach(_line IN LISTS _lines)
      if(_line MATCHES "^#define CARTERA_ABI_${_part} +([0-9]+)")
        set(_value "${CMAKE_MATCH_1}")
      endif()
    endforeach()
    if(_value STREQUAL "")
      message(FATAL_ERROR "cartera: no '#define CARTERA_ABI_${_part} <number>' in ${CARTERA_ABI_HEADER}")
    endif()
    set(CARTERA_ABI_${_part} "${_value}" PARENT_SCOPE)
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CARTERA_ABI_HEADER}")
endfunction()
_cartera_read_abi_version()

# The value of attribute <name> in the start tag <tag> (text up to its '>'), XML-unescaped, in
# <out>; empty when the tag has no such attribute.
function(_cartera_xml_attribute tag name out)
  set(_value "")
  if(tag MATCHES "[ \t\r\n]${name}[ \t\r\n]*=[ \t\r\n]*\"([^\"]*)\"")
    set(_value "${CMAKE_MATCH_1}")
  elseif(tag MATCHES "[ \t\r\n]${name}[ \t\r\n]*=[ \t\r\n]*'([^']*)'")
    set(_value "${CMAKE_MATCH_1}")
  endif()
  _cartera_xml_unescape("${_value}" _value)
  set(${out} "${_value}" PARENT_SCOPE)
endfunction()

# XML text or attribute value to plain text: the five predefined entities. A character
# reference (&#...;) is refused: write the character itself, the templates are UTF-8.
function(_cartera_xml_unescape text out)
  if(text MATCHES "&#")
    message(FATAL_ERROR "cartera_add_module: '${text}' has a character reference; write the character itself")
  endif()
  string(REPLACE "&lt;" "<" text "${text}")
  string(REPLACE "&gt;" ">" text "${text}")
  string(REPLACE "&quot;" "\"" text "${text}")
  string(REPLACE "&apos;" "'" text "${text}")
  string(REPLACE "&amp;" "&" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# A C++ string literal holding <text>.
function(_cartera_cxx_literal text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n" text "${text}")
  string(REPLACE "\r" "" text "${text}")
  string(REPLACE "\t" "\\t" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# Writes <text> to <file> only when it differs, so that a reconfiguration recompiles nothing.
function(_cartera_write_if_changed file text)
  set(_old "")
  if(EXISTS "${file}")
    file(READ "${file}" _old)
  endif()
  if(NOT _old STREQUAL text)
    file(WRITE "${file}" "${text}")
  endif()
endfunction()

# Writes <dir>/<target>_identity.hpp and <dir>/<target>_identity.h from the manifest template
# <manifest>: the identity of module <target> as
# cartera::ModuleIdentity cartera_identity::kIdentity (with its document types in
# cartera_identity::kDocTypes) for C++, and the same as CARTERA_MODULE_* macros for C. The
# template is well-formed XML (xmllint checks the stamped manifests); this reads it with
# regular expressions, comments removed first.
function(_cartera_write_identity target manifest dir)
  file(READ "${manifest}" _xml)
  # XML comments cannot hold "--", so this removes each one whole.
  string(REGEX REPLACE "<!--([^-]|-[^-])*-->" "" _xml "${_xml}")
  get_filename_component(_manifest_name "${manifest}" NAME)
  set(_where "cartera_add_module(${target}): ${manifest}")

  if(NOT _xml MATCHES "<plugin[ \t\r\n][^>]*>")
    message(FATAL_ERROR "${_where} has no <plugin> element")
  endif()
  set(_root "${CMAKE_MATCH_0}")
  foreach(_field id name version)
    _cartera_xml_attribute("${_root}" ${_field} _${_field})
    if(_${_field} STREQUAL "")
      message(FATAL_ERROR "${_where}: <plugin> has no ${_field} attribute")
    endif()
  endforeach()

  if(NOT _xml MATCHES "<display-name>([^<]*)</display-name>")
    message(FATAL_ERROR "${_where} has no <display-name> (plain text, no markup)")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" _display_name)
  _cartera_xml_unescape("${_display_name}" _display_name)

  if(NOT _xml MATCHES "<abi[ \t\r\n][^>]*>")
    message(FATAL_ERROR "${_where} has no <abi> element")
  endif()
  _cartera_xml_attribute("${CMAKE_MATCH_0}" minor-required _minor_required)
  if(NOT _minor_required MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${_where}: <abi minor-required=\"${_minor_required}\"> is not a number")
  endif()

  # Each <capability>word</capability> is the bit CARTERA_CAP_WORD (dashes as underscores): a
  # word abi.h does not define fails to compile.
  set(_capabilities "")
  string(REGEX MATCHALL "<capability>[^<]*</capability>" _caps "${_xml}")
  foreach(_cap IN LISTS _caps)
    string(REGEX REPLACE "<capability>[ \t\r\n]*([^< \t\r\n]*)[ \t\r\n]*</capability>" "\\1" _word "${_cap}")
    string(TOUPPER "${_word}" _word)
    string(REPLACE "-" "_" _word "${_word}")
    list(APPEND _capabilities "CARTERA_CAP_${_word}")
  endforeach()
  if(_capabilities)
    list(JOIN _capabilities " | " _capabilities)
  else()
    set(_capabilities "0")
  endif()

  set(_doc_rows "")
  set(_c_doc_rows "")
  set(_doc_count 0)
  string(REGEX MATCHALL "<document-type[ \t\r\n][^>]*>" _docs "${_xml}")
  foreach(_doc IN LISTS _docs)
    _cartera_xml_attribute("${_doc}" name _doc_name)
    _cartera_xml_attribute("${_doc}" namespace _doc_ns)
    _cartera_xml_attribute("${_doc}" direction _doc_dir)
    if(NOT _doc_dir MATCHES "^(in|out)$")
      message(FATAL_ERROR "${_where}: document type '${_doc_name}' has direction '${_doc_dir}' (in or out)")
    endif()
    _cartera_cxx_literal("${_doc_name}" _doc_name)
    _cartera_cxx_literal("${_doc_ns}" _doc_ns)
    string(APPEND _doc_rows "    cartera::doc_${_doc_dir}(${_doc_name}, ${_doc_ns}),\n")
    string(TOUPPER "${_doc_dir}" _doc_dir)
    if(_doc_count GREATER 0)
      string(APPEND _c_doc_rows ", \\\n")
    endif()
    string(APPEND _c_doc_rows "  {{${_doc_name}, sizeof ${_doc_name} - 1}, {${_doc_ns}, sizeof ${_doc_ns} - 1}, "
                              "CARTERA_DOC_${_doc_dir}, 0}")
    math(EXPR _doc_count "${_doc_count} + 1")
  endforeach()

  foreach(_field id name version display_name)
    _cartera_cxx_literal("${_${_field}}" _${_field})
  endforeach()
  set(_text "// Generated by cartera_add_module(${target}) from ${_manifest_name}: the identity of module\n")
  string(APPEND _text "// ${target} as its manifest declares it. Edit the manifest template, not this file.\n")
  string(APPEND _text "#pragma once\n\n#include <cartera/plugin.hpp>\n\nnamespace cartera_identity {\n\n")
  if(_doc_count GREATER 0)
    string(APPEND _text "inline constexpr cartera_doc_type kDocTypes[] = {\n${_doc_rows}};\n\n")
    set(_doc_table "kDocTypes")
  else()
    set(_doc_table "nullptr")
  endif()
  string(APPEND _text "inline constexpr cartera::ModuleIdentity kIdentity{\n"
                      "    .id = ${_id},\n"
                      "    .name = ${_name},\n"
                      "    .version = ${_version},\n"
                      "    .display_name = ${_display_name},\n"
                      "    .abi_minor_required = ${_minor_required},\n"
                      "    .capabilities = ${_capabilities},\n"
                      "    .doc_types = ${_doc_table},\n"
                      "    .doc_type_count = ${_doc_count},\n"
                      "};\n\n} // namespace cartera_identity\n")
  _cartera_write_if_changed("${dir}/${target}_identity.hpp" "${_text}")

  string(MAKE_C_IDENTIFIER "CARTERA_IDENTITY_${target}_H" _guard)
  string(TOUPPER "${_guard}" _guard)
  set(_text "/* Generated by cartera_add_module(${target}) from ${_manifest_name}: the identity of module\n")
  string(APPEND _text "** ${target} as its manifest declares it, for C. Edit the manifest template, not this file. */\n")
  string(APPEND _text "#ifndef ${_guard}\n#define ${_guard}\n\n#include <cartera/abi.h>\n\n"
                      "#define CARTERA_MODULE_ID ${_id}\n"
                      "#define CARTERA_MODULE_NAME ${_name}\n"
                      "#define CARTERA_MODULE_VERSION ${_version}\n"
                      "#define CARTERA_MODULE_DISPLAY_NAME ${_display_name}\n"
                      "#define CARTERA_MODULE_ABI_MINOR_REQUIRED ${_minor_required}\n"
                      "#define CARTERA_MODULE_CAPABILITIES (${_capabilities})\n"
                      "#define CARTERA_MODULE_DOC_TYPE_COUNT ${_doc_count}\n")
  if(_doc_count GREATER 0)
    string(APPEND _text "/* The rows of a cartera_doc_type table: { CARTERA_MODULE_DOC_TYPES } */\n"
                        "#define CARTERA_MODULE_DOC_TYPES \\\n${_c_doc_rows}\n")
  endif()
  string(APPEND _text "\n#endif\n")
  _cartera_write_if_changed("${dir}/${target}_identity.h" "${_text}")
endfunction()

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
  _cartera_read_abi_version()

  # The identity header, from the template; an edited template re-runs the configuration.
  set(_identity_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_identity")
  _cartera_write_identity(${target} "${_manifest}" "${_identity_dir}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_manifest}")

  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE cartera::plugin_api)
  target_include_directories(${target} PRIVATE "${_identity_dir}")
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
            -DOUTPUT=${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml -DCARTERA_ABI_MAJOR=${CARTERA_ABI_MAJOR}
            -DCARTERA_ABI_MINOR=${CARTERA_ABI_MINOR} -P "${_stamp}"
    COMMENT "Stamping ${target}.plugin.xml with the sha256 of ${target}.so and ABI ${CARTERA_ABI_MAJOR}.${CARTERA_ABI_MINOR}"
    VERBATIM)
  set_property(TARGET ${target} APPEND PROPERTY ADDITIONAL_CLEAN_FILES "${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml")
  set_property(TARGET ${target} PROPERTY CARTERA_MANIFEST "${ARG_OUTPUT_DIRECTORY}/${target}.plugin.xml")
endfunction()
