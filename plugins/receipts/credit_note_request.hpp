// A credit-note request to accounting (schemas/xml/credit-note-request.xsd) and the arithmetic
// behind it: the VAT inside an amount, and DIAN's date and time of the draft.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::receipts {

// An approved difference the note closes (a write-off), as payments recorded it.
struct WriteOff {
  std::string application, entry_key, kind, rule, proposed_by, approved_by, approved_at;
  std::int64_t amount = 0;
};

// The key a credit-note request is emitted under, <source>/<source key> ("write-off/ENTRY/INVOICE",
// "manual/RUN"): how the module finds accounting's answer to it among the host's
// (document_answers). Built here alone.
std::string credit_note_document_key(std::string_view source, std::string_view source_key);

// The source key of a write-off's request: the bank movement and the invoice, "ENTRY/INVOICE".
std::string write_off_source_key(std::string_view entry_key, std::string_view invoice_id);

// The document type of a credit-note request.
inline constexpr const char *kCreditNoteRequestType = "credit-note-request";

struct CreditNoteRequest {
  std::string id;     // the document key: credit_note_document_key(source, source key)
  std::string number; // the draft's cbc:ID: prefix and register number
  std::string source; // write-off, manual, ...
  std::string requested_by, requested_at, to;

  std::string invoice_id, customer_id, cufe, invoice_issue_date;
  std::int64_t invoice_amount = 0;
  std::string id_type, id_number, customer_name;

  std::string reason_code, anexo, reason_description, note;
  std::int64_t base = 0, vat = 0, total = 0, vat_rate_hundredths = 0;

  std::vector<WriteOff> write_offs; // source write-off
  std::string by_hand_user;         // source manual
};

// The request, with draft_xml (a UBL CreditNote, its XML declaration included or not) inside.
std::string credit_note_request_xml(const CreditNoteRequest &r, std::string_view draft_xml);

// A VAT rate as hosts write it ("19", "19.00", "5", "0", or empty for none) in hundredths of a
// percent; nullopt when it is not a number from 0 to 100 with at most two decimals.
std::optional<std::int64_t> parse_vat_rate(std::string_view text);

// The VAT inside a total at a rate: base = total / (1 + rate) rounded half up to the centavo,
// VAT = total - base, so that base + VAT is always the total asked for.
struct VatSplit {
  std::int64_t base = 0;
  std::int64_t vat = 0;
};
VatSplit split_vat(std::int64_t total, std::int64_t rate_hundredths);

// Bogotá's date (YYYY-MM-DD) and time (HH:MM:SS-05:00) of a UTC instant in microseconds; DIAN
// writes both in Colombian time, which has no daylight saving.
std::pair<std::string, std::string> bogota_date_time(std::int64_t utc_us);

} // namespace cartera::receipts
