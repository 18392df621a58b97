#include "runtime/archive/archive_filing.hpp"

#include "runtime/archive/archive.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/store/store.hpp"
#include "runtime/store/work_lease.hpp"

#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>

namespace cartera::runtime {

namespace {

// Where f goes and its index row; throws std::runtime_error with the reason it cannot.
ArchiveEntry place(const std::filesystem::path &root, const PendingFiling &f, const std::string &content) {
  if (sha256_hex(content) != f.sha256) {
    throw std::runtime_error("its content does not match its recorded sha256");
  }
  const std::optional<std::int64_t> made = sdk::parse_iso_instant_utc(f.created_at);
  if (!made) {
    throw std::runtime_error("its creation time '" + f.created_at + "' is not a UTC instant");
  }
  const ArchiveFolder folder = archive_folder(content, f.customer_path, f.period_path, *made);
  std::string relative =
      folder.dir + "/" + versioned_file_name(f.doc_type + "-" + customer_folder(f.doc_key) + ".xml", f.sha256);
  place_archive_file(root, relative, content);
  return ArchiveEntry{std::move(relative),
                      folder.customer,
                      f.doc_type,
                      folder.period,
                      "application/xml",
                      f.document_id,
                      f.sha256,
                      static_cast<long long>(content.size()),
                      f.run_id,
                      f.created_by,
                      f.created_at};
}

} // namespace

FilingReport file_pending_documents(Host &host, const std::function<void(std::uint64_t, std::uint64_t)> &progress,
                                    std::size_t batch_size) {
  RuntimeStore &store = host.store();
  const std::filesystem::path &root = host.config().archive_dir;
  const std::filesystem::path &outbox = host.config().outbox_dir;
  FilingReport report;
  // A batch of 10,000 takes seconds; the lease is renewed between batches.
  WorkLease lease(store, "archive-file", "", std::chrono::seconds(600));
  if (!lease.held()) {
    report.busy = lease.busy_message();
    report.waiting = store.count_pending_filings();
    return report;
  }
  const auto total = static_cast<std::uint64_t>(store.count_pending_filings());
  std::uint64_t done = 0;
  std::string after; // keyset: a refused document stays queued without being read again
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  while (Host::cancel_flag() == 0 && lease.keep()) {
    const std::vector<PendingFiling> batch = store.pending_filings(after, batch_size);
    if (batch.empty()) {
      break;
    }
    after = batch.back().document_id;
    std::vector<std::string> contents(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      // Documents recorded before their content was kept in the database are in the outbox.
      if (batch[i].content.empty()) {
        contents[i] = store.document_content(batch[i].document_id, outbox);
      }
    }
    std::vector<std::optional<ArchiveEntry>> placed(batch.size());
    std::vector<std::string> why(batch.size());
    // Placing a file is kernel work on its folder (new folders, a temporary file, a link), and
    // 42,000 customers' folders are mostly distinct: the cores place disjoint slices at once.
    const auto place_slice = [&](std::size_t from, std::size_t step) {
      for (std::size_t i = from; i < batch.size(); i += step) {
        try {
          placed[i] = place(root, batch[i], batch[i].content.empty() ? contents[i] : batch[i].content);
        } catch (const std::exception &e) {
          why[i] = e.what();
        }
      }
    };
    {
      std::vector<std::jthread> helpers;
      for (std::size_t t = 1; t < threads; ++t) {
        helpers.emplace_back(place_slice, t, threads);
      }
      place_slice(0, threads);
    }
    std::vector<ArchiveEntry> entries;
    std::vector<std::string> filed;
    entries.reserve(batch.size());
    filed.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (placed[i]) {
        entries.push_back(std::move(*placed[i]));
        filed.push_back(batch[i].document_id);
      } else {
        report.refused.push_back("document " + batch[i].document_id + " (" + batch[i].doc_type + ", key '" +
                                 batch[i].doc_key + "'): " + why[i]);
      }
    }
    if (!entries.empty()) {
      sync_folder(root);
      store.record_filings(entries, filed);
    }
    report.filed += filed.size();
    done += batch.size();
    if (progress) {
      progress(done, total);
    }
  }
  report.waiting = store.count_pending_filings();
  return report;
}

} // namespace cartera::runtime
