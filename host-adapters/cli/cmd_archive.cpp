// archive: the customers' folders (runtime/archive/archive.hpp) — what is there, whether every file
// still has the bytes its index row says, and filing what runs left to be filed after them.
#include "cli/commands.hpp"
#include "cli/table.hpp"
#include "cli/terminal.hpp"

#include "base/failure.hpp"
#include "runtime/archive/archive_filing.hpp"
#include "runtime/archive/placement_log.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/host/host.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <set>

namespace cartera::cli {

namespace fs = std::filesystem;
using namespace cartera::runtime;

namespace {

int list_archive(const Args &args) {
  args.only({"customer"}, "archive list");
  Host host(args.global);
  std::vector<std::vector<std::string>> rows;
  for (const ArchiveEntry &e : host.store().archive_entries(args.option("customer").value_or(""))) {
    rows.push_back({e.customer_id, e.period, e.doc_type, e.media_type, e.path, e.sha256, std::to_string(e.size_bytes),
                    e.created_by, e.created_at});
  }
  print_rows(args.format.value_or("table"), "archive",
             {"customer", "period", "type", "media_type", "path", "sha256", "bytes", "created_by", "created_at"}, rows);
  if (const long long waiting = host.store().count_pending_filings(); waiting > 0 && !host.quiet()) {
    std::cerr << "cartera: archive: " << waiting
              << " documents wait to be filed (cartera archive file, or the next cartera exchange deliver)\n";
  }
  return 0;
}

int file_documents(const Args &args) {
  args.only({}, "archive file");
  Host host(args.global);
  return file_waiting_documents(host) > 0 ? static_cast<int>(ExitCode::kFailure) : 0;
}

// Every indexed file re-hashed; files in the folders that no row names (a run that died before
// its commit, or something copied in by hand) are listed too.
int verify(const Args &args) {
  args.only({"customer"}, "archive verify");
  Host host(args.global);
  const fs::path &root = host.config().archive_dir;
  std::vector<std::vector<std::string>> rows;
  std::set<std::string> indexed;
  std::size_t ok = 0;
  std::size_t bad = 0;
  for (const ArchiveEntry &e : host.store().archive_entries(args.option("customer").value_or(""))) {
    indexed.insert(e.path);
    const fs::path file = root / e.path;
    std::string state = "ok";
    if (!fs::is_regular_file(file)) {
      state = "missing";
    } else if (sha256_hex(read_whole_file(file)) != e.sha256) {
      state = "altered";
    }
    if (state == "ok") {
      ++ok;
    } else {
      ++bad;
      rows.push_back({e.path, state, e.sha256});
    }
  }
  std::size_t unindexed = 0;
  if (!args.option("customer") && fs::is_directory(root)) {
    // What runs that never committed left is removed first (placement_log.hpp): the files they
    // listed before placing, and temporary files of processes that are gone.
    host.store().mark_interrupted_runs(host.now_iso());
    const SweepReport swept = sweep_unfinished_placements(root, host.store());
    const std::size_t temporaries = remove_dead_temporaries(root, true);
    if (swept.removed + temporaries > 0) {
      std::cerr << "cartera: archive: removed " << swept.removed << " files of runs that did not commit and "
                << temporaries << " temporary files of processes that ended\n";
    }
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
      const fs::directory_entry &f = *it;
      if (f.path().filename().string()[0] == '.') {
        if (f.is_directory()) {
          it.disable_recursion_pending(); // .placing: the runs' lists, not documents
        }
        continue;
      }
      const std::string relative = fs::relative(f.path(), root).generic_string();
      if (f.is_regular_file() && indexed.count(relative) == 0) {
        ++unindexed;
        rows.push_back({relative, "not indexed", sha256_hex(read_whole_file(f.path()))});
      }
    }
  }
  print_rows(args.format.value_or("table"), "archive", {"path", "state", "sha256"}, rows);
  std::cerr << "cartera: archive: " << ok << " files verified, " << bad << " missing or altered, " << unindexed
            << " not in the index\n";
  return bad > 0 ? static_cast<int>(ExitCode::kFailure) : 0;
}

} // namespace

std::size_t file_waiting_documents(Host &host) {
  if (host.store().count_pending_filings() == 0) {
    return 0;
  }
  TerminalObserver observer(host.quiet());
  const FilingReport r = file_pending_documents(
      host, [&](std::uint64_t done, std::uint64_t total) { observer.progress(done, total, "filing"); });
  observer.clear_line();
  for (const std::string &line : r.refused) {
    std::cerr << "cartera: error: archive: " << line << "\n";
  }
  if (!r.busy.empty()) {
    std::cerr << "cartera: archive: left to another pass: " << r.busy << "\n";
  }
  if (!host.quiet()) {
    std::cerr << "cartera: archive: " << r.filed << " documents filed in " << host.config().archive_dir.string() << ", "
              << r.refused.size() << " refused, " << r.waiting << " still waiting\n";
  }
  return r.refused.size();
}

int cmd_archive(const Args &args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "list") {
    return list_archive(args);
  }
  if (sub == "verify") {
    return verify(args);
  }
  if (sub == "file") {
    return file_documents(args);
  }
  usage_error("archive: say list, verify or file (cartera archive --help)");
}

} // namespace cartera::cli
