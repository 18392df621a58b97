#include "runtime/run/job_archive.hpp"

#include "runtime/archive/archive.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"

namespace cartera::runtime {

ArchiveOutcome archive_and_queue(Host &host, const Manifest &m, const std::vector<DocumentEntry> &docs,
                                 const std::vector<bool> &fresh, const DocumentWork &work,
                                 const std::deque<Rendition> &renditions, const std::vector<QueuedMessage> &messages,
                                 const std::string &run_id, const std::string &user) {
  const std::filesystem::path &root = host.config().archive_dir;
  const std::string now = host.now_iso();
  std::vector<ArchiveEntry> index;
  index.reserve(docs.size() + renditions.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const DocumentWork::Done &placed = work.done(i);
    if (!placed.archive_path.empty()) {
      const DocumentEntry &doc = docs[i];
      index.push_back(ArchiveEntry{placed.archive_path, placed.customer_id, doc.doc_type, placed.period,
                                   "application/xml", doc.document_id, doc.sha256, doc.size_bytes, run_id, user, now});
    }
  }
  std::size_t deferred = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    deferred += fresh[i] && m.find_doc_type(docs[i].doc_type)->archive_deferred ? 1 : 0;
  }
  std::vector<std::string> rendition_paths(renditions.size());
  for (std::size_t r = 0; r < renditions.size(); ++r) {
    const Rendition &rd = renditions[r];
    const DocumentEntry &doc = docs.at(rd.document);
    // attach_rendition accepted it only for a document of an archived type, placed above.
    const DocumentWork::Done &parent = work.done(rd.document);
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
  if (deferred > 0) {
    for (const DocTypeSpec &spec : m.doc_types) {
      if (spec.archive_deferred) {
        host.store().queue_filings(run_id, FilingRequest{m.id, spec.name, spec.customer_path, spec.period_path}, now);
      }
    }
  }
  out.files_deferred = deferred;
  return out;
}

} // namespace cartera::runtime
