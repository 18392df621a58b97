// DIAN electronic credit notes (UBL 2.1, Anexo Técnico FEV v1.8/v1.9): the CUFE/CUDE hash and an
// unsigned draft of the note for accounting.
//
// What cartera hands over is a DRAFT. Accounting's e-invoicing software still has to:
//  - sign it (XAdES, the second ext:UBLExtension; cartera holds no certificate);
//  - recompute the CUDE, SoftwareSecurityCode and QRCode (cude(), software_security_code(),
//    qr_code()) if it renumbers the note or changes its date, time or amounts: all three are
//    derived from those values;
//  - add what the draft leaves out: addresses, fiscal responsibilities (TaxLevelCode), contacts,
//    the CUFE when the draft was made without it (CustomizationID 20 references an e-invoice).
// Drafts validate against the UBL 2.1 schemas shipped in schemas/xml/ubl-2.1/ (tested). Those do
// not look inside sts:DianExtensions (see the README there), and DIAN's business rules are
// DIAN's to check on reception.
#pragma once

#include <cartera/sdk/tax_id.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace cartera::sdk::dian {

// Lowercase hex SHA-384 (96 characters), as the Anexo writes CUFE and CUDE.
std::string sha384_hex(std::string_view bytes);

// TipoAmbiente / ProfileExecutionID.
enum class Environment { kProduction = 1, kTesting = 2 };

const char *environment_code(Environment e) noexcept; // "1", "2"

// The inputs of the CUFE (invoice) and CUDE (credit and debit notes); the layout is the same.
// Amounts are centavos; every amount and text goes into the hash as given, so it must be the
// value the document itself carries.
struct CudeInput {
  std::string number;                  // NumNC / NumFac: prefix and number, as in cbc:ID
  std::string issue_date;              // YYYY-MM-DD
  std::string issue_time;              // HH:MM:SS-05:00 (with the offset)
  std::int64_t value_before_taxes = 0; // ValNC: LineExtensionAmount
  std::int64_t iva = 0;                // ValImp1, tax "01"
  std::int64_t inc = 0;                // ValImp2, tax "04"
  std::int64_t ica = 0;                // ValImp3, tax "03"
  std::int64_t total = 0;              // ValTot: PayableAmount
  std::string issuer_nit;              // NitOFE, digits without check digit
  std::string acquirer_id;             // NumAdq, as the document carries it, without check digit
  std::string key;                     // Software-PIN for a CUDE, clave técnica for a CUFE
  Environment environment = Environment::kTesting;
};

// The string that is hashed: NumNC FecNC HorNC ValNC "01" ValImp1 "04" ValImp2 "03" ValImp3
// ValTot NitOFE NumAdq key TipoAmbiente, amounts as "1234.50". Throws std::invalid_argument
// for a malformed date or time, a negative amount or an empty number, NIT, id or key.
std::string cude_input_string(const CudeInput &in);

// sha384_hex(cude_input_string(in)).
std::string cude(const CudeInput &in);

// sts:SoftwareSecurityCode: SHA-384 of software id + PIN + document number (the formula of
// bit4bit/facho, "Resolución 0001 p. 535"; domain/colombia.md does not state it).
std::string software_security_code(std::string_view software_id, std::string_view pin, std::string_view number);

// sts:QRCode: DIAN's catalogue URL for the document (catalogo-vpfe-hab for tests).
std::string qr_code(std::string_view cude_or_cufe, Environment e);

// A DIAN concept (cbc:ResponseCode and its description). The code lists live in
// schemas/data/dian-credit-note-concepts.xml, per Anexo version; callers load them.
struct Concept {
  std::string code;
  std::string description;
};

// Whether the company is a legal entity ("1") or a natural person ("2"): AdditionalAccountID.
enum class Organization { kLegalEntity = 1, kNaturalPerson = 2 };

struct Party {
  std::string name;              // registration name
  IdType id_type = IdType::kNit; // NIT 31, CC 13, CE 22, passport 41, TI 12 (schemeName)
  std::string id_number;         // digits; a NIT without its check digit (computed here)
  Organization organization = Organization::kLegalEntity;
  std::string tax_scheme_id = "01"; // PartyTaxScheme/TaxScheme: "01" IVA, "ZZ" not applicable
  std::string tax_scheme_name = "IVA";
};

// The e-invoice the note corrects.
struct InvoiceReference {
  std::string number;     // its cbc:ID
  std::string cufe;       // empty when not known: the UUID is then left out
  std::string issue_date; // YYYY-MM-DD
};

// One credit note with one line. IVA is the only tax a draft carries (INC and ICA enter the
// CUDE as 0.00); the payable total is base + IVA.
struct CreditNoteDraft {
  std::string number;     // cbc:ID, prefix included
  std::string issue_date; // YYYY-MM-DD
  std::string issue_time; // HH:MM:SS-05:00
  Environment environment = Environment::kTesting;

  std::string software_provider_nit; // digits; the company itself when it is its own provider
  std::string software_id;
  std::string software_pin;

  Party supplier; // the company (NitOFE); must be a NIT
  Party customer; // NumAdq

  InvoiceReference invoice;
  Concept reason;   // DiscrepancyResponse: ResponseCode and Description
  std::string note; // cbc:Note; left out when empty

  std::string line_description;         // Item/Description
  std::int64_t value_before_taxes = 0;  // centavos, > 0
  std::int64_t iva = 0;                 // centavos; 0 = no TaxTotal
  std::int64_t iva_rate_hundredths = 0; // 1900 = 19.00 %; required when iva > 0
};

// The CUDE inputs the draft's own values give (INC and ICA 0, total = base + IVA). Throws as
// credit_note_draft() does.
CudeInput cude_input(const CreditNoteDraft &d);

// The unsigned UBL 2.1 CreditNote, UTF-8, with its CUDE computed from cude_input(d). Throws
// std::invalid_argument, naming the field, for a value DIAN would reject outright (malformed
// date or NIT, non-positive base, IVA without a rate, empty concept).
std::string credit_note_draft(const CreditNoteDraft &d);

} // namespace cartera::sdk::dian
