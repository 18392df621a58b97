// The customers' digital folders: every document made for a customer, and the renderings people
// read (PDF, HTML), kept once under archive/<customer>/<yyyy>/<mm>/ with an index row each
// (schemas/sql/runtime/*/004_archive_contacts.sql).
//
// Nothing is overwritten: a file's name carries the start of its SHA-256, so a new version of
// a statement is a new file beside the old one, and the same bytes made twice are the same
// file. Files are placed before the run's commit and indexed inside it: a run that dies in
// between leaves files without rows, which the next run making the same bytes adopts and
// `archive verify` reports; a row never points at a file that is not there.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::runtime {

// Where a document of a type whose manifest names its customer goes: the customer, the period
// (YYYY-MM: from the manifest's period path, else the run's month in Bogotá) and the folder
// <customer>/<yyyy>/<mm>. Throws std::runtime_error when the document names no customer there.
struct ArchiveFolder {
  std::string customer;
  std::string period;
  std::string dir;
};
ArchiveFolder archive_folder(std::string_view xml, const std::string &customer_path, const std::string &period_path,
                             std::int64_t now_us);

// The value a document path ("holder/@customer": local names from the root, then an
// attribute) selects in an XML document; empty when absent or the XML does not parse.
std::string value_at_document_path(std::string_view xml, std::string_view path);

// A customer id as a folder name, one folder per id (injective): an id of letters, digits, '.',
// '-' and '_' (other than "." and "..") is its own folder name, as it always was; any other id
// is percent-encoded, every byte outside letters, digits, '-' and '_' as %XX ("A/B" -> "A%2FB",
// "A_B" -> "A_B", ".." -> "%2E%2E", "Peña" -> "Pe%C3%B1a"), and "" is "%". A plain name has no
// '%', and the escapes decode one way, so two ids never share a folder.
std::string customer_folder(std::string_view customer_id);

// "estado-de-cuenta-2026-11.pdf" + sha → "estado-de-cuenta-2026-11-1a2b3c4d.pdf". Refuses
// (std::invalid_argument) a name with a path separator, a leading dot, or control bytes.
std::string versioned_file_name(std::string_view file_name, std::string_view sha256_hex);

// The name a file had before versioned_file_name: "C-1/2026/11/estado-1a2b3c4d.pdf" → "estado.pdf"
// (what the customer sees as an attachment's name).
std::string unversioned_file_name(std::string_view path);

// Places content at root/relative unless the same bytes are already there; throws
// std::runtime_error if different bytes are (which the versioned names make impossible short of
// tampering). Not flushed: sync_folder(root) once for all of a run's files.
void place_archive_file(const std::filesystem::path &root, const std::string &relative, std::string_view content);

} // namespace cartera::runtime
