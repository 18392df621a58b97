// Filing after the run: documents of a type whose manifest says archive="deferred" (cash-receipt
// requests: one per bank movement, 90,000 in one approval) are recorded by their run with a row
// in cartera_archive_pending instead of a file, and placed here in their customers' folders,
// exactly as the run would have (archive.hpp): the folder of the customer the document names,
// the month of its period path or else of the moment its run made it (Bogotá), the same
// versioned file name, an index row naming the run and the user who made it.
//
// Files are placed and flushed before their rows are written, a batch at a time in one
// transaction that also takes them off the queue: a pass killed anywhere leaves each document
// either filed and indexed, or queued with perhaps its file already there, which the next
// pass finds with the same bytes and indexes.
#pragma once

#include "runtime/host/host.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cartera::runtime {

struct FilingReport {
  std::size_t filed = 0;            // documents indexed in their customers' folders
  std::vector<std::string> refused; // one line each: a document that cannot be filed, and why
  long long waiting = 0;            // still queued after the pass (refused, or interrupted)
  std::string busy; // another process was filing (claimed in cartera_work_claim): who; nothing done here
};

// Files every queued document, batch_size at a time, unless another process is filing (the
// work is claimed first, as `archive-file`); progress(done, total) after each batch.
// Stops between batches when the process is asked to (SIGINT, SIGTERM).
FilingReport file_pending_documents(Host &host, const std::function<void(std::uint64_t, std::uint64_t)> &progress,
                                    std::size_t batch_size = 10000);

} // namespace cartera::runtime
