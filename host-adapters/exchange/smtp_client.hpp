// One message, one SMTP session (RFC 5321): EHLO, STARTTLS (RFC 3207) with certificate and host
// name verification, AUTH PLAIN or LOGIN (RFC 4954), MAIL FROM, RCPT TO, DATA, QUIT.
// Synchronous, on a private Boost.Asio io_context, with a deadline on every command and reply so
// a silent server costs at most `timeout` per step. What the network or the server did comes back
// in SmtpResult, never as an exception, so the caller can log it against the customer's contact.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::exchange {

struct SmtpSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  std::string helo_name = "cartera.localdomain";
  enum class Tls { never, if_offered, required } tls = Tls::if_offered; // STARTTLS
  std::string ca_file;                                                  // empty: system default verify paths
  bool verify_peer = true;
  std::string username, password; // AUTH PLAIN/LOGIN only after TLS (or when tls == never and host is loopback)
  std::chrono::milliseconds timeout{30000}; // per command/response
};

struct SmtpResult {
  bool delivered = false;
  bool permanent = false;                      // a 5xx: retrying will not help
  int code = 0;                                // the deciding reply code (0: no reply, e.g. connection refused)
  std::string reply;                           // the server's text, or the network error, for the contact log
  std::vector<std::string> refused_recipients; // refused at RCPT TO (or not an address), as given
  bool tls = false;                            // the session was encrypted
};

// Sends rfc5322_message (render_mime's output, or any message: bare LF and CR become CRLF, lines
// starting with "." are dot-stuffed) from envelope_from ("" for the null sender) to recipients.
//
// delivered: the server took the message (250 after DATA) for at least one recipient. Each
// recipient refused at RCPT TO is listed in refused_recipients and named with the server's reply
// in `reply` ("250 2.0.0 queued; refused a@b: 550 5.1.1 ..."), as is a recipient that is not an
// address (is_mail_address): it is never sent and counts as a 5xx. When no recipient is accepted
// the message is not delivered, and permanent only if no refusal was a 4xx. A refusal of the
// greeting, EHLO/HELO, STARTTLS (when TLS is required), AUTH, MAIL FROM or DATA decides the same
// way: 4xx transient, 5xx permanent.
//
// code 0 means no server reply decided: no connection, a timeout, a TLS failure (the
// certificate's problem named: "self-signed certificate", "hostname mismatch"), a reply that is
// not SMTP, or cartera's own refusal (TLS required but not offered, credentials that would travel
// in the clear, no AUTH mechanism it speaks, an envelope_from that is not an address, no
// recipients). None of those is permanent, but for recipients none of which is an address.
// A failed STARTTLS handshake is never retried in the clear; a STARTTLS the server refuses ends
// the session only when TLS is required. Host names are resolved on a helper thread: a lookup
// that outlasts the timeout is abandoned.
SmtpResult send_mail(const SmtpSettings &s, std::string_view envelope_from, const std::vector<std::string> &recipients,
                     std::string_view rfc5322_message);

} // namespace cartera::exchange
