// The SMS of a cancellation notice (issue 22 item 4): the text in the GSM-7 alphabet in at most
// 160 septets, and the mobile number in the international form bulk-SMS providers take.
// Facts: shared/domain/arrears-complaints-tariffs.md §2.2 (numbering) and §2.3 (encoding).
// Pure: no host, no database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cartera::arrears {

// One single-part SMS in the GSM 03.38 default alphabet (3GPP TS 23.038): 160 septets. A single
// character outside the alphabet turns the whole message into a 70-character UCS-2 one, which is
// why every text here is transliterated first (to_gsm7).
inline constexpr std::size_t kSmsSeptets = 160;

// True when every character of utf8 is in the GSM 03.38 default alphabet or its extension table
// (€ [ ] { } ^ ~ \ | and form feed). é É ñ Ñ ü Ü à è ì ò ù Ç Ø Å Æ ß ¿ ¡ are in it; á í ó ú Á Í Ó Ú,
// ç and the backtick are not. Invalid UTF-8 is not GSM-7.
[[nodiscard]] bool is_gsm7(std::string_view utf8) noexcept;

// The septets utf8 takes as GSM-7: one per character of the default alphabet, two per character of
// the extension table (escape + character). A character outside GSM-7 (or a byte that is not UTF-8)
// counts one: callers measure text that went through to_gsm7.
[[nodiscard]] std::size_t septets(std::string_view utf8) noexcept;

// utf8 with every character that is not GSM-7 replaced (the table is in sms.cpp and README.md):
// a letter GSM-7 lacks loses its accent (á -> a, Í -> I, ó -> o, Ú -> U, â -> a, À -> A, ç -> c,
// ý -> y, ...), typographic quotes and dashes become ' " -, the backtick ', the ellipsis "...",
// non-breaking spaces and tab a space, º ª o a; anything else, and bytes that are not UTF-8, '?'.
// What is GSM-7 (é, ñ, ü, ...) is kept as it is. is_gsm7(to_gsm7(s)) always holds.
[[nodiscard]] std::string to_gsm7(std::string_view utf8);

// What a cancellation notice says. Strings are UTF-8 as the host stores them; compose_sms
// transliterates them.
struct SmsNotice {
  std::string name;              // the holder, as the host has it ("María José Gómez Ruiz")
  std::int64_t amount = 0;       // centavos to pay to leave arrears, > 0
  std::int64_t cancellation = 0; // the date the contract faces cancellation (days since 1970-01-01)
  std::string opt_out;           // the word the provider requires ("SALIR", "CANCELAR"): one word
  // Optional parts, dropped (in this order) when the text does not fit otherwise:
  std::string how_to_pay; // "Pague en www.ejemplo.co o en bancos" — without a final period
  std::string company;    // the sender's name, "Salud Ejemplo"
};

// The text, or why there is none (field names the SmsNotice member that cannot fit or is wrong).
struct ComposedSms {
  std::optional<std::string> text; // GSM-7, at most max_septets septets
  std::string field;               // when !text: "name", "amount", "opt_out", ...
  std::string reason;              // when !text: a sentence for the report
};

// Fills the es-CO template
//   "<company>: <name>, su contrato tiene mora de <amount>. Será cancelado el <DD/MM/YYYY> si no
//    paga. <how_to_pay>. Responda <OPT-OUT> para no recibir más SMS"
// (company and how_to_pay only when given), in GSM-7, and makes it fit in max_septets without
// cutting a word: first the name loses words from the end (down to its first word), then
// how_to_pay is dropped, then company. The amount ("$ 1.234.567", the SDK's es-CO form without
// ",00" when there are no centavos), the date and the opt-out word are never shortened; when the
// text cannot fit, or a field is unusable (no name, an amount <= 0, an opt-out word that is not
// one word of letters), the result names the field.
[[nodiscard]] ComposedSms compose_sms(const SmsNotice &notice, std::size_t max_septets = kSmsSeptets);

// The amount as the SMS writes it: sdk::format_pesos_co without ",00" for whole pesos
// ("$ 1.234.567", "$ 1.234,50").
[[nodiscard]] std::string sms_amount(std::int64_t centavos);

// A phone number as the host stores it, checked for an SMS.
struct MobileCheck {
  std::optional<std::string> e164; // "573001234567": 57 and the 10 digits, no '+'
  std::string reason;              // when !e164, for the report: "a landline (601): no SMS", ...
};

// Accepts a Colombian mobile: 10 digits starting with 3, optionally preceded by 57 or +57, written
// with spaces, dashes, dots or parentheses ("300 123 4567", "+57 (300) 123-4567", "57-300-1234567").
// Refuses with the reason: a landline (60X and 7 digits, the national numbering since 1-Sep-2021,
// CRC Res. 5826/2019), another country's number, too few or too many digits, letters or other
// characters, an empty field.
[[nodiscard]] MobileCheck check_mobile(std::string_view text);

// check_mobile(text).e164.
[[nodiscard]] std::optional<std::string> mobile_e164(std::string_view text);

} // namespace cartera::arrears
