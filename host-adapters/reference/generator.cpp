#include "reference/generator.hpp"

#include "base/failure.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::reference {

namespace fs = std::filesystem;

namespace {

// splitmix64: small, fast, and the same everywhere.
class Rng {
public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T, std::size_t N> const T &pick(const std::array<T, N> &a) {
    return a[static_cast<std::size_t>(between(0, N - 1))];
  }

private:
  std::uint64_t state_;
};

constexpr std::array<const char *, 24> kFirstNames = {"María",     "José",    "Luis",   "Ana",     "Carlos", "Luz",
                                                      "Jorge",     "Diana",   "Andrés", "Paola",   "Juan",   "Claudia",
                                                      "Camilo",    "Sandra",  "Felipe", "Natalia", "Jhon",   "Yolanda",
                                                      "Sebastián", "Marcela", "Óscar",  "Ángela",  "Hernán", "Beatriz"};
constexpr std::array<const char *, 24> kLastNames = {
    "Rodríguez", "Gómez", "González", "Martínez", "García",   "López",  "Hernández", "Sánchez",
    "Ramírez",   "Pérez", "Díaz",     "Muñoz",    "Rojas",    "Moreno", "Jiménez",   "Vargas",
    "Castro",    "Ortiz", "Rubio",    "Suárez",   "Quintero", "Ospina", "Zapata",    "Cárdenas"};
constexpr std::array<const char *, 10> kCompanyWords = {"Andina",    "del Valle", "Caribe", "Pacífico",  "Cafetera",
                                                        "Santander", "Llanos",    "Sabana", "Antioquia", "Magdalena"};
constexpr std::array<const char *, 8> kCompanyKinds = {"Comercializadora", "Inversiones",    "Distribuidora",
                                                       "Transportes",      "Construcciones", "Servicios",
                                                       "Industrias",       "Agropecuaria"};
constexpr std::array<const char *, 8> kCities = {"Bogotá",      "Medellín",  "Cali",    "Barranquilla",
                                                 "Bucaramanga", "Cartagena", "Pereira", "Manizales"};
constexpr std::array<const char *, 3> kCompanies = {"salud-andina", "prepagada-andina", "odontologia-andina"};
constexpr std::array<const char *, 3> kPlans = {"Plan Esencial", "Plan Clásico", "Plan Integral"};
constexpr std::array<std::int64_t, 3> kPlanFee = {9850000, 16420000, 27990000}; // centavos per member, per month
constexpr std::array<const char *, 5> kMethods = {"PSE", "transferencia", "consignacion", "debito-automatico",
                                                  "cheque"};

// How a customer pays; the shares give a portfolio a collections analyst would recognise.
enum class Habit { kOnTime, kLate, kPartial, kStopped, kFarInArrears };

Habit habit_for(Rng &rng) {
  const auto r = rng.between(1, 100);
  if (r <= 62) {
    return Habit::kOnTime;
  }
  if (r <= 82) {
    return Habit::kLate;
  }
  if (r <= 91) {
    return Habit::kPartial;
  }
  if (r <= 97) {
    return Habit::kStopped;
  }
  return Habit::kFarInArrears;
}

std::string ascii_lower(std::string s) {
  // For e-mail addresses: strip the accents of the names used above.
  static constexpr std::array<std::pair<const char *, const char *>, 10> kMap = {{{"á", "a"},
                                                                                  {"é", "e"},
                                                                                  {"í", "i"},
                                                                                  {"ó", "o"},
                                                                                  {"ú", "u"},
                                                                                  {"Á", "a"},
                                                                                  {"Ó", "o"},
                                                                                  {"ñ", "n"},
                                                                                  {"Ñ", "n"},
                                                                                  {" ", ""}}};
  for (const auto &[from, to] : kMap) {
    for (std::size_t p; (p = s.find(from)) != std::string::npos;) {
      s.replace(p, std::string(from).size(), to);
    }
  }
  for (auto &c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// Streams one file to a temporary name and renames it into place when complete, so a reader
// never sees half a file and a large company never has to fit in memory.
class OutFile {
public:
  OutFile(const fs::path &dir, const std::string &name, const std::string &header)
      : tmp_(dir / ("." + name + ".tmp")), final_(dir / name), out_(tmp_, std::ios::binary) {
    if (!out_) {
      runtime::fail("cannot write " + tmp_.string());
    }
    out_ << header;
  }
  OutFile &operator+=(const std::string &s) {
    out_ << s;
    return *this;
  }
  void write(std::string_view s) { out_.write(s.data(), static_cast<std::streamsize>(s.size())); }
  void commit() {
    out_.close();
    if (!out_) {
      runtime::fail("cannot write " + tmp_.string());
    }
    fs::rename(tmp_, final_);
  }

private:
  fs::path tmp_;
  fs::path final_;
  std::ofstream out_;
};

std::int64_t add_months(std::int64_t days, int months, std::uint32_t day_of_month) {
  sdk::CivilDate c = sdk::civil_from_days(days);
  int m = static_cast<int>(c.month) - 1 + months;
  int y = c.year + (m >= 0 ? m / 12 : (m - 11) / 12);
  m = ((m % 12) + 12) % 12;
  const std::uint32_t dim = sdk::days_in_month(y, static_cast<std::uint32_t>(m + 1));
  return sdk::days_from_civil({y, static_cast<std::uint32_t>(m + 1), std::min(day_of_month, dim)});
}

// ---- The bank's files of the day after as_of ----

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
constexpr std::size_t kChunk = std::size_t{1} << 20; // bytes handed to the file at a time
constexpr std::size_t kAsobancariaRecord = 162;
constexpr std::string_view kAccount = "0123456789";
constexpr std::string_view kCompanyNit = "900456789"; // the health group's (made up); its check digit is computed
constexpr std::string_view kBankCode = "007";         // Asobancaria code of the collecting bank

struct BankCustomer {
  std::string name;
  std::string id_number; // NIT without its check digit, or the CC
  bool nit = false;
};

struct OpenInvoice {
  std::uint64_t number = 0; // F%09llu
  std::size_t customer = 0; // index into Ledger::customers
  std::int64_t balance = 0; // centavos, open as of as_of
};

// What the bank files are drawn from, collected while the company is written and without
// drawing from its PRNG, so that the company's files are the same bytes with or without them.
struct Ledger {
  std::vector<BankCustomer> customers;
  std::vector<OpenInvoice> open; // customer by customer, oldest due first
};

// What a movement says about who paid what; the shares are set in write_bank_files.
enum class Kind : std::uint8_t {
  kInvoice,         // "PAGO FACTURA <id>": exact, less GMF, or partial
  kInvoiceAndPayer, // the invoice as a structured reference, and the payer's id
  kOverpayment,     // names the invoice, pays more: the rest is the customer's credit balance
  kPayerOnly,       // only the payer's id: its oldest open invoice, or an arbitrary part
  kUnidentified,    // neither a known reference nor a known payer
};

enum class Channel : std::uint8_t { kTransfer, kCash, kCheque };

struct Credit {
  Kind kind = Kind::kUnidentified;
  Channel channel = Channel::kTransfer;
  std::int64_t amount = 0;
  std::size_t invoice = kNone;  // the open invoice it names, or whose customer paid it
  std::size_t customer = kNone; // the paying customer, when known
};

// Open invoices in a seeded random order, each named by one credit at most while any is left
// (a partial Fisher-Yates shuffle: only as many draws as credits). Two credits on one invoice
// would leave the second with nothing to pay and make the mix less than it claims.
class InvoicePicker {
public:
  InvoicePicker(const std::vector<OpenInvoice> &open, Rng &rng)
      : open_(open), rng_(rng), order_(open.size()), used_(open.size(), 0) {
    for (std::size_t i = 0; i < order_.size(); ++i) {
      order_[i] = i;
    }
  }

  // An invoice no earlier credit named; once every one has been, any (a customer who pays
  // twice). kNone when nothing is open at all.
  std::size_t any() {
    while (next_ < order_.size()) {
      const std::size_t j = next_ + static_cast<std::size_t>(rng_.next() % (order_.size() - next_));
      std::swap(order_[next_], order_[j]);
      const std::size_t i = order_[next_++];
      if (used_[i] == 0) {
        used_[i] = 1;
        return i;
      }
    }
    return open_.empty() ? kNone : static_cast<std::size_t>(rng_.next() % open_.size());
  }

  // The oldest invoice of i's customer that no credit named yet (i itself when there is none):
  // what a customer who pays without a reference usually means to settle.
  std::size_t oldest_of_customer(std::size_t i) {
    std::size_t first = i;
    while (first > 0 && open_[first - 1].customer == open_[i].customer) {
      --first;
    }
    for (std::size_t k = first; k < i; ++k) {
      if (used_[k] == 0) {
        used_[k] = 1;
        return k;
      }
    }
    return i;
  }

private:
  const std::vector<OpenInvoice> &open_;
  Rng &rng_;
  std::vector<std::size_t> order_;
  std::vector<char> used_;
  std::size_t next_ = 0;
};

std::int64_t whole_pesos(std::int64_t centavos) {
  return centavos / 100 * 100;
}

// Exact most of the time; less the 4 x 1000 (GMF) some payers' banks take; or a part.
std::int64_t invoice_amount(Rng &rng, std::int64_t balance, int exact, int gmf) {
  const auto r = rng.between(1, 100);
  if (r <= exact) {
    return balance;
  }
  if (r <= exact + gmf) {
    return balance - balance * 4 / 1000; // never above 0.40 %: inside the matcher's gmf tolerance
  }
  const std::int64_t part = whole_pesos(balance * rng.between(30, 70) / 100);
  return part > 0 ? part : balance;
}

// Kinds in exact numbers (shares of count, rounded), in seeded random order.
std::vector<Kind> shuffled_kinds(Rng &rng, std::size_t count, std::initializer_list<std::pair<Kind, int>> percents,
                                 std::size_t overpayments) {
  std::vector<Kind> kinds;
  kinds.reserve(count);
  for (const auto &[kind, percent] : percents) {
    const std::size_t n = std::min(count - kinds.size(), (count * static_cast<std::size_t>(percent) + 50) / 100);
    kinds.insert(kinds.end(), n, kind);
  }
  kinds.insert(kinds.end(), std::min(overpayments, count - kinds.size()), Kind::kOverpayment);
  kinds.resize(count, Kind::kInvoice);
  for (std::size_t i = kinds.size(); i > 1; --i) {
    std::swap(kinds[i - 1], kinds[static_cast<std::size_t>(rng.next() % i)]);
  }
  return kinds;
}

std::vector<Credit> plan_credits(Rng &rng, const Ledger &ledger, InvoicePicker &picker, const std::vector<Kind> &kinds,
                                 bool asobancaria) {
  std::vector<Credit> credits;
  credits.reserve(kinds.size());
  for (const Kind wanted : kinds) {
    Credit c;
    c.kind = wanted;
    const auto r = rng.between(1, 100);
    c.channel = r <= 70 ? Channel::kTransfer : (r <= 90 ? Channel::kCash : Channel::kCheque);
    if (wanted != Kind::kUnidentified) {
      c.invoice = picker.any();
      if (c.invoice == kNone) {
        c.kind = Kind::kUnidentified; // a company with nothing open: nobody owes anything
      }
    }
    switch (c.kind) {
    case Kind::kInvoice:
    case Kind::kInvoiceAndPayer:
      // Collections through an Asobancaria agreement come from the invoice's own coupon:
      // exact, or a part; the GMF is taken from transfers.
      c.amount = asobancaria ? invoice_amount(rng, ledger.open[c.invoice].balance, 85, 0)
                             : invoice_amount(rng, ledger.open[c.invoice].balance, 60, 20);
      break;
    case Kind::kOverpayment: {
      // A round figure above what is owed: the next $ 50.000 and $ 50.000 more.
      constexpr std::int64_t kRound = 5'000'000;
      c.amount = (ledger.open[c.invoice].balance / kRound + 2) * kRound;
      break;
    }
    case Kind::kPayerOnly: {
      c.invoice = picker.oldest_of_customer(c.invoice);
      const std::int64_t balance = ledger.open[c.invoice].balance;
      const std::int64_t part = balance * rng.between(20, 80) / 100 / 100'000 * 100'000; // whole thousands
      c.amount = rng.chance(65) || part <= 0 ? balance : part;
      break;
    }
    case Kind::kUnidentified:
      c.amount = rng.between(50, 3000) * 100'000; // $ 50.000 to $ 3.000.000
      break;
    }
    if (c.invoice != kNone) {
      c.customer = ledger.open[c.invoice].customer;
    }
    credits.push_back(c);
  }
  return credits;
}

// Appending helpers: the files are written field by field into one buffer, with no temporary
// string per field (100,000 movements are a few million fields).
void append_number(std::string &out, std::uint64_t value, std::size_t width) {
  char digits[24];
  const char *end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const auto len = static_cast<std::size_t>(end - digits);
  if (len < width) {
    out.append(width - len, '0');
  }
  out.append(digits, len);
}

void append_invoice_id(std::string &out, std::uint64_t number) {
  out += 'F';
  append_number(out, number, 9);
}

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

void append_compact_date(std::string &out, std::int64_t days) {
  const sdk::CivilDate c = sdk::civil_from_days(days);
  append_number(out, static_cast<std::uint64_t>(c.year), 4);
  append_number(out, c.month, 2);
  append_number(out, c.day, 2);
}

// Fills an Asobancaria record that started at `start` with spaces to its 162 characters.
void end_record(std::string &out, std::size_t start) {
  out.append(kAsobancariaRecord - (out.size() - start), ' ');
  out += "\r\n";
}

// The buffer goes to the file a megabyte at a time: fast, and bounded in memory.
void flush_if_full(std::string &buf, OutFile &file) {
  if (buf.size() >= kChunk) {
    file.write(buf);
    buf.clear();
  }
}

constexpr std::array<const char *, 5> kPayerTexts = {"PAGO MENSUALIDAD", "PAGO PLAN SALUD", "ABONO", "PAGO CUOTA",
                                                     "TRANSFERENCIA"};
constexpr std::array<const char *, 4> kUnknownTexts = {"CONSIGNACION", "TRANSFERENCIA", "ABONO A CUENTA", "PAGO"};
constexpr std::array<const char *, 6> kDebitedBanks = {"001", "007", "013", "023", "051", "052"};
constexpr std::array<const char *, 4> kCollectionMedia = {"01", "01", "02", "15"}; // cash, cheque, internet debit

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

// EAN-13 of a collection service: 12 digits and their check digit.
void append_ean13(std::string &out, std::string_view twelve) {
  int sum = 0;
  for (std::size_t i = 0; i < twelve.size(); ++i) {
    sum += (twelve[i] - '0') * (i % 2 == 0 ? 1 : 3);
  }
  out += twelve;
  out += static_cast<char>('0' + (10 - sum % 10) % 10);
}

// The collection agreement's file of the day (colombia.md §6.1): 01, one or two lots (05, 06...,
// 08), 09; 162-character records ending CR LF; counts and totals that reconcile.
std::uint64_t write_asobancaria(Rng &rng, const Ledger &ledger, const std::vector<Credit> &credits, std::int64_t day,
                                const fs::path &dir) {
  const std::string date = sdk::format_iso_date(day);
  const std::size_t lots = credits.size() >= 2 && rng.chance(50) ? 2 : 1;
  const std::size_t first_lot = lots == 2 ? std::max<std::size_t>(1, credits.size() * 2 / 3) : credits.size();

  OutFile file(dir, "asobancaria-" + date + ".txt", "");
  std::string out;
  out.reserve(kChunk + 4096);
  std::size_t start = out.size();
  out += "01";
  out += kCompanyNit;
  out += static_cast<char>('0' + sdk::nit_check_digit(kCompanyNit).value_or(0));
  append_compact_date(out, day); // fecha de recaudo
  out += kBankCode;
  out.append(17 - kAccount.size(), '0');
  out += kAccount;
  append_compact_date(out, day); // generated at the end of the collection day
  out += "2345A01";
  end_record(out, start);

  std::int64_t file_total = 0;
  std::size_t k = 0;
  for (std::size_t lot = 1; lot <= lots; ++lot) {
    const std::size_t end = lot == 1 ? first_lot : credits.size();
    start = out.size();
    out += "05";
    append_ean13(out, lot == 1 ? "770999800001" : "770999800002"); // one service per company of the group
    append_number(out, lot, 4);
    end_record(out, start);
    std::int64_t lot_total = 0;
    const std::size_t lot_count = end - k;
    for (; k < end; ++k) {
      const Credit &c = credits[k];
      start = out.size();
      out += "06";
      if (c.kind == Kind::kUnidentified) {
        // A reference that names no invoice: the payer typed a document or phone number.
        append_number(out, static_cast<std::uint64_t>(rng.between(10'000'000, 9'999'999'999)), 48);
      } else {
        out.append(48 - 10, '0');
        append_invoice_id(out, ledger.open[c.invoice].number);
      }
      append_number(out, static_cast<std::uint64_t>(c.amount), 14);
      out += "01"; // procedencia
      out += rng.pick(kCollectionMedia);
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999999)), 6); // operación
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999999)), 6); // autorización
      out += rng.pick(kDebitedBanks);
      append_number(out, static_cast<std::uint64_t>(rng.between(1, 999)), 4); // sucursal
      append_number(out, k + 1, 7);                                           // secuencia, unique in the file
      out += "000";                                                           // not returned
      end_record(out, start);
      lot_total += c.amount;
      flush_if_full(out, file);
    }
    start = out.size();
    out += "08";
    append_number(out, lot_count, 9);
    append_number(out, static_cast<std::uint64_t>(lot_total), 18);
    append_number(out, lot, 4);
    end_record(out, start);
    file_total += lot_total;
  }
  start = out.size();
  out += "09";
  append_number(out, credits.size(), 9);
  append_number(out, static_cast<std::uint64_t>(file_total), 18);
  end_record(out, start);
  file.write(out);
  file.commit();
  return lots;
}

void write_bank_files(const GeneratorOptions &o, const Ledger &ledger, const fs::path &out, GeneratedCounts &n) {
  const std::uint64_t total = o.bank_entries != 0 ? o.bank_entries : std::max<std::uint64_t>(20, n.invoices * 2 / 100);
  // About 30 % through the collection agreement, the rest straight to the account; at least one
  // in each file.
  const auto asobancaria = static_cast<std::size_t>(std::max<std::uint64_t>(1, (total * 3 + 5) / 10));
  const auto camt = static_cast<std::size_t>(total) - asobancaria;
  // Its own stream: the company's files do not change when bank files are asked for.
  Rng rng(Rng(o.seed ^ 0x62616E6B66696C65ULL).next());
  InvoicePicker picker(ledger.open, rng);
  // Asobancaria carries no payer id, so the payer-only share is all on the statement: overall
  // about 62 % name an invoice (3 % with the payer's id too), 25 % only the payer, 10 % neither.
  const std::vector<Kind> camt_kinds = shuffled_kinds(
      rng, camt, {{Kind::kUnidentified, 10}, {Kind::kPayerOnly, 36}, {Kind::kInvoiceAndPayer, 4}}, camt >= 10 ? 2 : 0);
  const std::vector<Kind> asobancaria_kinds = shuffled_kinds(rng, asobancaria, {{Kind::kUnidentified, 10}}, 0);
  std::vector<Credit> camt_credits = plan_credits(rng, ledger, picker, camt_kinds, false);
  const std::vector<Credit> asobancaria_credits = plan_credits(rng, ledger, picker, asobancaria_kinds, true);

  n.bank_date = o.as_of + 1;
  const fs::path dir = out / "bank";
  fs::create_directories(dir);
  write_camt(rng, ledger, std::move(camt_credits), n.bank_date, dir);
  n.asobancaria_lots = write_asobancaria(rng, ledger, asobancaria_credits, n.bank_date, dir);
  n.camt_credits = camt;
  n.asobancaria_credits = asobancaria;
}

// ---- Members and their invoice lines (--members) ----

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::array<const char *, 4> kBands = {"0-17", "18-44", "45-59", "60+"};
// Each band's tariff against the plan's base fee, in percent: the shape of a prepaid health
// plan's tariff, where children cost less and members over 60 about twice the base.
constexpr std::array<std::int64_t, 4> kBandPercent = {85, 100, 135, 210};
constexpr std::array<const char *, 12> kMonthNames = {"enero",      "febrero", "marzo",     "abril",
                                                      "mayo",       "junio",   "julio",     "agosto",
                                                      "septiembre", "octubre", "noviembre", "diciembre"};
constexpr int kInterestPercent = 40;      // of the payments made late that a later invoice bills interest on
constexpr std::int64_t kMoraPerMonth = 2; // percent a month, simple: near the usury cap of recent years

enum class Role : std::uint8_t { kHolder, kSpouse, kChild, kParent, kEmployee };

struct Member {
  std::string id;
  std::string name;
  Role role = Role::kHolder;
  std::int64_t born = 0; // days
  std::int64_t joined = 0;
  std::int64_t left = kNever; // the last day covered
  [[nodiscard]] bool active_on(std::int64_t day) const { return joined <= day && day <= left; }
};

// Whole years on `day` of someone born on `born`.
int age_on(std::int64_t born, std::int64_t day) {
  const sdk::CivilDate b = sdk::civil_from_days(born);
  const sdk::CivilDate d = sdk::civil_from_days(day);
  int years = d.year - b.year;
  if (d.month < b.month || (d.month == b.month && d.day < b.day)) {
    --years;
  }
  return years;
}

std::size_t band_of(int age) {
  return age < 18 ? 0 : (age < 45 ? 1 : (age < 60 ? 2 : 3));
}

void append_dmy(std::string &out, std::int64_t days) {
  const sdk::CivilDate c = sdk::civil_from_days(days);
  append_number(out, c.day, 2);
  out += '/';
  append_number(out, c.month, 2);
  out += '/';
  append_number(out, static_cast<std::uint64_t>(c.year), 4);
}

// members.csv and invoice_lines.csv, contract by contract as the company is written. Every
// draw comes from its own PRNG stream, so that the company's other files draw exactly what
// they draw without --members (and are the same bytes then); only the amounts of invoices and
// payments, and the contracts' member counts, follow the members.
class MemberBook {
public:
  MemberBook(const GeneratorOptions &o, const fs::path &out, std::int64_t first_issue)
      : rng_(Rng(o.seed ^ 0x6D656D6265727321ULL).next()), as_of_(o.as_of),
        first_year_(sdk::civil_from_days(first_issue).year), first_issue_(first_issue),
        members_(out, "members.csv", "member_id,contract_id,name,birth_date,joined_on,left_on\n"),
        lines_(out, "invoice_lines.csv", "invoice_id,line_no,member_id,concept,plan,age_band,description,amount\n") {
    // Tariff per plan, year of the export and band: the yearly increase as invoices have it.
    for (std::size_t p = 0; p < kPlanFee.size(); ++p) {
      std::int64_t base = kPlanFee[p];
      for (std::size_t y = 0; y < tariff_[p].size(); ++y) {
        for (std::size_t b = 0; b < kBands.size(); ++b) {
          tariff_[p][y][b] = base * kBandPercent[b] / 100 / 100 * 100; // whole pesos
        }
        base = base * 109 / 100;
      }
    }
    mbuf_.reserve(kChunk + 4096);
    lbuf_.reserve(kChunk + 4096);
  }

  // Draws one contract's members over the months of the export and writes them; returns how
  // many are members on as_of (the contract's member count). holder_* are the customer's, for
  // a person's contract.
  std::int64_t start_contract(const std::string &kind, std::int64_t count, const std::string &contract_id,
                              std::size_t plan, std::int64_t start, int months, const std::string &holder_name,
                              const std::string &holder_surname) {
    plan_ = plan;
    members_of_.clear();
    payments_.clear();
    prev_issue_ = 0;
    const std::string number = contract_id.substr(1);
    const auto add = [&](Role role, std::string name, std::int64_t born, std::int64_t joined) {
      Member m;
      m.id.reserve(number.size() + 5);
      m.id += 'B';
      m.id += number;
      m.id += '-';
      append_number(m.id, members_of_.size() + 1, 3);
      m.name = std::move(name);
      m.role = role;
      m.born = born;
      m.joined = std::max(joined, born);
      members_of_.push_back(std::move(m));
    };
    if (kind == "colectivo") {
      for (std::int64_t k = 0; k < count; ++k) {
        std::string name = random_name(); // drawn before the birth date: arguments have no order
        add(Role::kEmployee, std::move(name), born_aged(18, 62, first_issue_), start);
      }
    } else {
      const int holder_age =
          kind == "familiar" ? static_cast<int>(rng_.between(25, 64)) : static_cast<int>(rng_.between(20, 75));
      add(Role::kHolder, holder_name, born_aged(holder_age, holder_age, first_issue_), start);
      std::string spouse_surname = rng_.pick(kLastNames);
      for (std::int64_t k = 1; k < count; ++k) {
        if (k == 1 && rng_.chance(75)) {
          const int age = std::max(19, holder_age + static_cast<int>(rng_.between(-6, 6)));
          std::string name = rng_.pick(kFirstNames);
          name.append(" ").append(spouse_surname).append(" ").append(rng_.pick(kLastNames));
          add(Role::kSpouse, std::move(name), born_aged(age, age, first_issue_), start);
        } else if (holder_age < 58 && rng_.chance(12)) {
          const int age = std::min(88, holder_age + static_cast<int>(rng_.between(22, 35)));
          std::string name = rng_.pick(kFirstNames);
          name.append(" ").append(holder_surname).append(" ").append(rng_.pick(kLastNames));
          add(Role::kParent, std::move(name), born_aged(age, age, first_issue_), start);
        } else {
          // Children carry both parents' first surnames; most are minors.
          const std::int64_t born = born_aged(0, std::min(24, holder_age - 19), first_issue_);
          std::string name = child_name(holder_surname, spouse_surname);
          add(Role::kChild, std::move(name), born, std::max(start, born + rng_.between(0, 20)));
        }
      }
      spouse_surname_ = spouse_surname;
    }
    holder_surname_ = holder_surname;

    // Month by month, what the ERP recorded by as_of: newborns and hires join, grown children,
    // spouses, parents and employees leave (the holder of a person's contract never does).
    for (int m = 0; m < months; ++m) {
      const std::int64_t ms = add_months(first_issue_, m, 1);
      const sdk::CivilDate c = sdk::civil_from_days(ms);
      const auto dim = static_cast<std::int64_t>(sdk::days_in_month(c.year, c.month));
      const std::int64_t me = ms + dim - 1;
      std::size_t active = 0;
      for (const Member &mb : members_of_) {
        active += mb.active_on(ms) ? 1 : 0;
      }
      hires_.clear();
      for (Member &mb : members_of_) {
        if (!(mb.joined < ms && mb.left == kNever)) {
          continue;
        }
        int per_mille = 0; // the chance of leaving this month
        switch (mb.role) {
        case Role::kEmployee:
          per_mille = active > 5 ? 12 : 0;
          break;
        case Role::kChild:
          per_mille = age_on(mb.born, ms) >= 18 ? 20 : 0;
          break;
        case Role::kSpouse:
          per_mille = 3;
          break;
        case Role::kParent:
          per_mille = 6;
          break;
        case Role::kHolder:
          break;
        }
        if (per_mille > 0 && rng_.between(1, 1000) <= per_mille) {
          // Mostly at the month's end, as novelties are usually filed; now and then mid-month.
          const std::int64_t day = rng_.chance(70) ? me : ms + rng_.between(0, dim - 2);
          if (day <= as_of_) {
            mb.left = day;
            --active;
          }
        }
        if (mb.role == Role::kEmployee && rng_.between(1, 1000) <= 12) {
          // About as many hires as leaves: the company keeps its size.
          const std::int64_t joined = rng_.chance(70) ? ms : ms + rng_.between(1, dim - 1);
          const std::int64_t born = born_aged(18, 55, ms);
          std::string name = random_name();
          if (joined <= as_of_) {
            hires_.push_back(Member{{}, std::move(name), Role::kEmployee, born, joined, kNever});
          }
        }
      }
      for (Member &h : hires_) {
        add(Role::kEmployee, std::move(h.name), h.born, h.joined);
      }
      if (kind == "familiar" && spouse_active(ms) && age_on(members_of_[0].born, ms) < 45 &&
          rng_.between(1, 1000) <= 12) {
        // A newborn, enrolled within the weeks after birth.
        const std::int64_t born = ms + rng_.between(0, dim - 1);
        const std::int64_t joined = born + rng_.between(0, 25);
        std::string name = child_name(holder_surname_, spouse_surname_);
        if (joined <= as_of_) {
          add(Role::kChild, std::move(name), born, joined);
        }
      }
    }

    std::int64_t on_as_of = 0;
    for (const Member &mb : members_of_) {
      on_as_of += mb.active_on(as_of_) ? 1 : 0;
      mbuf_ += mb.id;
      mbuf_ += ',';
      mbuf_ += contract_id;
      mbuf_ += ',';
      mbuf_ += mb.name; // from the name lists: no comma or quote to escape
      mbuf_ += ',';
      mbuf_ += sdk::format_iso_date(mb.born);
      mbuf_ += ',';
      mbuf_ += sdk::format_iso_date(mb.joined);
      mbuf_ += ',';
      if (mb.left != kNever) {
        mbuf_ += sdk::format_iso_date(mb.left);
      }
      mbuf_ += '\n';
      ++written_;
    }
    flush_if_full(mbuf_, members_);
    return std::max<std::int64_t>(1, on_as_of);
  }

  // Writes the lines of the contract's invoice issued on `issue` and returns their sum, the
  // invoice's amount: a fee per member active on the issue date (by plan, year and the
  // member's age band that day), the prorated part of last month for members who joined or
  // left during it, and now and then interest on a payment made late last month.
  std::int64_t invoice(std::string_view invoice_id, std::int64_t issue) {
    const sdk::CivilDate c = sdk::civil_from_days(issue);
    const auto year = static_cast<std::size_t>(std::min<int>(c.year - first_year_, 10));
    const std::string_view plan = kPlans[plan_];
    fee_text_.assign("Cuota ").append(kMonthNames[c.month - 1]).append(" ");
    append_number(fee_text_, static_cast<std::uint64_t>(c.year), 4);
    std::int64_t total = 0;
    int line_no = 0;
    for (const Member &mb : members_of_) {
      if (!mb.active_on(issue)) {
        continue;
      }
      const std::size_t band = band_of(age_on(mb.born, issue));
      const std::int64_t fee = tariff_[plan_][year][band];
      append_line(invoice_id, ++line_no, mb.id, "fee", plan, kBands[band], fee_text_, fee);
      total += fee;
    }

    // Last month's joins and leaves, settled on this invoice.
    extra_.clear();
    if (prev_issue_ != 0) {
      const std::int64_t ps = prev_issue_;
      const sdk::CivilDate pc = sdk::civil_from_days(ps);
      const auto dim = static_cast<std::int64_t>(sdk::days_in_month(pc.year, pc.month));
      const std::int64_t pe = ps + dim - 1;
      const auto prev_year = static_cast<std::size_t>(std::min<int>(pc.year - first_year_, 10));
      for (const Member &mb : members_of_) {
        const bool joined_in = mb.joined > ps && mb.joined <= pe;
        const bool left_in = mb.left >= ps && mb.left < pe;
        if (!joined_in && !left_in) {
          continue;
        }
        const std::int64_t from = std::max(mb.joined, ps);
        const std::int64_t to = std::min(mb.left, pe);
        const std::int64_t covered = to >= from ? to - from + 1 : 0;
        const std::size_t band = band_of(age_on(mb.born, ps));
        const std::int64_t fee = tariff_[plan_][prev_year][band];
        const std::int64_t billed = mb.active_on(ps) ? fee : 0;
        const std::int64_t amount = fee * covered / dim / 100 * 100 - billed;
        if (amount == 0) {
          continue;
        }
        Extra e{&mb, "adjustment", kBands[band], {}, amount};
        e.text = "Prorrata ";
        if (joined_in) {
          e.text += "ingreso ";
          append_dmy(e.text, mb.joined);
        }
        if (left_in) {
          e.text += joined_in ? " y retiro " : "retiro ";
          append_dmy(e.text, mb.left);
        }
        e.text += ": ";
        append_number(e.text, static_cast<std::uint64_t>(covered), 1);
        e.text += " de ";
        append_number(e.text, static_cast<std::uint64_t>(dim), 1);
        e.text += " días cubiertos";
        extra_.push_back(std::move(e));
      }
      for (const Paid &p : payments_) {
        if (p.paid_on < ps || p.paid_on >= issue || p.paid_on <= p.due || !rng_.chance(kInterestPercent)) {
          continue;
        }
        const std::int64_t days = p.paid_on - p.due;
        const std::int64_t interest = p.amount * kMoraPerMonth * days / 3000 / 100 * 100;
        if (interest <= 0) {
          continue;
        }
        Extra e{nullptr, "interest", "", "Intereses de mora factura ", interest};
        e.text += p.invoice_id;
        e.text += ": ";
        append_number(e.text, static_cast<std::uint64_t>(days), 1);
        e.text += " días";
        extra_.push_back(std::move(e));
      }
    }
    std::int64_t extras = 0;
    for (const Extra &e : extra_) {
      extras += e.amount;
    }
    // What is given back never exceeds what is billed: an ERP would carry the rest as a credit.
    const bool drop_credits = total + extras <= 0;
    for (const Extra &e : extra_) {
      if (drop_credits && e.amount < 0) {
        continue;
      }
      append_line(invoice_id, ++line_no, e.member != nullptr ? std::string_view(e.member->id) : std::string_view(),
                  e.kind, plan, e.band, e.text, e.amount);
      total += e.amount;
    }
    prev_issue_ = issue;
    flush_if_full(lbuf_, lines_);
    return total;
  }

  // A payment of the contract's invoice, for the interest a later invoice may bill on it.
  void paid(std::string_view invoice_id, std::int64_t due, std::int64_t paid_on, std::int64_t amount) {
    payments_.push_back(Paid{std::string(invoice_id), due, paid_on, amount});
  }

  void commit() {
    members_.write(mbuf_);
    members_.commit();
    lines_.write(lbuf_);
    lines_.commit();
  }

  [[nodiscard]] std::uint64_t members() const { return written_; }
  [[nodiscard]] std::uint64_t lines() const { return lines_written_; }

private:
  struct Extra {
    const Member *member = nullptr;
    const char *kind = ""; // the line's concept
    const char *band = "";
    std::string text;
    std::int64_t amount = 0;
  };
  struct Paid {
    std::string invoice_id;
    std::int64_t due = 0;
    std::int64_t paid_on = 0;
    std::int64_t amount = 0;
  };

  std::string random_name() {
    std::string name = rng_.pick(kFirstNames);
    name.append(" ").append(rng_.pick(kLastNames)).append(" ").append(rng_.pick(kLastNames));
    return name;
  }

  std::string child_name(const std::string &first_surname, const std::string &second_surname) {
    return std::string(rng_.pick(kFirstNames)) + " " + first_surname + " " + second_surname;
  }

  // A birth date that makes someone lo to hi years old on `at`.
  std::int64_t born_aged(int lo, int hi, std::int64_t at) {
    const std::int64_t years = rng_.between(lo, hi);
    return add_months(at, -static_cast<int>(years * 12), 1) - rng_.between(0, 364);
  }

  bool spouse_active(std::int64_t day) const {
    return std::any_of(members_of_.begin(), members_of_.end(),
                       [&](const Member &mb) { return mb.role == Role::kSpouse && mb.active_on(day); });
  }

  void append_line(std::string_view invoice_id, int line_no, std::string_view member, const char *line_concept,
                   std::string_view plan, const char *band, std::string_view description, std::int64_t amount) {
    lbuf_ += invoice_id;
    lbuf_ += ',';
    append_number(lbuf_, static_cast<std::uint64_t>(line_no), 1);
    lbuf_ += ',';
    lbuf_ += member;
    lbuf_ += ',';
    lbuf_ += line_concept;
    lbuf_ += ',';
    lbuf_ += plan;
    lbuf_ += ',';
    lbuf_ += band;
    lbuf_ += ',';
    lbuf_ += description; // fixed words, dates and numbers: no comma or quote to escape
    lbuf_ += ',';
    sdk::append_pesos_plain(lbuf_, amount);
    lbuf_ += '\n';
    ++lines_written_;
  }

  Rng rng_;
  std::int64_t as_of_;
  int first_year_;
  std::int64_t first_issue_;
  OutFile members_;
  OutFile lines_;
  std::string mbuf_;
  std::string lbuf_;
  std::array<std::array<std::array<std::int64_t, 4>, 11>, 3> tariff_{};
  std::size_t plan_ = 0;
  std::vector<Member> members_of_;
  std::vector<Member> hires_;
  std::vector<Paid> payments_;
  std::vector<Extra> extra_;
  std::string fee_text_;
  std::string holder_surname_;
  std::string spouse_surname_;
  std::int64_t prev_issue_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t lines_written_ = 0;
};

} // namespace

GeneratedCounts generate_company(const GeneratorOptions &o, const fs::path &out,
                                 const std::function<void(std::uint64_t, std::uint64_t)> &progress) {
  if (o.customers == 0 || o.months < 1 || o.months > 120) {
    runtime::usage_error("host generate: --customers must be at least 1 and --months 1 to 120");
  }
  if (o.bank_files && o.bank_entries == 1) {
    runtime::usage_error("host generate: --bank-entries must be at least 2 (a credit in each bank file)");
  }
  fs::create_directories(out);
  OutFile customers(out, "customers.csv",
                    "customer_id,id_type,id_number,name,email,phone,address,city,agency,advisor\n");
  OutFile contracts(out, "contracts.csv", "contract_id,customer_id,kind,plan,members,start_date,status,company\n");
  OutFile invoices(out, "invoices.csv", "invoice_id,customer_id,contract_id,issue_date,due_date,amount\n");
  OutFile payments(out, "payments.csv", "payment_id,customer_id,date,amount,method,reference,invoice_id\n");
  GeneratedCounts n;
  Rng rng(o.seed);
  const std::int64_t first_issue = add_months(o.as_of, -(o.months - 1), 1);
  std::uint64_t invoice_seq = 0;
  std::uint64_t payment_seq = 0;
  char buf[512];
  Ledger ledger; // filled only for the bank files
  const bool bank = o.bank_files;
  std::optional<MemberBook> book;
  if (o.members) {
    book.emplace(o, out, first_issue);
  }

  for (std::uint64_t i = 1; i <= o.customers; ++i) {
    const bool company = rng.chance(22);
    const std::string customer_id =
        (std::snprintf(buf, sizeof buf, "C%07llu", static_cast<unsigned long long>(i)), buf);
    std::string name;
    std::string id_type;
    std::string id_number;
    std::string email;
    std::string surname; // a person's first surname, which their children carry
    if (company) {
      name = std::string(rng.pick(kCompanyKinds)) + " " + rng.pick(kCompanyWords) + " S.A.S.";
      const std::string nit = std::to_string(800000000 + rng.between(0, 199999999));
      id_type = "NIT";
      id_number = nit + "-" + std::to_string(*sdk::nit_check_digit(nit));
      email = "cartera@" + ascii_lower(name.substr(0, name.find(' '))) + std::to_string(i) + ".com.co";
    } else {
      const std::string first = rng.pick(kFirstNames);
      const std::string last1 = rng.pick(kLastNames);
      const std::string last2 = rng.pick(kLastNames);
      name = first + " " + last1 + " " + last2;
      surname = last1;
      id_type = "CC";
      id_number = std::to_string(rng.between(10000000, 1199999999));
      email = ascii_lower(first) + "." + ascii_lower(last1) + std::to_string(i) + "@correo.com.co";
    }
    if (bank) {
      // Banks report a NIT without its check digit (the payer's own bank decides how to add it).
      ledger.customers.push_back(BankCustomer{name, id_number.substr(0, id_number.find('-')), company});
    }
    const std::string city = rng.pick(kCities);
    const std::string agency = "AG-" + ascii_lower(city);
    std::snprintf(buf, sizeof buf, "AS-%02lld", static_cast<long long>(rng.between(1, 24)));
    const std::string advisor = buf;
    std::snprintf(buf, sizeof buf, "3%02lld %03lld %04lld", static_cast<long long>(rng.between(0, 50)),
                  static_cast<long long>(rng.between(100, 999)), static_cast<long long>(rng.between(0, 9999)));
    const std::string phone = buf;
    std::snprintf(buf, sizeof buf, "Calle %lld # %lld-%lld", static_cast<long long>(rng.between(1, 170)),
                  static_cast<long long>(rng.between(1, 120)), static_cast<long long>(rng.between(1, 99)));
    customers += customer_id + "," + id_type + "," + id_number + "," + sdk::csv_field(name) + "," + email + "," +
                 phone + "," + sdk::csv_field(buf) + "," + sdk::csv_field(city) + "," + agency + "," + advisor + "\n";
    ++n.customers;

    // One contract per customer: companies hold collective contracts.
    const std::string kind = company ? "colectivo" : (rng.chance(65) ? "familiar" : "individual");
    const std::int64_t members =
        kind == "colectivo" ? rng.between(8, 120) : (kind == "familiar" ? rng.between(2, 6) : 1);
    const auto plan = static_cast<std::size_t>(rng.between(0, 2));
    const std::string contract_id = "K" + customer_id.substr(1);
    const std::int64_t start = add_months(first_issue, -static_cast<int>(rng.between(0, 36)), 1);
    const Habit habit = habit_for(rng);
    const std::string status = habit == Habit::kFarInArrears ? "suspendido" : "activo";
    const char *company_id = rng.pick(kCompanies);
    // With members, the contract counts those it has on as_of.
    const std::int64_t member_count =
        book ? book->start_contract(kind, members, contract_id, plan, start, o.months, name, surname) : members;
    contracts += contract_id + "," + customer_id + "," + kind + "," + kPlans[plan] + "," +
                 std::to_string(member_count) + "," + sdk::format_iso_date(start) + "," + status + "," + company_id +
                 "\n";
    ++n.contracts;

    const int stop_after = habit == Habit::kStopped        ? static_cast<int>(rng.between(o.months - 4, o.months - 2))
                           : habit == Habit::kFarInArrears ? static_cast<int>(rng.between(1, std::max(1, o.months - 8)))
                                                           : o.months;
    const std::string method = rng.pick(kMethods);
    for (int m = 0; m < o.months; ++m) {
      const std::int64_t issue = add_months(first_issue, m, 1);
      const sdk::CivilDate billed = sdk::civil_from_days(issue);
      const std::int64_t due = issue + sdk::days_in_month(billed.year, billed.month) - 1; // the month's last day
      // The yearly increase each January (about 9 %, the kind of figure a tariff study sets).
      const sdk::CivilDate ci = sdk::civil_from_days(issue);
      const int years = ci.year - sdk::civil_from_days(first_issue).year;
      std::int64_t fee = kPlanFee[plan] * members;
      for (int y = 0; y < years; ++y) {
        fee = fee * 109 / 100;
      }
      fee = fee / 100 * 100; // whole pesos
      std::snprintf(buf, sizeof buf, "F%09llu", static_cast<unsigned long long>(++invoice_seq));
      const std::string invoice_id = buf;
      if (book) {
        fee = book->invoice(invoice_id, issue); // the sum of its lines
      }
      invoices += invoice_id + "," + customer_id + "," + contract_id + "," + sdk::format_iso_date(issue) + "," +
                  sdk::format_iso_date(due) + "," + sdk::format_pesos_plain(fee) + "\n";
      ++n.invoices;
      if (bank) {
        // Open until the payment below, if any, says otherwise.
        ledger.open.push_back(OpenInvoice{invoice_seq, static_cast<std::size_t>(i - 1), fee});
      }

      if (!o.payments || m >= stop_after) {
        continue;
      }
      std::int64_t paid_on = due - rng.between(0, 10);
      std::int64_t amount = fee;
      if (habit == Habit::kLate) {
        paid_on = due + rng.between(5, 75);
      } else if (habit == Habit::kPartial && rng.chance(40)) {
        amount = fee * rng.between(30, 90) / 100 / 100 * 100;
      }
      if (paid_on > o.as_of || amount <= 0) {
        continue; // not paid yet at the date the export is taken
      }
      std::snprintf(buf, sizeof buf, "P%09llu", static_cast<unsigned long long>(++payment_seq));
      payments += std::string(buf) + "," + customer_id + "," + sdk::format_iso_date(paid_on) + "," +
                  sdk::format_pesos_plain(amount) + "," + method + ",REF-" + invoice_id + "," + invoice_id + "\n";
      ++n.payments;
      if (book) {
        book->paid(invoice_id, due, paid_on, amount);
      }
      if (bank) {
        ledger.open.back().balance -= amount;
        if (ledger.open.back().balance == 0) {
          ledger.open.pop_back();
        }
      }
    }
    if (progress && (i % 1000 == 0 || i == o.customers)) {
      progress(i, o.customers);
    }
  }
  customers.commit();
  contracts.commit();
  invoices.commit();
  payments.commit();
  if (book) {
    book->commit();
    n.members = book->members();
    n.invoice_lines = book->lines();
  }
  if (bank) {
    write_bank_files(o, ledger, out, n);
  }
  return n;
}

} // namespace cartera::reference
