// send_mail is one Session: a sequence of steps, each an asynchronous Asio operation followed by
// running the private io_context for at most the step's timeout. It reads like blocking code, but
// a server that stops answering costs a bounded wait, which blocking socket calls cannot promise.
#include "exchange/smtp_client.hpp"
#include "exchange/host_lookup.hpp"

#include "exchange/mime_message.hpp"
#include "exchange/rfc_text.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

namespace cartera::exchange {

namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using ErrorCode = boost::system::error_code;
using Tls = SmtpSettings::Tls;

// RFC 5321 allows 512 octets per reply line; servers that say more are still SMTP servers.
constexpr std::size_t kMaxReplyLine = 8192;
constexpr std::size_t kMaxReplyLines = 200;
// DATA goes out in chunks, each with its own deadline: the timeout bounds a stall, not the time a
// large attachment takes on a slow link.
constexpr std::size_t kDataChunk = std::size_t{64} * 1024;
// The outcome is decided before QUIT; a server slow to say goodbye should not hold the caller.
constexpr std::chrono::milliseconds kQuitTimeout{2000};

std::string uppercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

struct Reply {
  int code = 0;
  std::vector<std::string> lines; // the text after "250-" / "250 "

  [[nodiscard]] std::string text() const {
    std::string out = std::to_string(code);
    for (const auto &line : lines) {
      out += " " + line;
    }
    return out;
  }
};

// Line ends made CRLF and lines starting with "." doubled (RFC 5321 4.5.2), then the final ".".
std::string data_payload(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') {
        ++i;
      }
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') {
      out += '.';
    }
    out += c;
    line_start = false;
  }
  if (!line_start) {
    out += "\r\n";
  }
  return out + ".\r\n";
}

bool is_eight_bit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x80; });
}

class Session {
public:
  explicit Session(const SmtpSettings &settings) : s_(settings), socket_(ioc_), step_timeout_(settings.timeout) {}

  SmtpResult send(std::string_view envelope_from, const std::vector<std::string> &recipients,
                  std::string_view message) {
    if (!envelope_from.empty() && !is_mail_address(envelope_from)) {
      return local_failure("the envelope sender \"" + printable(envelope_from) + "\" is not an address");
    }
    if (recipients.empty()) {
      return local_failure("no recipients");
    }
    if (std::none_of(recipients.begin(), recipients.end(), [](const auto &to) { return is_mail_address(to); })) {
      // Nothing a server could accept: no session, and no retry will make these addresses.
      for (const auto &to : recipients) {
        refusal(to, "not an address, not sent");
      }
      local_failure("no recipient is an address" + refusals_).permanent = true;
      return result_;
    }
    if (connect() && greeting() && hello() && secure() && authenticate()) {
      transaction(envelope_from, recipients, message);
    }
    quit();
    return result_;
  }

private:
  // ---- outcomes ------------------------------------------------------------------------------

  SmtpResult &local_failure(std::string why) {
    result_.delivered = false;
    result_.permanent = false;
    result_.code = 0;
    result_.reply = std::move(why);
    return result_;
  }

  bool network_failure(std::string why) {
    connected_ = false;
    local_failure(std::move(why));
    return false;
  }

  bool refused(std::string_view command, const Reply &r) {
    result_.delivered = false;
    result_.permanent = r.code >= 500;
    result_.code = r.code;
    result_.reply = std::string(command) + ": " + r.text();
    if (r.code == 421) {
      connected_ = false; // RFC 5321: the server is closing the connection; no QUIT
    }
    return false;
  }

  // What a person can read of bytes that may hold controls.
  static std::string printable(std::string_view s) {
    std::string out;
    for (const unsigned char c : s.substr(0, 200)) {
      out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
    }
    return out;
  }

  // ---- the transport -----------------------------------------------------------------------------

  tcp::socket &raw() { return tls_ ? tls_->next_layer() : socket_; }

  // Starts op (an asynchronous operation waiting for its completion handler) and runs the
  // io_context until it completes or the step's time is up; then the socket is closed, which
  // completes the operation with an error, and the session is over.
  // `doing` completes "timed out after N ms ..." and `failed` prefixes the error's own message.
  template <class Op> bool run(const std::string &doing, const std::string &failed, Op op) {
    std::optional<ErrorCode> outcome;
    op([&outcome](ErrorCode ec, auto &&...) { outcome = ec; });
    ioc_.restart();
    ioc_.run_for(step_timeout_);
    if (!outcome) {
      ErrorCode ignored;
      raw().close(ignored);
      ioc_.restart();
      ioc_.run();
      return network_failure("timed out after " + std::to_string(step_timeout_.count()) + " ms " + doing);
    }
    if (*outcome) {
      return network_failure(describe(*outcome, doing, failed));
    }
    return true;
  }

  std::string describe(const ErrorCode &ec, const std::string &doing, const std::string &failed) {
    if (ec == net::error::eof || ec == ssl::error::stream_truncated || ec == net::error::connection_reset) {
      return "the server closed the connection (" + doing + ")";
    }
    if (ec == net::error::not_found) {
      return "the server sent a line longer than " + std::to_string(kMaxReplyLine) + " bytes (" + doing + ")";
    }
    std::string text = failed + ": " + ec.message();
    if (tls_ && SSL_get_verify_result(tls_->native_handle()) != X509_V_OK) {
      // What OpenSSL found wrong with the certificate: "self-signed certificate", "hostname mismatch".
      text += std::string(" (") + X509_verify_cert_error_string(SSL_get_verify_result(tls_->native_handle())) + ")";
    }
    return text;
  }

  template <class Buffers> bool write(const Buffers &buffers, const std::string &what) {
    const std::string doing = "sending " + what;
    const std::string failed = "cannot send " + what;
    return tls_ ? run(doing, failed, [&](auto handler) { net::async_write(*tls_, buffers, std::move(handler)); })
                : run(doing, failed, [&](auto handler) { net::async_write(socket_, buffers, std::move(handler)); });
  }

  std::optional<std::string> read_line(const std::string &what) {
    const std::string doing = "waiting for " + what;
    const std::string failed = "cannot read " + what;
    std::size_t length = 0;
    const auto keep_length = [&length](auto handler) {
      return [&length, handler = std::move(handler)](ErrorCode ec, std::size_t n) mutable {
        length = n;
        handler(ec);
      };
    };
    auto buffer = net::dynamic_buffer(input_, kMaxReplyLine);
    const bool ok =
        tls_ ? run(doing, failed,
                   [&](auto handler) { net::async_read_until(*tls_, buffer, "\n", keep_length(std::move(handler))); })
             : run(doing, failed, [&](auto handler) {
                 net::async_read_until(socket_, buffer, "\n", keep_length(std::move(handler)));
               });
    if (!ok) {
      return std::nullopt;
    }
    std::string line = input_.substr(0, length - 1);
    input_.erase(0, length);
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    return line;
  }

  // A reply, single or multi-line ("250-first", "250 last"). Anything else ends the session:
  // a peer that does not speak SMTP cannot be trusted with the rest.
  std::optional<Reply> read_reply(const std::string &waiting_for) {
    const std::string doing = "waiting for " + waiting_for;
    Reply reply;
    for (std::size_t count = 0; count < kMaxReplyLines; ++count) {
      const auto line = read_line(waiting_for);
      if (!line) {
        return std::nullopt;
      }
      const bool coded = line->size() >= 3 && (*line)[0] >= '2' && (*line)[0] <= '5' &&
                         std::isdigit(static_cast<unsigned char>((*line)[1])) != 0 &&
                         std::isdigit(static_cast<unsigned char>((*line)[2])) != 0 &&
                         (line->size() == 3 || (*line)[3] == ' ' || (*line)[3] == '-');
      if (!coded) {
        network_failure("the server's answer is not an SMTP reply (" + doing + "): \"" + printable(*line) + "\"");
        return std::nullopt;
      }
      reply.code = std::stoi(line->substr(0, 3));
      reply.lines.push_back(line->size() > 4 ? line->substr(4) : "");
      if (line->size() == 3 || (*line)[3] == ' ') {
        return reply;
      }
    }
    network_failure("the server's reply has more than " + std::to_string(kMaxReplyLines) + " lines (" + doing + ")");
    return std::nullopt;
  }

  // Sends one command line; `name` is what replies and errors call it (never the credentials).
  std::optional<Reply> command(const std::string &line, const std::string &name) {
    const std::string bytes = line + "\r\n";
    if (!write(net::buffer(bytes), name)) {
      return std::nullopt;
    }
    return read_reply("the reply to " + name);
  }

  // ---- the steps ---------------------------------------------------------------------------------

  bool connect() {
    const std::string where = s_.host + ":" + std::to_string(s_.port);
    const HostLookup lookup = look_up_host(s_.host, s_.port, std::chrono::steady_clock::now() + s_.timeout);
    if (lookup.timed_out) {
      return network_failure("timed out after " + std::to_string(s_.timeout.count()) + " ms looking up " + s_.host);
    }
    if (lookup.ec) {
      return network_failure("cannot look up " + s_.host + ": " + lookup.ec.message());
    }
    connected_ = run("connecting to " + where, "cannot connect to " + where,
                     [&](auto handler) { net::async_connect(socket_, lookup.endpoints, std::move(handler)); });
    return connected_;
  }

  bool greeting() {
    const auto r = read_reply("the greeting");
    return r && (r->code == 220 || refused("greeting", *r));
  }

  // EHLO, and HELO when a server too old for EHLO refuses it (5xx): then no extensions.
  bool hello() {
    extensions_.clear();
    const auto ehlo = command("EHLO " + s_.helo_name, "EHLO");
    if (!ehlo) {
      return false;
    }
    if (ehlo->code == 250) {
      for (std::size_t i = 1; i < ehlo->lines.size(); ++i) {
        std::istringstream words(ehlo->lines[i]);
        std::string keyword;
        words >> keyword;
        // "AUTH=LOGIN PLAIN" is how servers before RFC 4954 said it.
        const auto equals = keyword.find('=');
        std::string params = equals == std::string::npos ? "" : keyword.substr(equals + 1);
        keyword = uppercase(keyword.substr(0, equals));
        std::string rest;
        std::getline(words, rest);
        extensions_[keyword] = uppercase(params + rest);
      }
      return true;
    }
    if (ehlo->code < 500) {
      return refused("EHLO", *ehlo);
    }
    const auto helo = command("HELO " + s_.helo_name, "HELO");
    return helo && (helo->code == 250 || refused("HELO", *helo));
  }

  bool offers(const std::string &extension) const { return extensions_.count(extension) != 0; }

  bool secure() {
    if (s_.tls == Tls::never) {
      return true;
    }
    if (!offers("STARTTLS")) {
      if (s_.tls == Tls::required) {
        local_failure("the server does not offer STARTTLS and the settings require TLS");
        return false;
      }
      return true;
    }
    const auto r = command("STARTTLS", "STARTTLS");
    if (!r) {
      return false;
    }
    if (r->code != 220) {
      // Refused: only a session that must be encrypted stops here; the others go on in the clear.
      return s_.tls != Tls::required || refused("STARTTLS", *r);
    }
    if (!input_.empty()) {
      // Anything sent before the handshake was sent in the clear and would be read as if it came
      // through TLS (the STARTTLS command injection of CVE-2011-0411).
      return network_failure("the server sent data after its STARTTLS reply, before the TLS handshake");
    }
    return handshake() && hello();
  }

  bool handshake() {
    tls_context_.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(tls_context_->native_handle(), TLS1_2_VERSION);
    ErrorCode ec;
    if (s_.verify_peer) {
      tls_context_->set_verify_mode(ssl::verify_peer);
      if (s_.ca_file.empty()) {
        tls_context_->set_default_verify_paths(ec);
      } else {
        tls_context_->load_verify_file(s_.ca_file, ec);
      }
      if (ec) {
        // OpenSSL's reason for a file it cannot open is a bare "asio.ssl error": say which.
        const bool unreadable = !s_.ca_file.empty() && !std::ifstream(s_.ca_file).is_open();
        return network_failure("cannot load the trusted certificates" +
                               (s_.ca_file.empty() ? std::string() : " from " + s_.ca_file) + ": " +
                               (unreadable ? std::string("the file cannot be read") : ec.message()));
      }
    } else {
      tls_context_->set_verify_mode(ssl::verify_none);
    }
    tls_.emplace(std::move(socket_), *tls_context_);
    SSL *ssl_handle = tls_->native_handle();
    ErrorCode not_an_address;
    net::ip::make_address(s_.host, not_an_address);
    const bool is_address = !not_an_address;
    if (s_.verify_peer) {
      // OpenSSL's own check, rather than a verify callback, so that a mismatch is reported as
      // "hostname mismatch" by SSL_get_verify_result and not as a bare "certificate verify failed".
      X509_VERIFY_PARAM *param = SSL_get0_param(ssl_handle);
      if (is_address) {
        X509_VERIFY_PARAM_set1_ip_asc(param, s_.host.c_str());
      } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, s_.host.c_str(), s_.host.size());
      }
    }
    if (!is_address) {
      SSL_set_tlsext_host_name(ssl_handle, s_.host.c_str()); // SNI carries names only, never addresses
    }
    if (!run("in the TLS handshake", "TLS handshake failed",
             [&](auto handler) { tls_->async_handshake(ssl::stream_base::client, std::move(handler)); })) {
      return false;
    }
    result_.tls = true;
    return true;
  }

  bool authenticate() {
    if (s_.username.empty()) {
      return true;
    }
    ErrorCode ec;
    const bool loopback = raw().remote_endpoint(ec).address().is_loopback() && !ec;
    if (!result_.tls && !(s_.tls == Tls::never && loopback)) {
      local_failure("the session is not encrypted: credentials are sent only over TLS (or to a server on this "
                    "machine with TLS set to never)");
      return false;
    }
    std::istringstream offered(offers("AUTH") ? extensions_.at("AUTH") : "");
    std::vector<std::string> mechanisms{std::istream_iterator<std::string>(offered), {}};
    const auto has = [&](const char *m) {
      return std::find(mechanisms.begin(), mechanisms.end(), m) != mechanisms.end();
    };
    if (has("PLAIN")) {
      const auto r =
          command("AUTH PLAIN " + base64(std::string(1, '\0') + s_.username + '\0' + s_.password), "AUTH PLAIN");
      return r && (r->code == 235 || refused("AUTH PLAIN", *r));
    }
    if (has("LOGIN")) {
      auto r = command("AUTH LOGIN", "AUTH LOGIN");
      if (r && r->code == 334) {
        r = command(base64(s_.username), "AUTH LOGIN (user name)");
      }
      if (r && r->code == 334) {
        r = command(base64(s_.password), "AUTH LOGIN (password)");
      }
      return r && (r->code == 235 || refused("AUTH LOGIN", *r));
    }
    local_failure("the server offers no AUTH PLAIN or LOGIN" +
                  (offers("AUTH") ? " (it offers " + extensions_.at("AUTH") + ")" : std::string(" (no AUTH at all)")));
    return false;
  }

  void transaction(std::string_view from, const std::vector<std::string> &recipients, std::string_view message) {
    const std::string payload = data_payload(message);
    std::string mail = "MAIL FROM:<" + std::string(from) + ">";
    if (offers("SIZE")) {
      mail += " SIZE=" + std::to_string(payload.size());
    }
    if (offers("8BITMIME") && is_eight_bit(message)) {
      mail += " BODY=8BITMIME";
    }
    const auto r = command(mail, "MAIL FROM");
    if (!r) {
      return;
    }
    if (r->code != 250) {
      refused("MAIL FROM", *r);
      return;
    }
    if (recipients_accepted(recipients)) {
      data(payload);
    }
  }

  // RCPT TO for each recipient. True when at least one was accepted; else the outcome says why.
  bool recipients_accepted(const std::vector<std::string> &recipients) {
    std::size_t accepted = 0;
    std::optional<Reply> transient;
    std::optional<Reply> permanent;
    for (const auto &to : recipients) {
      if (!is_mail_address(to)) {
        refusal(to, "not an address, not sent");
        continue;
      }
      const auto r = command("RCPT TO:<" + to + ">", "RCPT TO <" + to + ">");
      if (!r) {
        return false;
      }
      if (r->code == 250 || r->code == 251) {
        ++accepted;
        continue;
      }
      if (r->code == 421) {
        return refused("RCPT TO <" + to + ">", *r);
      }
      refusal(to, r->text());
      (r->code >= 500 ? permanent : transient) = r;
    }
    if (accepted > 0) {
      return true;
    }
    result_.delivered = false;
    result_.code = transient ? transient->code : permanent ? permanent->code : 0;
    result_.permanent = !transient;
    result_.reply = "every recipient was refused" + refusals_;
    return false;
  }

  void refusal(const std::string &to, const std::string &why) {
    result_.refused_recipients.push_back(to);
    refusals_ += "; refused " + printable(to) + ": " + why;
  }

  void data(const std::string &payload) {
    const auto go_ahead = command("DATA", "DATA");
    if (!go_ahead) {
      return;
    }
    if (go_ahead->code != 354) {
      refused("DATA", *go_ahead);
      return;
    }
    for (std::size_t at = 0; at < payload.size(); at += kDataChunk) {
      const std::size_t n = std::min(kDataChunk, payload.size() - at);
      if (!write(net::buffer(payload.data() + at, n), "the message")) {
        return;
      }
    }
    const auto r = read_reply("the reply to the message");
    if (!r) {
      return;
    }
    if (r->code != 250) {
      refused("end of DATA", *r);
      return;
    }
    result_.delivered = true;
    result_.permanent = false;
    result_.code = r->code;
    result_.reply = r->text() + refusals_;
  }

  void quit() {
    if (connected_) {
      step_timeout_ = std::min(step_timeout_, kQuitTimeout);
      command("QUIT", "QUIT"); // the outcome is already decided
    }
    ErrorCode ignored;
    raw().close(ignored);
  }

  const SmtpSettings &s_;
  net::io_context ioc_;
  tcp::socket socket_;
  std::optional<ssl::context> tls_context_;
  std::optional<ssl::stream<tcp::socket>> tls_; // owns the connection after STARTTLS
  std::chrono::milliseconds step_timeout_;
  bool connected_ = false;                        // a session is open that a QUIT can end
  std::string input_;                             // received and not yet read as a line
  std::map<std::string, std::string> extensions_; // EHLO keyword (upper case) -> parameters
  std::string refusals_;                          // "; refused a@b: 550 ..." for each recipient refused
  SmtpResult result_;
};

} // namespace

SmtpResult send_mail(const SmtpSettings &s, std::string_view envelope_from, const std::vector<std::string> &recipients,
                     std::string_view rfc5322_message) {
  try {
    Session session(s);
    return session.send(envelope_from, recipients, rfc5322_message);
  } catch (const std::exception &e) {
    // Only resources can fail this way (memory, a TLS context OpenSSL cannot create): still an
    // outcome for the contact log, not a crash of the delivery loop.
    SmtpResult failed;
    failed.reply = std::string("cannot send: ") + e.what();
    return failed;
  }
}

} // namespace cartera::exchange
