#include <cartera/sdk/dian.hpp>

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <openssl/evp.h>

#include <array>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>

namespace cartera::sdk::dian {

namespace {

constexpr std::string_view kDianNit = "800197268"; // AuthorizationProvider: always DIAN
constexpr std::string_view kSchemeAgency =
    R"( schemeAgencyID="195")"
    R"x( schemeAgencyName="CO, DIAN (Dirección de Impuestos y Aduanas Nacionales)")x";

struct DigestDeleter {
  void operator()(EVP_MD_CTX *c) const noexcept { EVP_MD_CTX_free(c); }
};

[[noreturn]] void invalid(const std::string &what) {
  throw std::invalid_argument("dian: " + what);
}

bool is_digits(std::string_view s) noexcept {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool two_digits_at_most(std::string_view s, std::size_t at, int max) noexcept {
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') {
    return false;
  }
  return (s[at] - '0') * 10 + (s[at + 1] - '0') <= max;
}

// HH:MM:SS followed by the UTC offset (±HH:MM): DIAN hashes the offset with the time, so a time
// without it would give a CUDE no one can reproduce.
bool is_time_with_offset(std::string_view t) noexcept {
  return t.size() == 14 && two_digits_at_most(t, 0, 23) && t[2] == ':' && two_digits_at_most(t, 3, 59) && t[5] == ':' &&
         two_digits_at_most(t, 6, 59) && (t[8] == '-' || t[8] == '+') && two_digits_at_most(t, 9, 14) && t[11] == ':' &&
         two_digits_at_most(t, 12, 59);
}

void check_date(std::string_view field, std::string_view value) {
  if (!parse_iso_date(value)) {
    invalid(std::string(field) + " \"" + std::string(value) + "\" is not a date YYYY-MM-DD");
  }
}

void check_time(std::string_view field, std::string_view value) {
  if (!is_time_with_offset(value)) {
    invalid(std::string(field) + " \"" + std::string(value) + "\" is not HH:MM:SS-05:00");
  }
}

void check_not_empty(std::string_view field, std::string_view value) {
  if (value.empty()) {
    invalid(std::string(field) + " is empty");
  }
}

// Text goes into the document as is: it must be UTF-8 and hold no character XML 1.0 forbids,
// or the draft would not even parse.
void check_text(std::string_view field, std::string_view value) {
  if (first_invalid_utf8(value) != std::string_view::npos) {
    invalid(std::string(field) + " is not valid UTF-8");
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      invalid(std::string(field) + " holds a control character");
    }
  }
}

void check_amount(std::string_view field, std::int64_t centavos) {
  if (centavos < 0) {
    invalid(std::string(field) + " is negative");
  }
}

// Indented element writer; attributes arrive already built with attr().
class Writer {
public:
  void open(std::string_view tag, std::string_view attrs = {}) {
    indent();
    out_ += '<';
    out_ += tag;
    out_ += attrs;
    out_ += ">\n";
    ++depth_;
  }
  void close(std::string_view tag) {
    --depth_;
    indent();
    out_ += "</";
    out_ += tag;
    out_ += ">\n";
  }
  void leaf(std::string_view tag, std::string_view text, std::string_view attrs = {}) {
    indent();
    out_ += '<';
    out_ += tag;
    out_ += attrs;
    out_ += '>';
    out_ += xml_escape(text);
    out_ += "</";
    out_ += tag;
    out_ += ">\n";
  }
  void amount(std::string_view tag, std::int64_t centavos) {
    leaf(tag, format_pesos_plain(centavos), R"( currencyID="COP")");
  }
  void raw(std::string_view text) { out_ += text; }
  std::string take() { return std::move(out_); }

private:
  void indent() { out_.append(static_cast<std::size_t>(depth_) * 2, ' '); }
  std::string out_;
  int depth_ = 0;
};

// DIAN's identification document types (schemeName of CompanyID).
const char *dian_id_type(IdType t) noexcept {
  switch (t) {
  case IdType::kNit:
    return "31";
  case IdType::kCc:
    return "13";
  case IdType::kCe:
    return "22";
  case IdType::kPassport:
    return "41";
  case IdType::kTi:
    return "12";
  }
  return "31";
}

std::string nit_attrs(std::string_view nit) {
  const std::optional<int> dv = nit_check_digit(nit);
  return std::string(kSchemeAgency) + attr("schemeID", std::to_string(dv.value_or(0))) + attr("schemeName", "31");
}

void check_nit(std::string_view field, std::string_view nit) {
  if (!is_digits(nit) || !nit_check_digit(nit)) {
    invalid(std::string(field) + " \"" + std::string(nit) + "\" is not a NIT (digits, no check digit)");
  }
}

void check_party(std::string_view field, const Party &p) {
  check_not_empty(std::string(field) + ".name", p.name);
  check_text(std::string(field) + ".name", p.name);
  check_not_empty(std::string(field) + ".tax_scheme_id", p.tax_scheme_id);
  check_text(std::string(field) + ".tax_scheme", p.tax_scheme_id + p.tax_scheme_name);
  if (p.id_type == IdType::kNit) {
    check_nit(std::string(field) + ".id_number", p.id_number);
    return;
  }
  const IdCheck c = check_id_number(p.id_type, p.id_number);
  if (!c.ok || c.normalized != p.id_number) {
    invalid(std::string(field) + ".id_number \"" + p.id_number +
            "\": " + (c.ok ? std::string("write it without dots or spaces") : c.error));
  }
}

void write_company_id(Writer &w, const Party &p) {
  if (p.id_type == IdType::kNit) {
    w.leaf("cbc:CompanyID", p.id_number, nit_attrs(p.id_number));
  } else {
    w.leaf("cbc:CompanyID", p.id_number, std::string(kSchemeAgency) + attr("schemeName", dian_id_type(p.id_type)));
  }
}

void write_party(Writer &w, std::string_view role, const Party &p) {
  w.open(role);
  w.leaf("cbc:AdditionalAccountID", p.organization == Organization::kLegalEntity ? "1" : "2");
  w.open("cac:Party");
  w.open("cac:PartyName");
  w.leaf("cbc:Name", p.name);
  w.close("cac:PartyName");
  w.open("cac:PartyTaxScheme");
  w.leaf("cbc:RegistrationName", p.name);
  write_company_id(w, p);
  w.open("cac:TaxScheme");
  w.leaf("cbc:ID", p.tax_scheme_id);
  w.leaf("cbc:Name", p.tax_scheme_name);
  w.close("cac:TaxScheme");
  w.close("cac:PartyTaxScheme");
  w.open("cac:PartyLegalEntity");
  w.leaf("cbc:RegistrationName", p.name);
  write_company_id(w, p);
  w.close("cac:PartyLegalEntity");
  w.close("cac:Party");
  w.close(role);
}

void write_iva(Writer &w, const CreditNoteDraft &d) {
  w.open("cac:TaxTotal");
  w.amount("cbc:TaxAmount", d.iva);
  w.open("cac:TaxSubtotal");
  w.amount("cbc:TaxableAmount", d.value_before_taxes);
  w.amount("cbc:TaxAmount", d.iva);
  w.open("cac:TaxCategory");
  // Hundredths of a percent print like centavos: 1900 -> "19.00".
  w.leaf("cbc:Percent", format_pesos_plain(d.iva_rate_hundredths));
  w.open("cac:TaxScheme");
  w.leaf("cbc:ID", "01");
  w.leaf("cbc:Name", "IVA");
  w.close("cac:TaxScheme");
  w.close("cac:TaxCategory");
  w.close("cac:TaxSubtotal");
  w.close("cac:TaxTotal");
}

void check_draft(const CreditNoteDraft &d) {
  check_not_empty("number", d.number);
  check_text("number", d.number);
  check_date("issue_date", d.issue_date);
  check_time("issue_time", d.issue_time);
  check_nit("software_provider_nit", d.software_provider_nit);
  check_not_empty("software_id", d.software_id);
  check_text("software_id", d.software_id);
  check_not_empty("software_pin", d.software_pin);
  check_text("software_pin", d.software_pin);
  if (d.supplier.id_type != IdType::kNit) {
    invalid("supplier must be identified by NIT (it is the CUDE's NitOFE)");
  }
  check_party("supplier", d.supplier);
  check_party("customer", d.customer);
  check_not_empty("invoice.number", d.invoice.number);
  check_text("invoice.number", d.invoice.number);
  check_text("invoice.cufe", d.invoice.cufe);
  check_date("invoice.issue_date", d.invoice.issue_date);
  check_not_empty("reason.code", d.reason.code);
  check_not_empty("reason.description", d.reason.description);
  check_text("reason", d.reason.code + d.reason.description);
  check_text("note", d.note);
  check_not_empty("line_description", d.line_description);
  check_text("line_description", d.line_description);
  if (d.value_before_taxes <= 0) {
    invalid("value_before_taxes must be positive");
  }
  check_amount("iva", d.iva);
  if (d.iva > 0 && d.iva_rate_hundredths <= 0) {
    invalid("iva without iva_rate_hundredths");
  }
  if (d.iva > std::numeric_limits<std::int64_t>::max() - d.value_before_taxes) {
    invalid("value_before_taxes + iva overflows");
  }
}

} // namespace

std::string sha384_hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx(EVP_MD_CTX_new());
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int n = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha384(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md.data(), &n) != 1) {
    throw std::runtime_error("dian: OpenSSL SHA-384 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 2);
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

const char *environment_code(Environment e) noexcept {
  return e == Environment::kProduction ? "1" : "2";
}

std::string cude_input_string(const CudeInput &in) {
  check_not_empty("number", in.number);
  check_date("issue_date", in.issue_date);
  check_time("issue_time", in.issue_time);
  check_amount("value_before_taxes", in.value_before_taxes);
  check_amount("iva", in.iva);
  check_amount("inc", in.inc);
  check_amount("ica", in.ica);
  check_amount("total", in.total);
  check_not_empty("issuer_nit", in.issuer_nit);
  check_not_empty("acquirer_id", in.acquirer_id);
  check_not_empty("key", in.key);
  std::string s = in.number + in.issue_date + in.issue_time;
  append_pesos_plain(s, in.value_before_taxes);
  s += "01";
  append_pesos_plain(s, in.iva);
  s += "04";
  append_pesos_plain(s, in.inc);
  s += "03";
  append_pesos_plain(s, in.ica);
  append_pesos_plain(s, in.total);
  s += in.issuer_nit;
  s += in.acquirer_id;
  s += in.key;
  s += environment_code(in.environment);
  return s;
}

std::string cude(const CudeInput &in) {
  return sha384_hex(cude_input_string(in));
}

std::string software_security_code(std::string_view software_id, std::string_view pin, std::string_view number) {
  std::string s(software_id);
  s += pin;
  s += number;
  return sha384_hex(s);
}

std::string qr_code(std::string_view cude_or_cufe, Environment e) {
  std::string url =
      e == Environment::kProduction ? "https://catalogo-vpfe.dian.gov.co" : "https://catalogo-vpfe-hab.dian.gov.co";
  url += "/document/searchqr?documentkey=";
  url += cude_or_cufe;
  return url;
}

CudeInput cude_input(const CreditNoteDraft &d) {
  check_draft(d);
  CudeInput in;
  in.number = d.number;
  in.issue_date = d.issue_date;
  in.issue_time = d.issue_time;
  in.value_before_taxes = d.value_before_taxes;
  in.iva = d.iva;
  in.total = d.value_before_taxes + d.iva;
  in.issuer_nit = d.supplier.id_number;
  in.acquirer_id = d.customer.id_number;
  in.key = d.software_pin;
  in.environment = d.environment;
  return in;
}

std::string credit_note_draft(const CreditNoteDraft &d) {
  check_draft(d);
  const std::string key = cude(cude_input(d));
  const std::string env = environment_code(d.environment);
  const std::int64_t total = d.value_before_taxes + d.iva;

  Writer w;
  w.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  w.open("CreditNote", R"( xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")"
                       R"( xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2")"
                       R"( xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2")"
                       R"( xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2")"
                       R"( xmlns:sts="dian:gov:co:facturaelectronica:Structures-2-1")");

  // The first extension only: the signature, the second, is accounting's.
  w.open("ext:UBLExtensions");
  w.open("ext:UBLExtension");
  w.open("ext:ExtensionContent");
  w.open("sts:DianExtensions");
  w.open("sts:InvoiceSource");
  w.leaf("cbc:IdentificationCode", "CO",
         R"( listAgencyID="6" listAgencyName="United Nations Economic Commission for Europe")"
         R"( listSchemeURI="urn:oasis:names:specification:ubl:codelist:gc:CountryIdentificationCode-2.1")");
  w.close("sts:InvoiceSource");
  w.open("sts:SoftwareProvider");
  w.leaf("sts:ProviderID", d.software_provider_nit, nit_attrs(d.software_provider_nit));
  w.leaf("sts:SoftwareID", d.software_id, kSchemeAgency);
  w.close("sts:SoftwareProvider");
  w.leaf("sts:SoftwareSecurityCode", software_security_code(d.software_id, d.software_pin, d.number), kSchemeAgency);
  w.open("sts:AuthorizationProvider");
  w.leaf("sts:AuthorizationProviderID", kDianNit, nit_attrs(kDianNit));
  w.close("sts:AuthorizationProvider");
  w.leaf("sts:QRCode", qr_code(key, d.environment));
  w.close("sts:DianExtensions");
  w.close("ext:ExtensionContent");
  w.close("ext:UBLExtension");
  w.close("ext:UBLExtensions");

  w.leaf("cbc:UBLVersionID", "UBL 2.1");
  w.leaf("cbc:CustomizationID", "20");
  w.leaf("cbc:ProfileID", "DIAN 2.1: Nota Crédito de Factura Electrónica de Venta");
  w.leaf("cbc:ProfileExecutionID", env);
  w.leaf("cbc:ID", d.number);
  w.leaf("cbc:UUID", key, attr("schemeID", env) + attr("schemeName", "CUDE-SHA384"));
  w.leaf("cbc:IssueDate", d.issue_date);
  w.leaf("cbc:IssueTime", d.issue_time);
  w.leaf("cbc:CreditNoteTypeCode", "91");
  if (!d.note.empty()) {
    w.leaf("cbc:Note", d.note);
  }
  w.leaf("cbc:DocumentCurrencyCode", "COP");
  w.leaf("cbc:LineCountNumeric", "1");

  w.open("cac:DiscrepancyResponse");
  w.leaf("cbc:ReferenceID", d.invoice.number);
  w.leaf("cbc:ResponseCode", d.reason.code);
  w.leaf("cbc:Description", d.reason.description);
  w.close("cac:DiscrepancyResponse");

  w.open("cac:BillingReference");
  w.open("cac:InvoiceDocumentReference");
  w.leaf("cbc:ID", d.invoice.number);
  if (!d.invoice.cufe.empty()) {
    w.leaf("cbc:UUID", d.invoice.cufe, attr("schemeName", "CUFE-SHA384"));
  }
  w.leaf("cbc:IssueDate", d.invoice.issue_date);
  w.close("cac:InvoiceDocumentReference");
  w.close("cac:BillingReference");

  write_party(w, "cac:AccountingSupplierParty", d.supplier);
  write_party(w, "cac:AccountingCustomerParty", d.customer);

  if (d.iva > 0) {
    write_iva(w, d);
  }
  w.open("cac:LegalMonetaryTotal");
  w.amount("cbc:LineExtensionAmount", d.value_before_taxes);
  // DIAN reads TaxExclusiveAmount as the taxable base (the sum of the TaxableAmounts), not as
  // UBL's "total without tax": nothing is taxable in a note without IVA.
  w.amount("cbc:TaxExclusiveAmount", d.iva > 0 ? d.value_before_taxes : 0);
  w.amount("cbc:TaxInclusiveAmount", total);
  w.amount("cbc:PayableAmount", total);
  w.close("cac:LegalMonetaryTotal");

  w.open("cac:CreditNoteLine");
  w.leaf("cbc:ID", "1");
  w.leaf("cbc:CreditedQuantity", "1.00", R"( unitCode="94")");
  w.amount("cbc:LineExtensionAmount", d.value_before_taxes);
  if (d.iva > 0) {
    write_iva(w, d);
  }
  w.open("cac:Item");
  w.leaf("cbc:Description", d.line_description);
  w.close("cac:Item");
  w.open("cac:Price");
  w.amount("cbc:PriceAmount", d.value_before_taxes);
  w.leaf("cbc:BaseQuantity", "1.00", R"( unitCode="94")");
  w.close("cac:Price");
  w.close("cac:CreditNoteLine");

  w.close("CreditNote");
  return w.take();
}

} // namespace cartera::sdk::dian
