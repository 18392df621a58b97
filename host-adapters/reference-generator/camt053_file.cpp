// The camt.053.001.08 statement of account of the day after as_of: opening balance, the
// credits, the returned cheque of one of them, closing balance.
#include "reference-generator/bank_files.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>

namespace cartera::reference::sample {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char *, 5> kPayerTexts = {"PAGO MENSUALIDAD", "PAGO PLAN SALUD", "ABONO", "PAGO CUOTA",
                                                     "TRANSFERENCIA"};
constexpr std::array<const char *, 4> kUnknownTexts = {"CONSIGNACION", "TRANSFERENCIA", "ABONO A CUENTA", "PAGO"};

void append_xml(std::string &out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
}

void append_party_id(std::string &out, std::string_view id, bool organisation, const char *scheme) {
  out += organisation ? "                    <OrgId>\n" : "                    <PrvtId>\n";
  out += "                      <Othr>\n                        <Id>";
  append_xml(out, id);
  out += "</Id>\n                        <SchmeNm>\n                          <Prtry>";
  out += scheme;
  out += "</Prtry>\n                        </SchmeNm>\n                      </Othr>\n";
  out += organisation ? "                    </OrgId>\n" : "                    </PrvtId>\n";
}

// RltdPties/Dbtr (.08: inside Pty). An empty name and id write nothing.
void append_debtor(std::string &out, std::string_view name, std::string_view id, bool organisation,
                   const char *scheme) {
  if (name.empty() && id.empty()) {
    return;
  }
  out += "            <RltdPties>\n              <Dbtr>\n                <Pty>\n";
  if (!name.empty()) {
    out += "                  <Nm>";
    append_xml(out, name);
    out += "</Nm>\n";
  }
  if (!id.empty()) {
    out += "                  <Id>\n";
    append_party_id(out, id, organisation, scheme);
    out += "                  </Id>\n";
  }
  out += "                </Pty>\n              </Dbtr>\n            </RltdPties>\n";
}

void append_balance(std::string &out, const char *type, std::int64_t amount, std::string_view date) {
  out += "      <Bal>\n        <Tp>\n          <CdOrPrtry>\n            <Cd>";
  out += type;
  out += "</Cd>\n          </CdOrPrtry>\n        </Tp>\n        <Amt Ccy=\"COP\">";
  sdk::append_pesos_plain(out, amount < 0 ? -amount : amount);
  out += amount < 0 ? "</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>\n" : "</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n";
  out += "        <Dt>\n          <Dt>";
  out += date;
  out += "</Dt>\n        </Dt>\n      </Bal>\n";
}

struct CamtEntry {
  std::int64_t amount = 0; // signed: a debit is negative
  bool reversal = false;
  const char *family = "RCDT";
  const char *sub_family = "DMCT";
  std::string_view reference; // the bank's own (AcctSvcrRef), unique per movement: cartera's key
  std::string_view end_to_end;
  std::string_view payer_name;
  std::string_view payer_id;
  bool payer_is_organisation = false;
  const char *payer_scheme = "CC";
  std::string_view unstructured;
  std::uint64_t structured_invoice = 0; // 0: none
};

void append_camt_entry(std::string &out, const CamtEntry &e, std::string_view date) {
  const char *direction = e.amount < 0 ? "DBIT" : "CRDT";
  out += "      <Ntry>\n        <Amt Ccy=\"COP\">";
  sdk::append_pesos_plain(out, e.amount < 0 ? -e.amount : e.amount);
  out += "</Amt>\n        <CdtDbtInd>";
  out += direction;
  out += "</CdtDbtInd>\n";
  if (e.reversal) {
    out += "        <RvslInd>true</RvslInd>\n";
  }
  out += "        <Sts>\n          <Cd>BOOK</Cd>\n        </Sts>\n        <BookgDt>\n          <Dt>";
  out += date;
  out += "</Dt>\n        </BookgDt>\n        <ValDt>\n          <Dt>";
  out += date;
  out += "</Dt>\n        </ValDt>\n        <AcctSvcrRef>";
  out += e.reference;
  out += "</AcctSvcrRef>\n        <BkTxCd>\n          <Domn>\n            <Cd>PMNT</Cd>\n            <Fmly>\n"
         "              <Cd>";
  out += e.family;
  out += "</Cd>\n              <SubFmlyCd>";
  out += e.sub_family;
  out += "</SubFmlyCd>\n            </Fmly>\n          </Domn>\n        </BkTxCd>\n"
         "        <NtryDtls>\n          <TxDtls>\n            <Refs>\n              <AcctSvcrRef>";
  out += e.reference;
  out += "</AcctSvcrRef>\n              <EndToEndId>";
  out += e.end_to_end.empty() ? std::string_view("NOTPROVIDED") : e.end_to_end;
  out += "</EndToEndId>\n            </Refs>\n            <Amt Ccy=\"COP\">";
  sdk::append_pesos_plain(out, e.amount < 0 ? -e.amount : e.amount);
  out += "</Amt>\n            <CdtDbtInd>";
  out += direction;
  out += "</CdtDbtInd>\n";
  append_debtor(out, e.payer_name, e.payer_id, e.payer_is_organisation, e.payer_scheme);
  if (!e.unstructured.empty() || e.structured_invoice != 0) {
    out += "            <RmtInf>\n";
    if (!e.unstructured.empty()) {
      out += "              <Ustrd>";
      append_xml(out, e.unstructured);
      out += "</Ustrd>\n";
    }
    if (e.structured_invoice != 0) {
      out += "              <Strd>\n                <CdtrRefInf>\n                  <Ref>";
      append_invoice_id(out, e.structured_invoice);
      out += "</Ref>\n                </CdtrRefInf>\n              </Strd>\n";
    }
    out += "            </RmtInf>\n";
  }
  out += "          </TxDtls>\n        </NtryDtls>\n      </Ntry>\n";
}

// The payer's id as banks send it: a CC as is; a NIT alone, with its check digit appended, or
// as NIT-DV (the matcher must read all three).
void append_payer_id(std::string &out, Rng &rng, const BankCustomer &who) {
  out += who.id_number;
  if (!who.nit) {
    return;
  }
  const auto form = rng.between(1, 10);
  if (form <= 4) {
    return;
  }
  if (form <= 7) {
    out += static_cast<char>('0' + sdk::nit_check_digit(who.id_number).value_or(0));
    return;
  }
  out += '-';
  out += static_cast<char>('0' + sdk::nit_check_digit(who.id_number).value_or(0));
}

} // namespace

// The account's statement of the day: opening balance, the credits, the returned cheque of one
// of them, closing balance = opening + credits - the cheque.
void write_camt(Rng &rng, const Ledger &ledger, std::vector<Credit> credits, std::int64_t day, const fs::path &dir) {
  const std::string date = sdk::format_iso_date(day);
  std::string compact;
  append_compact_date(compact, day);

  // The returned cheque: a credit from the second half of the day that named its invoice.
  std::size_t returned = kNone;
  for (std::size_t pass = 0; pass < 2 && returned == kNone; ++pass) {
    for (std::size_t i = pass == 0 ? credits.size() / 2 : 0; i < credits.size(); ++i) {
      if (credits[i].kind == Kind::kInvoice || (pass == 1 && credits[i].customer != kNone)) {
        returned = i;
        break;
      }
    }
  }
  if (returned == kNone) {
    returned = 0;
  }
  credits[returned].channel = Channel::kCheque;
  const auto cheque = static_cast<std::uint64_t>(rng.between(1000, 999999));

  std::int64_t credited = 0;
  for (const Credit &c : credits) {
    credited += c.amount;
  }
  const std::int64_t debited = credits[returned].amount;
  const std::int64_t opening = rng.between(80'000'000, 900'000'000) * 100 + rng.between(0, 99);
  const std::int64_t closing = opening + credited - debited;

  OutFile file(dir, "camt053-" + date + ".xml", "");
  std::string out;
  out.reserve(kChunk + 8192);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n  <BkToCstmrStmt>\n    <GrpHdr>\n"
         "      <MsgId>COLOCOBM-";
  out += compact;
  out += "-";
  out += kAccount;
  out += "</MsgId>\n      <CreDtTm>";
  out += date;
  out += "T23:30:00-05:00</CreDtTm>\n    </GrpHdr>\n    <Stmt>\n      <Id>";
  out += kAccount;
  out += "-";
  out += compact;
  out += "</Id>\n      <ElctrncSeqNb>";
  const sdk::CivilDate civil = sdk::civil_from_days(day);
  append_number(out, static_cast<std::uint64_t>(day - sdk::days_from_civil({civil.year, 1, 1}) + 1), 1);
  out += "</ElctrncSeqNb>\n      <CreDtTm>";
  out += date;
  out += "T23:30:00-05:00</CreDtTm>\n      <FrToDt>\n        <FrDtTm>";
  out += date;
  out += "T00:00:00-05:00</FrDtTm>\n        <ToDtTm>";
  out += date;
  out += "T23:59:59-05:00</ToDtTm>\n      </FrToDt>\n      <Acct>\n        <Id>\n          <Othr>\n            <Id>";
  out += kAccount;
  out += "</Id>\n            <SchmeNm>\n              <Cd>BBAN</Cd>\n            </SchmeNm>\n          </Othr>\n"
         "        </Id>\n        <Ccy>COP</Ccy>\n        <Ownr>\n          <Nm>Grupo Salud Andina S.A.S.</Nm>\n"
         "        </Ownr>\n        <Svcr>\n          <FinInstnId>\n            <BICFI>COLOCOBM</BICFI>\n"
         "          </FinInstnId>\n        </Svcr>\n      </Acct>\n";
  append_balance(out, "OPBD", opening, date);
  append_balance(out, "CLBD", closing, date);
  out += "      <TxsSummry>\n        <TtlNtries>\n          <NbOfNtries>";
  append_number(out, credits.size() + 1, 1);
  out += "</NbOfNtries>\n          <Sum>";
  sdk::append_pesos_plain(out, credited + debited);
  out += "</Sum>\n          <TtlNetNtry>\n            <Amt>";
  sdk::append_pesos_plain(out, credited - debited);
  out += "</Amt>\n            <CdtDbtInd>CRDT</CdtDbtInd>\n          </TtlNetNtry>\n        </TtlNtries>\n"
         "        <TtlCdtNtries>\n          <NbOfNtries>";
  append_number(out, credits.size(), 1);
  out += "</NbOfNtries>\n          <Sum>";
  sdk::append_pesos_plain(out, credited);
  out += "</Sum>\n        </TtlCdtNtries>\n        <TtlDbtNtries>\n          <NbOfNtries>1</NbOfNtries>\n"
         "          <Sum>";
  sdk::append_pesos_plain(out, debited);
  out += "</Sum>\n        </TtlDbtNtries>\n      </TxsSummry>\n";

  // Reused for every entry: their capacity stays, so the loop allocates nothing once warm.
  std::string reference;
  std::string end_to_end;
  std::string payer_id;
  std::string payer_name;
  std::string text;
  const auto set_reference = [&](std::uint64_t sequence) {
    reference.assign("BC");
    reference += compact;
    append_number(reference, sequence, 7);
  };
  for (std::size_t k = 0; k < credits.size(); ++k) {
    const Credit &c = credits[k];
    const BankCustomer *who = c.customer != kNone ? &ledger.customers[c.customer] : nullptr;
    CamtEntry e;
    e.amount = c.amount;
    set_reference(k + 1);
    e.reference = reference;
    end_to_end.clear();
    if (c.channel == Channel::kTransfer) {
      end_to_end += "ACH";
      end_to_end += compact;
      append_number(end_to_end, k + 1, 7);
    } else if (c.channel == Channel::kCash) {
      e.family = "CNTR";
      e.sub_family = "CDPT";
    } else {
      e.family = "RCHQ";
      e.sub_family = "CCHQ";
    }
    e.end_to_end = end_to_end;
    payer_id.clear();
    text.clear();
    if (who != nullptr) {
      e.payer_name = who->name;
      e.payer_is_organisation = who->nit;
      e.payer_scheme = who->nit ? "NIT" : "CC";
    }
    switch (c.kind) {
    case Kind::kInvoice:
    case Kind::kOverpayment:
      text += "PAGO FACTURA ";
      append_invoice_id(text, ledger.open[c.invoice].number);
      if (k == returned) {
        text += " CHEQUE ";
        append_number(text, cheque, 6);
      }
      break;
    case Kind::kInvoiceAndPayer:
      append_payer_id(payer_id, rng, *who);
      e.structured_invoice = ledger.open[c.invoice].number;
      break;
    case Kind::kPayerOnly:
      append_payer_id(payer_id, rng, *who);
      if (rng.chance(80)) {
        text += rng.pick(kPayerTexts);
      }
      break;
    case Kind::kUnidentified: {
      // Someone the company does not know (a relative, a new employer), or no one at all: a
      // cash deposit at another city's branch. Their ids are 6 or 7 digits (cédulas de
      // extranjería), which no customer's CC (8 to 10) or NIT (9) can be.
      const auto r = rng.between(1, 100);
      if (r <= 80) {
        payer_name.assign(rng.pick(kFirstNames)).append(" ").append(rng.pick(kLastNames));
        e.payer_name = payer_name;
        e.payer_is_organisation = false;
      }
      if (r <= 50) {
        append_number(payer_id, static_cast<std::uint64_t>(rng.between(100000, 9999999)), 1);
        e.payer_scheme = "CE";
      }
      if (rng.chance(75)) {
        text += rng.pick(kUnknownTexts);
      }
      break;
    }
    }
    e.payer_id = payer_id;
    e.unstructured = text;
    append_camt_entry(out, e, date);
    flush_if_full(out, file);
  }

  // The returned cheque: the same payer as the deposit it reverses (banks report the original
  // transaction's parties on a reversal).
  const Credit &original = credits[returned];
  CamtEntry e;
  e.amount = -original.amount;
  e.reversal = true;
  e.family = "RCHQ";
  e.sub_family = "UPCQ";
  set_reference(credits.size() + 1);
  e.reference = reference;
  if (original.customer != kNone) {
    e.payer_name = ledger.customers[original.customer].name;
    e.payer_is_organisation = ledger.customers[original.customer].nit;
  }
  text.assign("CHEQUE DEVUELTO ");
  append_number(text, cheque, 6);
  text += " FONDOS INSUFICIENTES";
  e.unstructured = text;
  append_camt_entry(out, e, date);
  out += "    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n";
  file.write(out);
  file.commit();
}

} // namespace cartera::reference::sample
