# Run as `cmake -DLIBRARY=... -DTEMPLATE=... -DOUTPUT=... -P StampManifest.cmake` after a
# module links: writes <module>.plugin.xml from its template with the library's sha256, so
# the host can refuse a library that does not match its manifest.
file(SHA256 "${LIBRARY}" CARTERA_MODULE_SHA256)
get_filename_component(CARTERA_MODULE_FILE "${LIBRARY}" NAME)
configure_file("${TEMPLATE}" "${OUTPUT}.tmp" @ONLY)
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
