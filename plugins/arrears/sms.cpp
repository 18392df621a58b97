#include "sms.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <array>
#include <utility>
#include <vector>

namespace cartera::arrears {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

// The code point at s[i] and its length in bytes; kInvalid and 1 for a byte that does not start
// well-formed UTF-8 (overlong forms, surrogates and values above U+10FFFF included).
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    return {b0, 1};
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {kInvalid, 1};
  }
  if (i + len > s.size()) {
    return {kInvalid, 1};
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      return {kInvalid, 1};
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return {kInvalid, 1};
  }
  return {cp, len};
}

// GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), its characters beyond ASCII, in the order of
// the table (0x00-0x7F; ESC, 0x1B, is not a character).
constexpr std::array<char32_t, 39> kBasicNonAscii = {U'£', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø',
                                                     U'Å', U'å', U'Δ', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ',
                                                     U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U'¤', U'¡', U'Ä', U'Ö',
                                                     U'Ñ', U'Ü', U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};

// 1 for the default alphabet, 2 for the extension table (escape + character), 0 when not GSM-7.
int gsm7_width(char32_t cp) noexcept {
  if (cp < 0x80) {
    if (cp == U'\n' || cp == U'\r') {
      return 1;
    }
    if (cp == U'\f' || cp == U'^' || cp == U'{' || cp == U'}' || cp == U'\\' || cp == U'[' || cp == U'~' ||
        cp == U']' || cp == U'|') {
      return 2;
    }
    // Every other printable ASCII character is in the default alphabet but the backtick.
    return cp >= 0x20 && cp < 0x7F && cp != U'`' ? 1 : 0;
  }
  if (cp == U'€') {
    return 2;
  }
  for (const char32_t c : kBasicNonAscii) {
    if (c == cp) {
      return 1;
    }
  }
  return 0;
}

// What a character outside GSM-7 becomes (README.md "SMS notices" has the same table).
struct Replacement {
  char32_t from;
  const char *to;
};
constexpr Replacement kReplacements[] = {
    // Vowels with an accent GSM-7 lacks (Spanish needs á í ó ú Á Í Ó Ú; the rest for names).
    {U'á', "a"},
    {U'â', "a"},
    {U'ã', "a"},
    {U'ā', "a"},
    {U'Á', "A"},
    {U'À', "A"},
    {U'Â', "A"},
    {U'Ã', "A"},
    {U'ê', "e"},
    {U'ë', "e"},
    {U'È', "E"},
    {U'Ê', "E"},
    {U'Ë', "E"},
    {U'í', "i"},
    {U'î', "i"},
    {U'ï', "i"},
    {U'Í', "I"},
    {U'Ì', "I"},
    {U'Î', "I"},
    {U'Ï', "I"},
    {U'ó', "o"},
    {U'ô', "o"},
    {U'õ', "o"},
    {U'Ó', "O"},
    {U'Ò', "O"},
    {U'Ô', "O"},
    {U'Õ', "O"},
    {U'ú', "u"},
    {U'û', "u"},
    {U'Ú', "U"},
    {U'Ù', "U"},
    {U'Û', "U"},
    {U'ý', "y"},
    {U'ÿ', "y"},
    {U'Ý', "Y"},
    {U'ç', "c"},
    {U'š', "s"},
    {U'Š', "S"},
    {U'ž', "z"},
    {U'Ž', "Z"},
    // Punctuation word processors put in names and addresses.
    {U'`', "'"},
    {U'´', "'"},
    {U'‘', "'"},
    {U'’', "'"},
    {U'‚', "'"},
    {U'“', "\""},
    {U'”', "\""},
    {U'„', "\""},
    {U'«', "\""},
    {U'»', "\""},
    {U'–', "-"},
    {U'—', "-"},
    {U'−', "-"},
    {U'…', "..."},
    {U'º', "o"},
    {U'ª', "a"},
    {U'°', "o"},
    {U'\t', " "},
    {U'\u00A0', " "},
    {U'\u2007', " "},
    {U'\u202F', " "}};

void append_utf8(std::string &out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The words of s (GSM-7 already), split at spaces and line breaks.
std::vector<std::string> words_of(std::string_view s) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\f') {
      if (!word.empty()) {
        words.push_back(std::move(word));
        word.clear();
      }
    } else {
      word += c;
    }
  }
  if (!word.empty()) {
    words.push_back(std::move(word));
  }
  return words;
}

std::string join(const std::vector<std::string> &words, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n && i < words.size(); ++i) {
    if (i > 0) {
      out += ' ';
    }
    out += words[i];
  }
  return out;
}

ComposedSms refused(std::string field, std::string reason) {
  return ComposedSms{std::nullopt, std::move(field), std::move(reason)};
}

bool is_ascii_alnum(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

} // namespace

bool is_gsm7(std::string_view utf8) noexcept {
  for (std::size_t i = 0; i < utf8.size();) {
    const auto [cp, len] = decode(utf8, i);
    if (cp == kInvalid || gsm7_width(cp) == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

std::size_t septets(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto [cp, len] = decode(utf8, i);
    const int w = cp == kInvalid ? 1 : gsm7_width(cp);
    n += w == 0 ? 1 : static_cast<std::size_t>(w);
    i += len;
  }
  return n;
}

std::string to_gsm7(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto [cp, len] = decode(utf8, i);
    i += len;
    if (cp != kInvalid && gsm7_width(cp) != 0) {
      append_utf8(out, cp);
      continue;
    }
    const char *to = "?";
    for (const Replacement &r : kReplacements) {
      if (r.from == cp) {
        to = r.to;
        break;
      }
    }
    out += to;
  }
  return out;
}

std::string sms_amount(std::int64_t centavos) {
  std::string s = sdk::format_pesos_co(centavos);
  if (s.size() > 3 && s.compare(s.size() - 3, 3, ",00") == 0) {
    s.resize(s.size() - 3);
  }
  return s;
}

ComposedSms compose_sms(const SmsNotice &notice, std::size_t max_septets) {
  const std::vector<std::string> name = words_of(to_gsm7(notice.name));
  if (name.empty()) {
    return refused("name", "the holder has no name to address the message to");
  }
  if (notice.amount <= 0) {
    return refused("amount", "the amount to pay is " + sdk::format_pesos_co(notice.amount) + ", not above zero");
  }
  const std::string opt_out = to_gsm7(notice.opt_out);
  bool one_word = !opt_out.empty();
  for (const char c : opt_out) {
    one_word = one_word && is_ascii_alnum(c);
  }
  if (!one_word) {
    return refused("opt_out", "the opt-out word '" + opt_out + "' is not one word of letters and digits");
  }
  const std::string company = join(words_of(to_gsm7(notice.company)), std::string::npos);
  std::string how_to_pay = join(words_of(to_gsm7(notice.how_to_pay)), std::string::npos);
  while (!how_to_pay.empty() && how_to_pay.back() == '.') {
    how_to_pay.pop_back();
  }

  // The template is written in Spanish as it is read and goes through to_gsm7 with the rest
  // ("Será" -> "Sera", "más" -> "mas").
  const std::string body = to_gsm7(", su contrato tiene mora de " + sms_amount(notice.amount) + ". Será cancelado el " +
                                   sdk::format_co_date(notice.cancellation) + " si no paga. ");
  const std::string tail = to_gsm7("Responda " + opt_out + " para no recibir más SMS");
  const auto text_with = [&](std::size_t name_words, bool with_pay, bool with_company) {
    std::string t;
    if (with_company && !company.empty()) {
      t += company + ": ";
    }
    t += join(name, name_words) + body;
    if (with_pay && !how_to_pay.empty()) {
      t += how_to_pay + ". ";
    }
    return t + tail;
  };
  // Shorten the name first (words from its end), then drop how_to_pay, then the company; with
  // each part dropped the whole name is tried again, so the text keeps as much as fits.
  constexpr std::array<std::pair<bool, bool>, 3> kLevels = {{{true, true}, {false, true}, {false, false}}};
  for (const auto &[with_pay, with_company] : kLevels) {
    for (std::size_t n = name.size(); n >= 1; --n) {
      std::string t = text_with(n, with_pay, with_company);
      if (septets(t) <= max_septets) {
        return ComposedSms{std::move(t), {}, {}};
      }
    }
  }
  const std::size_t without_name = septets(text_with(0, false, false));
  if (without_name + septets(name.front()) > max_septets && without_name < max_septets) {
    return refused("name", "the name's first word '" + name.front() + "' does not fit in the " +
                               std::to_string(max_septets) + " septets of one SMS");
  }
  return refused("opt_out", "the amount, the date and the opt-out word '" + opt_out + "' alone take " +
                                std::to_string(without_name) + " of the " + std::to_string(max_septets) +
                                " septets of one SMS");
}

MobileCheck check_mobile(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') {
      continue;
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      return {std::nullopt, "letters in a phone number"};
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return {std::nullopt, "a character that is not part of a phone number"};
    } else {
      return {std::nullopt, "a character that is not part of a phone number: '" + std::string(1, c) + "'"};
    }
  }
  if (digits.empty()) {
    return {std::nullopt, "no phone number"};
  }
  const bool country_code = digits.size() >= 2 && digits.compare(0, 2, "57") == 0;
  if (plus && !country_code) {
    return {std::nullopt, "not a Colombian number (country code other than 57)"};
  }
  if (country_code && (plus || digits.size() > 10)) {
    digits.erase(0, 2);
  }
  if (digits.size() < 10) {
    return {std::nullopt, "too short: " + std::to_string(digits.size()) + " digits, a mobile has 10"};
  }
  if (digits.size() > 10) {
    return {std::nullopt, "too long: " + std::to_string(digits.size()) + " digits, a mobile has 10"};
  }
  if (digits[0] == '6' && digits[1] == '0') {
    return {std::nullopt, "a landline (" + digits.substr(0, 3) + "): no SMS"};
  }
  if (digits[0] != '3') {
    return {std::nullopt, "not a Colombian mobile: 10 digits starting with 3"};
  }
  return {"57" + digits, {}};
}

std::optional<std::string> mobile_e164(std::string_view text) {
  return check_mobile(text).e164;
}

} // namespace cartera::arrears
