#include "cartera_process.hpp"

#include "module_dir.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

extern char **environ;

namespace cartera::testing {

namespace {
pid_t spawn(const std::filesystem::path &cwd, const std::vector<std::string> &args, const std::string &out,
            const std::string &err) {
  std::vector<std::string> argv_s = {CARTERA_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char *> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto &a : argv_s) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, CARTERA_BIN, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    throw std::runtime_error("cannot start " CARTERA_BIN);
  }
  return pid;
}
} // namespace

Outcome run_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args) {
  const std::string out = (cwd / ".stdout").string();
  const std::string err = (cwd / ".stderr").string();
  const pid_t pid = spawn(cwd, args, out, err);
  int status = 0;
  ::waitpid(pid, &status, 0);
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = read_text(out);
  o.err = read_text(err);
  return o;
}

pid_t spawn_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args) {
  return spawn(cwd, args, (cwd / ".bg-stdout").string(), (cwd / ".bg-stderr").string());
}

pid_t spawn_cartera(const std::filesystem::path &cwd, const std::vector<std::string> &args, const std::string &name) {
  return spawn(cwd, args, (cwd / (name + ".stdout")).string(), (cwd / (name + ".stderr")).string());
}

Outcome finish_cartera(const std::filesystem::path &cwd, pid_t pid, const std::string &name) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = read_text(cwd / (name + ".stdout"));
  o.err = read_text(cwd / (name + ".stderr"));
  return o;
}

bool contains(const std::string &s, const std::string &part) {
  return s.find(part) != std::string::npos;
}

std::size_t count_lines(const std::string &s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string acknowledgement_xml(const std::string &document, const std::string &answer) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<acknowledgement xmlns="urn:cartera:acknowledgement:1" document=")" +
         document + R"(" from="tesoreria" at="2026-11-23T09:00:00-05:00">
  )" + answer +
         R"(
</acknowledgement>
)";
}

} // namespace cartera::testing
