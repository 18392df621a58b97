#include "runtime/workers/document_work.hpp"

#include "runtime/archive/archive.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/loader/manifest.hpp"

#include <stdexcept>
#include <utility>

namespace cartera::runtime {

DocumentWork::DocumentWork(SchemaSet &schemas, const Manifest &manifest, const std::deque<EmittedDocument> &docs,
                           std::filesystem::path archive_root, std::int64_t now_us, PlacementLog &log)
    : schemas_(schemas), manifest_(manifest), docs_(docs), archive_root_(std::move(archive_root)), now_us_(now_us),
      log_(log) {}

void DocumentWork::emitted(std::size_t index) {
  // The element's address is taken here: the deque's map may move while the module appends.
  const EmittedDocument &doc = docs_[index];
  Done &out = done_.emplace_back();
  workers_.submit(index, 0, [this, &doc, &out] { check_and_place(doc, out); });
}

void DocumentWork::check_and_place(const EmittedDocument &doc, Done &out) {
  const DocTypeSpec *spec = manifest_.find_doc_type(doc.type);
  try {
    schemas_.validate_document(doc.content, manifest_.name + " '" + doc.type + "' document (key " + doc.key + ")",
                               spec->schema, spec->namespace_uri);
  } catch (const std::exception &e) {
    // The module's fault, not the caller's input.
    throw std::runtime_error(std::string("module emitted an invalid document, nothing was written: ") + e.what());
  }
  if (spec->customer_path.empty() || spec->archive_deferred) {
    return; // a deferred type is filed after the commit (archive_deferred.hpp)
  }
  try {
    const ArchiveFolder f = archive_folder(doc.content, spec->customer_path, spec->period_path, now_us_);
    std::string relative =
        f.dir + "/" + versioned_file_name(doc.type + "-" + customer_folder(doc.key) + ".xml", sha256_hex(doc.content));
    log_.record(relative);
    place_archive_file(archive_root_, relative, doc.content);
    out.archive_path = std::move(relative);
    out.customer_id = f.customer;
    out.period = f.period;
  } catch (const std::exception &e) {
    throw std::runtime_error(manifest_.name + ": a '" + doc.type + "' document (key '" + doc.key + "'): " + e.what() +
                             "; nothing was written");
  }
}

void DocumentWork::attached(std::size_t index, Rendition &r, std::string file_name, std::string bytes) {
  const std::size_t held = bytes.size();
  const EmittedDocument &doc = docs_[index];
  workers_.submit(index, held, [this, &doc, &r, name = std::move(file_name), content = std::move(bytes)] {
    const DocTypeSpec *spec = manifest_.find_doc_type(doc.type);
    try {
      const ArchiveFolder f = archive_folder(doc.content, spec->customer_path, spec->period_path, now_us_);
      r.sha256 = sha256_hex(content);
      r.path = f.dir + "/" + versioned_file_name(name, r.sha256);
      log_.record(r.path);
      place_archive_file(archive_root_, r.path, content);
    } catch (const std::exception &e) {
      throw std::runtime_error(manifest_.name + ": the rendition '" + name + "' of a '" + doc.type +
                               "' document (key '" + doc.key + "'): " + e.what() + "; nothing was written");
    }
  });
}

std::string DocumentWork::finish() {
  return workers_.finish();
}

} // namespace cartera::runtime
