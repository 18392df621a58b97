#include "smtp_server.hpp"

// Boost 1.74's JSON reader still includes boost/bind.hpp, which otherwise prints a deprecation
// note into every build; the global _1, _2 it keeps are harmless in this file.
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ; // NOLINT(readability-identifier-naming): POSIX's name

namespace cartera::testing {

namespace {

namespace fs = std::filesystem;
namespace pt = boost::property_tree;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Debian's interpreter, where python3-aiosmtpd lives: a python3 earlier on PATH (pyenv, a venv)
// may not have it.
const char *const kPython = "/usr/bin/python3";
const char *const kOpenssl = "/usr/bin/openssl";

fs::path make_temp_dir(const char *prefix) {
  std::string pattern = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  return pattern;
}

std::string read_all(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first line the child writes to the pipe: its port. Empty when it exits or says nothing
// within the time.
std::string read_first_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = Clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
      return {};
    }
    char chunk[64];
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) {
      return {};
    }
    line.append(chunk, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

// What get_child answers for a member the summary lacks (it returns a reference: not a temporary).
const pt::ptree kNothing;

std::vector<std::string> strings(const pt::ptree &array) {
  std::vector<std::string> out;
  for (const auto &item : array) {
    out.push_back(item.second.data());
  }
  return out;
}

CapturedMail parse_summary(const fs::path &json) {
  pt::ptree tree;
  pt::read_json(json.string(), tree);
  CapturedMail m;
  m.mail_from = tree.get<std::string>("mail_from", "");
  m.rcpt_tos = strings(tree.get_child("rcpt_tos", kNothing));
  m.tls = tree.get<std::string>("tls", "") == "true";
  const std::string user = tree.get<std::string>("auth_user", "");
  m.auth_user = user == "null" ? "" : user;
  for (auto [field, name] : {std::pair{&m.subject, "subject"},
                             {&m.from, "from"},
                             {&m.to, "to"},
                             {&m.reply_to, "reply_to"},
                             {&m.date, "date"},
                             {&m.message_id, "message_id"},
                             {&m.content_type, "content_type"},
                             {&m.text, "text"},
                             {&m.html, "html"},
                             {&m.parse_error, "parse_error"}}) {
    *field = tree.get<std::string>(name, "");
  }
  for (const auto &item : tree.get_child("attachments", kNothing)) {
    const auto &a = item.second;
    m.attachments.push_back({a.get<std::string>("filename", ""), a.get<std::string>("content_type", ""),
                             a.get<std::size_t>("size", 0), a.get<std::string>("sha256", "")});
  }
  m.defects = strings(tree.get_child("defects", kNothing));
  fs::path eml = json;
  m.eml = read_all(eml.replace_extension(".eml"));
  return m;
}

} // namespace

std::string smtp_server_unavailable() {
  static const std::string kWhy = [] {
    const std::string probe = std::string(kPython) + " -c 'import aiosmtpd' 2>/dev/null";
    if (std::system(probe.c_str()) != 0) { // NOLINT(cert-env33-c): a test's own fixed command
      return std::string(kPython) + " cannot import aiosmtpd: install python3-aiosmtpd (script/bootstrap)";
    }
    return std::string();
  }();
  return kWhy;
}

SmtpServer::SmtpServer(const std::vector<std::string> &options) : dir_(make_temp_dir("cartera-smtp")) {
  std::vector<std::string> args = {kPython, std::string(CARTERA_SOURCE_DIR) + "/tests/support/smtp_capture.py",
                                   dir_.string()};
  args.insert(args.end(), options.begin(), options.end());
  std::vector<char *> argv;
  argv.reserve(args.size() + 1);
  for (auto &a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO); // dup2 clears O_CLOEXEC
  const int spawned = posix_spawn(&pid_, kPython, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    pid_ = 0;
    fs::remove_all(dir_);
    throw std::runtime_error("cannot start " + args[1]);
  }
  const std::string line = read_first_line(out[0], 10s);
  close(out[0]); // the script writes nothing after its port
  const bool digits = !line.empty() && line.size() <= 5 &&
                      std::all_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) {
    stop();
    throw std::runtime_error("smtp_capture.py did not report its port (its errors are on standard error)");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(line));
}

SmtpServer::~SmtpServer() {
  stop();
}

void SmtpServer::stop() noexcept {
  if (pid_ != 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    const auto start = Clock::now();
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() - start > 5s) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    pid_ = 0;
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::vector<CapturedMail> SmtpServer::wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const {
  std::vector<fs::path> summaries;
  for (const auto deadline = Clock::now() + timeout;; std::this_thread::sleep_for(20ms)) {
    summaries.clear();
    for (const auto &entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".json") {
        summaries.push_back(entry.path());
      }
    }
    if (summaries.size() >= n || Clock::now() >= deadline) {
      break;
    }
  }
  std::sort(summaries.begin(), summaries.end());
  std::vector<CapturedMail> mails;
  mails.reserve(summaries.size());
  for (const auto &p : summaries) {
    mails.push_back(parse_summary(p));
  }
  return mails;
}

ScratchDir::ScratchDir() : path_(make_temp_dir("cartera-test")) {}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string ScratchDir::write(const std::string &name, const std::string &bytes) const {
  const fs::path p = path_ / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p.string();
}

Certificate make_self_signed_certificate(const fs::path &dir, const std::string &name,
                                         const std::string &subject_alt_names) {
  Certificate c{dir / (name + ".pem"), dir / (name + ".key")};
  const std::string command =
      std::string(kOpenssl) +
      " req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost -addext subjectAltName=" + subject_alt_names +
      " -keyout '" + c.key.string() + "' -out '" + c.cert.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) { // NOLINT(cert-env33-c): a test's own fixed command
    throw std::runtime_error("openssl could not make a self-signed certificate in " + dir.string());
  }
  return c;
}

} // namespace cartera::testing
