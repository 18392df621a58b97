#include "runtime/files/outbox.hpp"

#include "base/failure.hpp"
#include "runtime/files/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace cartera::runtime {

std::string document_id(const std::string &module_id, const std::string &type, const std::string &key) {
  std::string material = module_id;
  material += '\0';
  material += type;
  material += '\0';
  material += key;
  return type + "-" + sha256_hex(material).substr(0, 24);
}

namespace {
[[noreturn]] void io_failure(const std::string &what, const std::filesystem::path &p) {
  fail(what + " " + p.string() + ": " + std::strerror(errno));
}
} // namespace

namespace {
// tmp + rename; with flush, the file's bytes and the folder entry reach the disk first.
void write_via_rename(const std::filesystem::path &dir, const std::string &name, std::string_view content, bool flush) {
  const std::filesystem::path target = dir / name;
  const std::filesystem::path tmp = dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
  write_new_file(tmp, content, flush);
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    ::unlink(tmp.c_str());
    io_failure("cannot rename into", target);
  }
}
} // namespace

void write_new_file(const std::filesystem::path &file, std::string_view content, bool flush) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    io_failure("cannot create", file);
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      ::close(fd);
      ::unlink(file.c_str());
      io_failure("cannot write", file);
    }
    done += static_cast<std::size_t>(n);
  }
  if ((flush && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(file.c_str());
    io_failure("cannot flush", file);
  }
}

std::string read_whole_file(const std::filesystem::path &file) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  std::string bytes(ec ? 0 : static_cast<std::size_t>(size), '\0');
  if (!in || ec || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    fail("cannot read " + file.string());
  }
  return bytes;
}

void write_atomically(const std::filesystem::path &dir, const std::string &name, std::string_view content) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  write_via_rename(dir, name, content, true);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void write_unsynced(const std::filesystem::path &dir, const std::string &name, std::string_view content) {
  write_via_rename(dir, name, content, false);
}

void sync_folder(const std::filesystem::path &dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    io_failure("cannot open", dir);
  }
  const bool ok = ::syncfs(dfd) == 0 && ::fsync(dfd) == 0;
  ::close(dfd);
  if (!ok) {
    io_failure("cannot flush", dir);
  }
}

} // namespace cartera::runtime
