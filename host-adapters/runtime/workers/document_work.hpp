// What the host does with each document a module emits, on the run's workers while the module
// goes on (run_workers.hpp): checks it against its manifest (root namespace, XSD); a document
// of a type archived per customer (manifest customer=) is placed in the customer's
// folder, and so are the renditions attached to it. Placed, not indexed: the index rows are
// written in the run's transaction once every document validated (job_archive.hpp); a run that
// fails leaves files the next run adopts (archive.hpp).
//
// An approval may emit 90,000 receipts and a month's statements are 100,000 documents and
// 200,000 files: validation and the file system together cost about what the module does, and
// the module's thread is busy building the documents meanwhile.
#pragma once

#include "runtime/archive/placement_log.hpp"

#include "runtime/call/call.hpp"
#include "runtime/workers/run_workers.hpp"

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>

namespace cartera::runtime {

struct Manifest;
class SchemaSet;

class DocumentWork {
public:
  // What became of an emitted document; read after finish().
  struct Done {
    std::string archive_path; // relative to the archive root; empty when its type is not archived
    std::string customer_id;
    std::string period; // YYYY-MM
  };

  // docs must keep its elements in place while they are worked on (a deque, appended to only);
  // now_us is the run's instant (an archived document without a period goes in its month).
  // log lists each file before it is placed (placement_log.hpp).
  DocumentWork(SchemaSet &schemas, const Manifest &manifest, const std::deque<EmittedDocument> &docs,
               std::filesystem::path archive_root, std::int64_t now_us, PlacementLog &log);

  // docs[index] was just appended.
  void emitted(std::size_t index);

  // A rendering of docs[index], of a type archived per customer, to be placed as file_name
  // (already checked by versioned_file_name) in the document's folder; r stays in place until
  // finish() and gets its path and SHA-256 when the file is placed.
  void attached(std::size_t index, Rendition &r, std::string file_name, std::string bytes);

  // Waits for all of it; returns what went wrong with the first document that failed, in
  // emission order ("module emitted an invalid document, nothing was written: source:line:
  // message", or why a file could not be placed), or empty.
  std::string finish();
  // The run failed: what was not started is dropped, what was is waited for.
  void abandon() { workers_.abandon(); }

  [[nodiscard]] const Done &done(std::size_t index) const { return done_[index]; }

private:
  void check_and_place(const EmittedDocument &doc, Done &out);

  SchemaSet &schemas_;
  const Manifest &manifest_;
  const std::deque<EmittedDocument> &docs_;
  const std::filesystem::path archive_root_;
  const std::int64_t now_us_;
  PlacementLog &log_;
  std::deque<Done> done_; // by emission index; appended by emitted(), filled by the workers
  RunWorkers workers_;
};

} // namespace cartera::runtime
