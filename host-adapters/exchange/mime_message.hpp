// An e-mail as bytes for SMTP's DATA: RFC 5322 headers and a MIME body (RFC 2045-2047, 2231),
// CRLF line ends, 7-bit clean (so no server needs 8BITMIME or SMTPUTF8), lines of at most 76
// characters but for a header word that cannot be folded. The output depends on the message
// alone (the boundaries derive from message_id, the Date header from date_utc_us): the same
// statement rendered twice is the same bytes, so a resend is recognisably the same mail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::exchange {

struct MailAttachment {
  std::string file_name;  // UTF-8, no path: "Estado de cuenta – noviembre.pdf"
  std::string media_type; // "application/pdf"; empty means application/octet-stream
  std::string content;    // the bytes, any of them
};

struct MailMessage {
  std::string from_address, from_name; // name may be UTF-8 ("Cartera – Salud Total")
  std::vector<std::string> to;         // addresses (local@domain, ASCII)
  std::string reply_to;                // optional
  std::string subject;                 // UTF-8
  std::string text_body;               // UTF-8, required
  std::string html_body;               // optional: then multipart/alternative
  std::vector<MailAttachment> attachments;
  std::string message_id;       // without <>, e.g. "stmt.C-0001.2026-11@cartera"
  std::int64_t date_utc_us = 0; // Date: header, rendered in -0500 (Bogotá)
};

// The message, ready for send_mail. Structure: text/plain alone; multipart/alternative when
// there is an HTML body; inside multipart/mixed when there are attachments. Bodies are
// quoted-printable, attachments base64; non-ASCII header text becomes RFC 2047 encoded-words and
// non-ASCII file names RFC 2231 parameters.
// Throws std::invalid_argument naming the field ("subject", "to[1]", "attachments[0].file_name")
// for what would break the message or let text become headers: CR, LF or NUL in a header field,
// an address that is not local@domain in printable ASCII, text that is not UTF-8, an empty
// text_body, message_id or to, a date_utc_us of 0, a file name holding a path separator.
std::string render_mime(const MailMessage &m);

// True for local@domain in printable ASCII with a dot-atom on each side (no quoted local part,
// no address literal): the addresses render_mime and send_mail accept.
bool is_mail_address(std::string_view address);

} // namespace cartera::exchange
