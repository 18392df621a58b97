#include "runtime/archive/placement_log.hpp"

#include "base/failure.hpp"
#include "runtime/files/outbox.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sstream>
#include <unistd.h>

namespace cartera::runtime {

namespace fs = std::filesystem;

namespace {

constexpr const char *kFolder = ".placing"; // hidden: archive verify and listings skip it

bool process_gone(const std::string &pid_text) {
  if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) {
    return false;
  }
  return ::kill(static_cast<pid_t>(std::stol(pid_text)), 0) != 0 && errno == ESRCH;
}

} // namespace

PlacementLog::PlacementLog(const fs::path &archive_root, const std::string &run_id)
    : file_(archive_root / kFolder / run_id) {}

PlacementLog::~PlacementLog() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void PlacementLog::record(const std::string &relative) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ < 0) {
    std::error_code ec;
    fs::create_directories(file_.parent_path(), ec);
    fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd_ < 0) {
      throw std::runtime_error("archive: cannot write " + file_.string() + ": " + std::strerror(errno));
    }
  }
  const std::string line = relative + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw std::runtime_error("archive: cannot write " + file_.string() + ": " + std::strerror(errno));
  }
}

void PlacementLog::committed() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(file_.c_str());
  }
}

SweepReport sweep_unfinished_placements(const fs::path &archive_root, RuntimeStore &store) {
  SweepReport report;
  std::error_code ec;
  const fs::path folder = archive_root / kFolder;
  if (!fs::is_directory(folder, ec)) {
    return report;
  }
  for (const auto &entry : fs::directory_iterator(folder, ec)) {
    const std::string run_id = entry.path().filename().string();
    if (!entry.is_regular_file() || store.run_status(run_id) == "running") {
      continue; // still at work (a run of another process), or about to commit
    }
    std::istringstream lines(read_whole_file(entry.path()));
    for (std::string relative; std::getline(lines, relative);) {
      if (relative.empty() || relative.find("..") != std::string::npos || relative.front() == '/') {
        continue; // the list is ours; a line that is not a relative path is left alone
      }
      if (!store.archive_path_indexed(relative)) {
        report.removed += fs::remove(archive_root / relative, ec) ? 1 : 0;
      }
    }
    fs::remove(entry.path(), ec);
    ++report.lists;
  }
  return report;
}

std::size_t remove_dead_temporaries(const fs::path &folder, bool recursive) {
  std::size_t removed = 0;
  std::error_code ec;
  const auto consider = [&](const fs::directory_entry &e) {
    // .tmp-<pid>-<n>-<name> (the archive) and .<name>.tmp-<pid> (the outbox, a folder drop).
    const std::string name = e.path().filename().string();
    std::string pid;
    if (name.rfind(".tmp-", 0) == 0) {
      pid = name.substr(5, name.find('-', 5) - 5);
    } else if (const auto at = name.rfind(".tmp-"); name.front() == '.' && at != std::string::npos && at > 0) {
      pid = name.substr(at + 5);
    }
    if (!pid.empty() && e.is_regular_file(ec) && process_gone(pid)) {
      removed += fs::remove(e.path(), ec) ? 1 : 0;
    }
  };
  if (recursive) {
    for (auto it = fs::recursive_directory_iterator(folder, ec); it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      consider(*it);
    }
  } else {
    for (const auto &e : fs::directory_iterator(folder, ec)) {
      consider(e);
    }
  }
  return removed;
}

} // namespace cartera::runtime
