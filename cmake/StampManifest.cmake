# Run as `cmake -DLIBRARY=... -DTEMPLATE=... -DOUTPUT=... -DCARTERA_ABI_MAJOR=...
# -DCARTERA_ABI_MINOR=... -P StampManifest.cmake` after a module links (cartera_add_module
# does): writes <module>.plugin.xml from its template with the library's file name and sha256,
# so the host can refuse a library that does not match its manifest, and with the ABI version
# of the abi.h the module was compiled against (<abi major="@CARTERA_ABI_MAJOR@"
# minor-built="@CARTERA_ABI_MINOR@" .../>), so that the manifest says what the descriptor does.
foreach(_var LIBRARY TEMPLATE OUTPUT CARTERA_ABI_MAJOR CARTERA_ABI_MINOR)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "StampManifest.cmake: -D${_var}=... is required")
  endif()
endforeach()
file(SHA256 "${LIBRARY}" CARTERA_MODULE_SHA256)
get_filename_component(CARTERA_MODULE_FILE "${LIBRARY}" NAME)
configure_file("${TEMPLATE}" "${OUTPUT}.tmp" @ONLY)
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
