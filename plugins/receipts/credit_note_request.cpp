#include "credit_note_request.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <cstdio>

namespace cartera::receipts {

namespace {

using sdk::attr;
using sdk::pesos;

} // namespace

std::string credit_note_document_key(std::string_view source, std::string_view source_key) {
  std::string key(source);
  key += '/';
  key += source_key;
  return key;
}

std::string write_off_source_key(std::string_view entry_key, std::string_view invoice_id) {
  std::string key(entry_key);
  key += '/';
  key += invoice_id;
  return key;
}

std::string credit_note_request_xml(const CreditNoteRequest &r, std::string_view draft_xml) {
  if (draft_xml.rfind("<?xml", 0) == 0) {
    draft_xml.remove_prefix(std::min(draft_xml.size(), draft_xml.find("?>") + 2));
  }
  while (!draft_xml.empty() && (draft_xml.front() == '\n' || draft_xml.front() == '\r')) {
    draft_xml.remove_prefix(1);
  }
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<credit-note-request "
                    "xmlns=\"urn:cartera:credit-note-request:1\"";
  doc += attr("id", r.id) + attr("number", r.number) + attr("source", r.source) + attr("requested-by", r.requested_by) +
         attr("requested-at", r.requested_at) + ">\n";
  doc += "  <to>" + sdk::xml_escape(r.to) + "</to>\n";
  doc += "  <invoice" + attr("id", r.invoice_id) + attr("customer", r.customer_id) + attr("cufe", r.cufe) +
         attr("issue-date", r.invoice_issue_date) + attr("amount", pesos(r.invoice_amount)) + "/>\n";
  doc += "  <customer" + attr("id-type", r.id_type) + attr("id-number", r.id_number) + attr("name", r.customer_name) +
         "/>\n";
  doc += "  <reason" + attr("code", r.reason_code) + attr("anexo", r.anexo) +
         attr("description", r.reason_description) + "/>\n";
  if (!r.note.empty()) {
    doc += "  <note>" + sdk::xml_escape(r.note) + "</note>\n";
  }
  doc += "  <amounts" + attr("base", pesos(r.base)) + attr("vat", pesos(r.vat)) +
         attr("vat-rate", pesos(r.vat_rate_hundredths)) + attr("total", pesos(r.total)) + "/>\n";
  doc += "  <supports>\n";
  for (const auto &w : r.write_offs) {
    doc += "    <approval" + attr("application", w.application) + attr("entry-key", w.entry_key) +
           attr("kind", w.kind) + attr("amount", pesos(w.amount)) + attr("rule", w.rule) +
           attr("proposed-by", w.proposed_by) + attr("approved-by", w.approved_by) +
           attr("approved-at", w.approved_at) + "/>\n";
  }
  if (!r.by_hand_user.empty()) {
    doc += "    <requested-by-hand" + attr("user", r.by_hand_user) + attr("at", r.requested_at) + "/>\n";
  }
  doc += "  </supports>\n  <draft>\n";
  doc += draft_xml;
  if (!doc.empty() && doc.back() != '\n') {
    doc += '\n';
  }
  doc += "  </draft>\n</credit-note-request>\n";
  return doc;
}

std::optional<std::int64_t> parse_vat_rate(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  const sdk::ParsedAmount a = sdk::parse_pesos(text);
  if (!a.centavos || *a.centavos < 0 || *a.centavos > 10000) {
    return std::nullopt;
  }
  return *a.centavos;
}

VatSplit split_vat(std::int64_t total, std::int64_t rate_hundredths) {
  if (rate_hundredths <= 0) {
    return {total, 0};
  }
  // total * 10000 / (10000 + rate), half up; totals stay far below 2^63 / 10000 (9.2e14 pesos).
  const std::int64_t denominator = 10000 + rate_hundredths;
  const std::int64_t base = (total * 10000 * 2 + denominator) / (2 * denominator);
  return {base, total - base};
}

std::pair<std::string, std::string> bogota_date_time(std::int64_t utc_us) {
  constexpr std::int64_t kUsPerDay = 86'400'000'000;
  const std::int64_t days = sdk::bogota_date(utc_us);
  const std::int64_t in_day = utc_us + sdk::kBogotaUtcOffsetUs - days * kUsPerDay;
  const std::int64_t seconds = in_day / 1'000'000;
  char time[32];
  std::snprintf(time, sizeof time, "%02lld:%02lld:%02lld-05:00", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return {sdk::format_iso_date(days), time};
}

} // namespace cartera::receipts
