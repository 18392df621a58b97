#include "exchange/mime_message.hpp"
#include "exchange/rfc_text.hpp"

#include "cartera/sdk/text.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace cartera::exchange {

namespace {

constexpr std::size_t kLineWidth = 76;
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kHex = "0123456789ABCDEF";
// Bogotá has kept UTC-5 without daylight saving since 1993: a fixed offset needs no tz database.
constexpr std::int64_t kBogotaOffsetSeconds = std::int64_t{-5} * 3600;

[[noreturn]] void refuse(const std::string &field, const std::string &why) {
  throw std::invalid_argument("render_mime: " + field + ": " + why);
}

bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

// CR and LF would end the header and let the rest of the value become headers of its own
// (a Bcc: smuggled in a customer's name); NUL is cut short by too many readers.
void require_header_text(const std::string &field, std::string_view value) {
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    refuse(field, "holds CR, LF or NUL (header injection)");
  }
  if (sdk::first_invalid_utf8(value) != std::string_view::npos) {
    refuse(field, "is not UTF-8");
  }
}

bool is_atext(unsigned char c) {
  return is_ascii_alnum(c) ||
         std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) != std::string_view::npos;
}

void require_address(const std::string &field, std::string_view address) {
  require_header_text(field, address);
  if (!is_mail_address(address)) {
    refuse(field, "\"" + std::string(address) + "\" is not an address of the form local@domain in ASCII");
  }
}

void require_message_id(std::string_view id) {
  require_header_text("message_id", id);
  const auto at = id.find('@');
  const bool id_chars =
      std::all_of(id.begin(), id.end(), [](unsigned char c) { return is_atext(c) || c == '.' || c == '@'; });
  if (at == std::string_view::npos || at == 0 || at + 1 == id.size() ||
      id.find('@', at + 1) != std::string_view::npos || !id_chars || id.size() > 250) {
    refuse("message_id", std::string("\"").append(id).append("\" is not of the form left@right (no <>, no spaces)"));
  }
}

void require_file_name(const std::string &field, std::string_view name) {
  require_header_text(field, name);
  if (name.empty()) {
    refuse(field, "is empty");
  }
  if (std::any_of(name.begin(), name.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '/' || c == '\\'; })) {
    refuse(field, "holds a control character or a path separator; give the file's name only");
  }
}

std::string media_type_of(const std::string &field, const std::string &media_type) {
  if (media_type.empty()) {
    return "application/octet-stream";
  }
  const auto slash = media_type.find('/');
  if (slash == std::string::npos || !is_rfc_token(media_type.substr(0, slash)) ||
      !is_rfc_token(media_type.substr(slash + 1))) {
    refuse(field, "\"" + media_type + "\" is not a type/subtype media type without parameters");
  }
  std::string lower(media_type.substr(0, slash));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  if (lower == "multipart" || lower == "message") {
    // RFC 2045 forbids base64 for composite types, and an attachment is always base64 here.
    refuse(field, "a " + lower + "/* attachment cannot be sent base64-encoded");
  }
  return media_type;
}

// RFC 2045's 76-character lines, each ended by CRLF.
std::string base64_lines(std::string_view bytes) {
  const std::string encoded = base64(bytes);
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kLineWidth * 2 + 2);
  for (std::size_t i = 0; i < encoded.size(); i += kLineWidth) {
    out.append(encoded, i, kLineWidth).append(kCrlf);
  }
  return out;
}

// Length of the UTF-8 sequence a lead byte starts (the text was checked before).
std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead < 0xe0) {
    return 2;
  }
  return lead < 0xf0 ? 3 : 4;
}

// Builds one header field, folding between words so that lines stay within kLineWidth.
class HeaderField {
public:
  explicit HeaderField(std::string_view name) : text_(std::string(name) + ":"), line_(text_.size()) {}

  // An unbreakable word, after a space or, when it does not fit, on a continuation line (never
  // the first word: "Subject:" alone on its line helps nobody).
  void word(std::string_view w) {
    if (line_ + 1 + w.size() > kLineWidth && has_word_) {
      text_.append(kCrlf);
      line_ = 0;
    }
    text_.append(" ").append(w);
    line_ += 1 + w.size();
    has_word_ = true;
  }

  // Text as RFC 2047 B encoded-words, as many as the lines need. Readers drop the folding
  // between adjacent encoded-words, so the text comes back exactly, spaces included; a word
  // never splits a UTF-8 sequence, which RFC 2047 forbids.
  void encoded_words(std::string_view utf8) {
    constexpr std::size_t kWrapping = std::string_view("=?UTF-8?B?").size() + std::string_view("?=").size();
    std::size_t i = 0;
    while (i < utf8.size()) {
      const std::size_t room = line_ + 1 + kWrapping + 8 > kLineWidth ? kLineWidth - 1 : kLineWidth - line_ - 1;
      const std::size_t max_bytes = (std::min<std::size_t>(room, 75) - kWrapping) / 4 * 3;
      std::size_t n = 0;
      while (i + n < utf8.size() && n + utf8_length(utf8[i + n]) <= max_bytes) {
        n += utf8_length(utf8[i + n]);
      }
      word("=?UTF-8?B?" + base64(utf8.substr(i, n)) + "?=");
      i += n;
    }
  }

  [[nodiscard]] std::string str() const { return text_ + std::string(kCrlf); }

private:
  std::string text_;
  std::size_t line_;
  bool has_word_ = false;
};

// Text that can stand as itself: printable ASCII in single-spaced words of a reasonable length,
// and nothing a reader would take for an encoded-word.
bool plain_words(std::string_view s) {
  if (s.empty() || !is_printable_ascii(s) || s.find("=?") != std::string_view::npos || s.front() == ' ' ||
      s.back() == ' ' || s.find("  ") != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = std::min(s.find(' ', start), s.size());
    if (end - start > kLineWidth - 10) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

void text_words(HeaderField &field, std::string_view s) {
  if (!plain_words(s)) {
    field.encoded_words(s);
    return;
  }
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = std::min(s.find(' ', start), s.size());
    field.word(s.substr(start, end - start));
    start = end + 1;
  }
}

// A display name: atoms when it has only atom characters, a quoted-string when it is other
// ASCII ("Salud Total S.A."), encoded-words otherwise.
void display_name(HeaderField &field, std::string_view name) {
  const bool atoms = plain_words(name) &&
                     std::all_of(name.begin(), name.end(), [](unsigned char c) { return is_atext(c) || c == ' '; });
  if (atoms) {
    text_words(field, name);
    return;
  }
  if (plain_words(name) && name.size() <= kLineWidth - 20) {
    std::string quoted = "\"";
    for (const char c : name) {
      if (c == '"' || c == '\\') {
        quoted += '\\';
      }
      quoted += c;
    }
    field.word(quoted + "\"");
    return;
  }
  field.encoded_words(name);
}

std::string two_digits(unsigned value) {
  return {static_cast<char>('0' + value / 10 % 10), static_cast<char>('0' + value % 10)};
}

// RFC 5322's date-time in Bogotá's offset: "Sun, 22 Nov 2026 09:30:00 -0500".
std::string rfc5322_date(std::int64_t utc_us) {
  using namespace std::chrono;
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds local{seconds{utc_us / 1'000'000 + kBogotaOffsetSeconds}};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss time{local - day};
  return std::string(kDays[weekday{day}.c_encoding()]) + ", " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
         std::string(kMonths[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<int>(ymd.year())) + " " + two_digits(static_cast<unsigned>(time.hours().count())) +
         ":" + two_digits(static_cast<unsigned>(time.minutes().count())) + ":" +
         two_digits(static_cast<unsigned>(time.seconds().count())) + " -0500";
}

// One line of text (no line end) as quoted-printable lines of at most 76 characters: soft breaks
// ("=" CRLF) never split an =XX, and a space or tab ending the line is encoded, since transports
// may strip it.
void quoted_printable_line(std::string_view line, std::string &out) {
  std::string physical;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    const std::string token =
        literal ? std::string(1, static_cast<char>(c)) : std::string{'=', kHex[c >> 4U], kHex[c & 0x0fU]};
    if (physical.size() + token.size() > kLineWidth - 1) {
      out.append(physical).append("=").append(kCrlf);
      physical.clear();
    }
    physical += token;
  }
  out.append(physical).append(kCrlf);
}

// The whole text with its line ends (LF, CRLF or CR) made CRLF, quoted-printable.
std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find_first_of("\r\n", start), text.size());
    quoted_printable_line(text.substr(start, end - start), out);
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  return out;
}

// A MIME parameter: name="value" for short plain ASCII, else RFC 2231's name*=utf-8''%XX...,
// cut into name*0*, name*1*... continuations so that no line outgrows kLineWidth.
std::string parameter(std::string_view name, std::string_view value) {
  if (is_printable_ascii(value) && value.find_first_of("\"\\") == std::string_view::npos &&
      value.size() + name.size() + 4 <= kLineWidth) {
    return " " + std::string(name) + "=\"" + std::string(value) + "\"";
  }
  std::vector<std::string> pieces(1, "utf-8''");
  constexpr std::size_t kPieceWidth = kLineWidth - 16;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    const bool attr_char = is_ascii_alnum(c);
    const std::string encoded = attr_char || std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos
                                    ? std::string(1, ch)
                                    : std::string{'%', kHex[c >> 4U], kHex[c & 0x0fU]};
    if (pieces.back().size() + encoded.size() > kPieceWidth) {
      pieces.emplace_back();
    }
    pieces.back() += encoded;
  }
  if (pieces.size() == 1) {
    return " " + std::string(name) + "*=" + pieces.front();
  }
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    out += (i == 0 ? " " : ";\r\n ") + std::string(name) + "*" + std::to_string(i) + "*=" + pieces[i];
  }
  return out;
}

// Only the boundary's uniqueness against the content matters, and "=_" guarantees it: neither
// quoted-printable (which writes "=" as "=3D") nor base64 can produce it. The hash of the
// message id merely tells the boundaries of different messages apart for a person reading them.
std::string boundary(std::string_view message_id, std::string_view kind) {
  std::uint64_t hash = 14695981039346656037ULL; // FNV-1a
  for (const char c : message_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  std::string hex(16, '0');
  for (std::size_t i = 0; i < hex.size(); ++i) {
    hex[hex.size() - 1 - i] = kHex[(hash >> (4 * i)) & 0x0fU];
  }
  return "=_cartera_" + std::string(kind) + "_" + hex;
}

std::string text_part(std::string_view subtype, std::string_view text) {
  return "Content-Type: text/" + std::string(subtype) +
         "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted_printable(text);
}

std::string attachment_part(const MailAttachment &a, const std::string &media_type) {
  return "Content-Type: " + media_type + ";\r\n" + parameter("name", a.file_name) +
         "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n" +
         parameter("filename", a.file_name) + "\r\n\r\n" + base64_lines(a.content);
}

// RFC 2046: the CRLF before each delimiter line belongs to the delimiter, so every delimiter but
// the first is preceded by one of its own; a part's final line end (a text's last newline) stays
// the part's.
std::string multipart(std::string_view subtype, const std::string &boundary_text,
                      const std::vector<std::string> &parts) {
  std::string out =
      "Content-Type: multipart/" + std::string(subtype) + ";\r\n boundary=\"" + boundary_text + "\"\r\n\r\n";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out.append(i == 0 ? "" : kCrlf).append("--").append(boundary_text).append(kCrlf).append(parts[i]);
  }
  return out.append(kCrlf).append("--").append(boundary_text).append("--").append(kCrlf);
}

void validate(const MailMessage &m) {
  require_address("from_address", m.from_address);
  require_header_text("from_name", m.from_name);
  if (m.to.empty()) {
    refuse("to", "no recipient");
  }
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    require_address("to[" + std::to_string(i) + "]", m.to[i]);
  }
  if (!m.reply_to.empty()) {
    require_address("reply_to", m.reply_to);
  }
  require_header_text("subject", m.subject);
  if (m.text_body.empty()) {
    refuse("text_body", "is empty; every statement needs a text for readers without HTML");
  }
  if (sdk::first_invalid_utf8(m.text_body) != std::string::npos) {
    refuse("text_body", "is not UTF-8");
  }
  if (sdk::first_invalid_utf8(m.html_body) != std::string::npos) {
    refuse("html_body", "is not UTF-8");
  }
  require_message_id(m.message_id);
  if (m.date_utc_us <= 0) {
    refuse("date_utc_us", "is not set");
  }
  for (std::size_t i = 0; i < m.attachments.size(); ++i) {
    require_file_name("attachments[" + std::to_string(i) + "].file_name", m.attachments[i].file_name);
  }
}

std::string headers(const MailMessage &m) {
  std::string out = "Date: " + rfc5322_date(m.date_utc_us) + "\r\n";
  HeaderField from("From");
  if (!m.from_name.empty()) {
    display_name(from, m.from_name);
    from.word("<" + m.from_address + ">");
  } else {
    from.word(m.from_address);
  }
  out += from.str();
  if (!m.reply_to.empty()) {
    out += "Reply-To: " + m.reply_to + "\r\n";
  }
  HeaderField to("To");
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    to.word(m.to[i] + (i + 1 < m.to.size() ? "," : ""));
  }
  out += to.str();
  HeaderField subject("Subject");
  if (!m.subject.empty()) {
    text_words(subject, m.subject);
  }
  out += subject.str();
  return out + "Message-ID: <" + m.message_id + ">\r\nMIME-Version: 1.0\r\n";
}

std::string body(const MailMessage &m) {
  std::string content = m.html_body.empty()
                            ? text_part("plain", m.text_body)
                            : multipart("alternative", boundary(m.message_id, "alt"),
                                        {text_part("plain", m.text_body), text_part("html", m.html_body)});
  if (m.attachments.empty()) {
    return content;
  }
  std::vector<std::string> parts = {std::move(content)};
  for (std::size_t i = 0; i < m.attachments.size(); ++i) {
    const auto &a = m.attachments[i];
    parts.push_back(
        attachment_part(a, media_type_of("attachments[" + std::to_string(i) + "].media_type", a.media_type)));
  }
  return multipart("mixed", boundary(m.message_id, "mixed"), parts);
}

} // namespace

// A dot-atom on both sides: enough for every address cartera sends to, and nothing that could
// close the angle brackets or start a new header or SMTP command.
bool is_mail_address(std::string_view address) {
  const auto at = address.rfind('@');
  const auto dot_atom = [](std::string_view s) {
    return !s.empty() && s.front() != '.' && s.back() != '.' && s.find("..") == std::string_view::npos &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return is_atext(c) || c == '.'; });
  };
  return at != std::string_view::npos && address.size() <= 254 && dot_atom(address.substr(0, at)) &&
         dot_atom(address.substr(at + 1));
}

std::string render_mime(const MailMessage &m) {
  validate(m);
  return headers(m) + body(m);
}

} // namespace cartera::exchange
