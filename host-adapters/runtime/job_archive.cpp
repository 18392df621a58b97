#include "runtime/job_archive.hpp"

#include "runtime/archive.hpp"
#include "runtime/failure.hpp"
#include "runtime/outbox.hpp"
#include "runtime/sha256.hpp"

#include <unordered_map>

namespace cartera::runtime {

ArchiveOutcome archive_and_queue(Host &host, const Manifest &m, const std::vector<DocumentEntry> &docs,
                                 const std::deque<Rendition> &renditions, const std::vector<QueuedMessage> &messages,
                                 const std::string &run_id, const std::string &user) {
  const std::filesystem::path &root = host.config().archive_dir;
  const std::string now = host.now_iso();
  std::vector<ArchiveEntry> index;
  std::unordered_map<std::string, std::size_t> archived_at; // document id -> its XML's row in index
  for (const DocumentEntry &doc : docs) {
    const DocTypeSpec *spec = m.find_doc_type(doc.doc_type);
    if (spec == nullptr || spec->customer_path.empty()) {
      continue;
    }
    ArchiveFolder f;
    std::string relative;
    try {
      f = archive_folder(doc.content, spec->customer_path, spec->period_path, host.now_us());
      relative =
          f.dir + "/" + versioned_file_name(doc.doc_type + "-" + customer_folder(doc.doc_key) + ".xml", doc.sha256);
    } catch (const std::exception &e) {
      fail(m.name + ": a '" + doc.doc_type + "' document (key '" + doc.doc_key + "'): " + e.what() +
           "; nothing was written");
    }
    place_archive_file(root, relative, doc.content);
    archived_at.emplace(doc.document_id, index.size());
    index.push_back(ArchiveEntry{relative, f.customer, doc.doc_type, f.period, "application/xml", doc.document_id,
                                 doc.sha256, doc.size_bytes, run_id, user, now});
  }
  std::vector<std::string> rendition_paths(renditions.size());
  for (std::size_t r = 0; r < renditions.size(); ++r) {
    const Rendition &rd = renditions[r];
    const DocumentEntry &doc = docs.at(rd.document);
    // attach_rendition accepted it only for a document of an archived type, indexed above.
    const ArchiveEntry parent = index.at(archived_at.at(doc.document_id));
    index.push_back(ArchiveEntry{rd.path, parent.customer_id, doc.doc_type, parent.period, rd.media_type,
                                 doc.document_id, rd.sha256, rd.size_bytes, run_id, user, now});
    rendition_paths[r] = rd.path;
  }
  if (!index.empty()) {
    sync_folder(root);
  }

  std::vector<MessageEntry> queued;
  queued.reserve(messages.size());
  for (const QueuedMessage &q : messages) {
    MessageEntry e;
    e.message_id = sha256_hex(m.id + '\0' + q.channel + '\0' + q.address + '\0' + q.key).substr(0, 32);
    e.module_id = m.id;
    e.customer_id = q.customer;
    e.channel = q.channel;
    e.address = q.address;
    e.key = q.key;
    e.subject = q.subject;
    e.body = q.body;
    e.attachment = q.rendition >= 0 ? rendition_paths[static_cast<std::size_t>(q.rendition)] : std::string();
    e.run_id = run_id;
    e.created_at = now;
    queued.push_back(std::move(e));
  }
  ArchiveOutcome out;
  out.files_new = host.store().record_archive(index);
  out.messages_new = host.store().record_messages(queued);
  return out;
}

} // namespace cartera::runtime
