// What a run placed in the customers' folders before its commit, written ahead of each file:
// archive/.placing/<run id>, one relative path a line. A run's files are placed while it
// works and indexed in its transaction, so a run that fails, or is killed, leaves files no
// index row names (and a rerun makes its own, whose bytes may differ). The list is removed
// when the run commits; otherwise the next run, or `archive verify`, finds it and removes the
// listed files the index does not name (sweep_unfinished_placements). A file the index names
// (an earlier run's, placed again with the same bytes) is never removed.
#pragma once

#include "runtime/store/store.hpp"

#include <filesystem>
#include <mutex>
#include <string>

namespace cartera::runtime {

class PlacementLog {
public:
  PlacementLog(const std::filesystem::path &archive_root, const std::string &run_id);
  ~PlacementLog();
  PlacementLog(const PlacementLog &) = delete;
  PlacementLog &operator=(const PlacementLog &) = delete;

  // Before relative is placed; from any worker thread. The line reaches the kernel before the
  // file is made, so a kill between the two leaves a listed path, never an unlisted file.
  void record(const std::string &relative);
  // The run committed: its files are indexed, the list is no longer needed.
  void committed();

private:
  std::filesystem::path file_;
  std::mutex mutex_;
  int fd_ = -1;
};

struct SweepReport {
  std::size_t lists = 0;   // unfinished runs' lists read and removed
  std::size_t removed = 0; // files no index row named, removed
};

// For every list of a run that is no longer running (failed, interrupted, or its process gone
// and marked so by begin_run), removes the listed files the archive index does not name, then
// the list. Cheap: it reads one small folder.
SweepReport sweep_unfinished_placements(const std::filesystem::path &archive_root, RuntimeStore &store);

// Temporary files that processes of this machine, now gone, left in folder (recursive: every
// folder under it): the archive's .tmp-<pid>-<n>-<name> and the outbox's and folder drops'
// .<name>.tmp-<pid>. Returns how many were removed.
std::size_t remove_dead_temporaries(const std::filesystem::path &folder, bool recursive);

} // namespace cartera::runtime
