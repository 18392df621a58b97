// A real SMTP server for tests: tests/support/smtp_capture.py (aiosmtpd) as a child process on
// 127.0.0.1, writing each message it accepts, with Python's own parse of it, to a scratch folder.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace cartera::testing {

struct CapturedAttachment {
  std::string filename;     // decoded (RFC 2231 / 2047) by Python's email package
  std::string content_type; // "application/pdf"
  std::size_t size = 0;     // of the decoded bytes
  std::string sha256;       // lower-case hex of the decoded bytes
};

// One accepted message: the envelope, and headers and bodies as Python's email package
// (policy=email.policy.default) decoded them.
struct CapturedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  bool tls = false;      // the session was encrypted (STARTTLS)
  std::string auth_user; // empty unless the client authenticated
  std::string subject, from, to, reply_to, date, message_id, content_type;
  std::string text, html; // the decoded bodies (Python's line ends: LF)
  std::vector<CapturedAttachment> attachments;
  std::vector<std::string> defects; // Python's names for what it found malformed; none expected
  std::string parse_error;          // set when Python could not parse the message at all
  std::string eml;                  // the bytes received, after SMTP's dot-unstuffing
};

// Why the SMTP server cannot run here ("... cannot import aiosmtpd"), or "" when it can.
std::string smtp_server_unavailable();

class SmtpServer {
public:
  // Starts smtp_capture.py with its options (--tls-cert F --tls-key F, --require-tls,
  // --auth USER:PASS, --reject ADDRESS, --tempfail ADDRESS) and waits for its port.
  // Throws std::runtime_error when it does not start within 10 s.
  explicit SmtpServer(const std::vector<std::string> &options = {});
  ~SmtpServer();
  SmtpServer(const SmtpServer &) = delete;
  SmtpServer &operator=(const SmtpServer &) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] const std::filesystem::path &dir() const noexcept { return dir_; }

  // The messages accepted so far, in order, once there are at least n or the timeout passed
  // (then fewer: the caller's assertion says how many arrived).
  [[nodiscard]] std::vector<CapturedMail> wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const;

private:
  void stop() noexcept;

  std::filesystem::path dir_;
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
};

// A scratch folder removed with everything in it at the end of its scope.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  [[nodiscard]] const std::filesystem::path &path() const noexcept { return path_; }
  // Writes the bytes to a file of the folder; its path.
  [[nodiscard]] std::string write(const std::string &name, const std::string &bytes) const;

private:
  std::filesystem::path path_;
};

struct Certificate {
  std::filesystem::path cert; // PEM, self-signed: also the CA file that trusts it
  std::filesystem::path key;  // PEM, unencrypted
};

// A self-signed RSA certificate and its key, dir/name.pem and dir/name.key, made by the openssl
// command, valid 2 days for the given subjectAltName. Throws std::runtime_error when openssl fails.
Certificate make_self_signed_certificate(const std::filesystem::path &dir, const std::string &name,
                                         const std::string &subject_alt_names = "DNS:localhost,IP:127.0.0.1");

} // namespace cartera::testing
