// What a run leaves in the customers' folders and owes them, done inside the run's transaction
// once its documents validated and its workers placed their files (document_work.hpp): the
// files flushed once, their index rows, and the messages queued with their attachments'
// archive paths (ABI 1.2; runtime/archive/archive.hpp). Documents of a deferred type are queued for
// `cartera archive file` instead (archive_filing.hpp).
#pragma once

#include "runtime/call/call.hpp"
#include "runtime/host/host.hpp"
#include "runtime/store/store.hpp"
#include "runtime/workers/document_work.hpp"

#include <deque>
#include <string>
#include <vector>

namespace cartera::runtime {

struct ArchiveOutcome {
  std::size_t files_new = 0;      // index rows added (a file made again is not new)
  std::size_t messages_new = 0;   // messages queued (one queued before is not new)
  std::size_t files_deferred = 0; // documents queued to be filed after the run
};

// docs are the run's documents as recorded, in emission order, so that docs[i] is the document
// renditions and messages refer to by index i and work.done(i) says where it was placed; work
// has finished without a failure; fresh[i] says docs[i] was new (record_and_queue).
ArchiveOutcome archive_and_queue(Host &host, const Manifest &m, const std::vector<DocumentEntry> &docs,
                                 const std::vector<bool> &fresh, const DocumentWork &work,
                                 const std::deque<Rendition> &renditions, const std::vector<QueuedMessage> &messages,
                                 const std::string &run_id, const std::string &user);

} // namespace cartera::runtime
