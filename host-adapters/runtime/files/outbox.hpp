// The outbox folder: documents land with an atomic write-and-rename, so a reader never sees
// half a file, under a deterministic id, so a rerun writes the same name again.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cartera::runtime {

// "<type>-<first 24 hex of sha256(module_id NUL type NUL key)>": the same business fact
// always gets the same id, whatever run produces it.
std::string document_id(const std::string &module_id, const std::string &type, const std::string &key);

// Writes content to dir/name through a temporary file in dir, fsync, rename, fsync of dir.
void write_atomically(const std::filesystem::path &dir, const std::string &name, std::string_view content);

// The same without the flushes, for many files at once: a reader still never sees half a file
// (the rename), and sync_folder() then puts them all on disk with one call.
void write_unsynced(const std::filesystem::path &dir, const std::string &name, std::string_view content);
// Creates (or truncates) file and writes all of content; with flush, fsync before closing.
// Removes the file and throws Failure when it cannot.
void write_new_file(const std::filesystem::path &file, std::string_view content, bool flush);
// A file's bytes, in one allocation and one read; throws Failure when it cannot be read.
std::string read_whole_file(const std::filesystem::path &file);
// Flushes the file system dir is on (syncfs), then dir itself.
void sync_folder(const std::filesystem::path &dir);

} // namespace cartera::runtime
