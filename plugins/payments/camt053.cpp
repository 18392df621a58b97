#include "camt053.hpp"
#include "xml_names.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments {

namespace {

constexpr std::string_view kIsoNamespace = "urn:iso:std:iso:20022:tech:xsd:";
constexpr std::string_view kStatementNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";

// Offsets into the file's bytes as 1-based lines, for refusals people can find in an editor
// and for each entry's line. Entries ask in file order, so each answer counts on from the last
// one: one pass over the file in all, and no table of its newlines (a 90 MB statement has
// millions). A refusal may ask further back; that recounts from the start, once.
class LineIndex {
public:
  explicit LineIndex(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] std::uint64_t line_at(std::size_t offset) const {
    offset = std::min(offset, bytes_.size());
    if (offset < counted_to_) {
      counted_to_ = 0;
      line_ = 1;
    }
    line_ += static_cast<std::uint64_t>(std::count(bytes_.begin() + static_cast<std::ptrdiff_t>(counted_to_),
                                                   bytes_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    counted_to_ = offset;
    return line_;
  }

private:
  std::string_view bytes_;
  mutable std::size_t counted_to_ = 0;
  mutable std::uint64_t line_ = 1;
};

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string trim_xml_space(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_xml_space(s.back())) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

pugi::xml_node descend(pugi::xml_node node, std::initializer_list<std::string_view> path) {
  for (const std::string_view step : path) {
    if (!node) {
      break;
    }
    node = child(node, step);
  }
  return node;
}

std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) {
      out.push_back(c);
    }
  }
  return out;
}

// All of the element's own text, trimmed: a comment inside a value splits it into several
// PCDATA nodes, and XSD decimals and codes collapse surrounding whitespace.
std::string text_of(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    }
  }
  return trim_xml_space(out);
}

bool is_currency_code(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Key parts are joined with ':' and batch indexes with '#'; escaping both (and '%') keeps two
// different movements from spelling the same key by accident.
std::string escape_key_part(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case ':':
      out += "%3A";
      break;
    case '#':
      out += "%23";
      break;
    default:
      out += c;
    }
  }
  return out;
}

struct Party {
  std::string name;
  std::string id;
  [[nodiscard]] bool empty() const { return name.empty() && id.empty(); }
};

// .02 puts the name right under Dbtr/Cdtr; .08 wraps the party in Pty (Party40Choice).
Party party_of(pugi::xml_node related_parties, std::string_view role) {
  pugi::xml_node p = child(related_parties, role);
  if (!p) {
    return {};
  }
  if (pugi::xml_node pty = child(p, "Pty")) {
    p = pty;
  }
  Party r;
  r.name = text_of(child(p, "Nm"));
  for (const std::string_view kind : {"OrgId", "PrvtId"}) {
    if (pugi::xml_node id = descend(p, {"Id", kind, "Othr", "Id"})) {
      r.id = text_of(id);
      break;
    }
  }
  return r;
}

// "PMNT-RCDT-ESCT" from the ISO domain/family/sub-family; banks that only send a proprietary
// code get that code, which still tells a cheque from a transfer to whoever reads it.
std::string transaction_code(pugi::xml_node bank_code) {
  if (!bank_code) {
    return {};
  }
  if (pugi::xml_node domain = child(bank_code, "Domn")) {
    return text_of(child(domain, "Cd")) + "-" + text_of(descend(domain, {"Fmly", "Cd"})) + "-" +
           text_of(descend(domain, {"Fmly", "SubFmlyCd"}));
  }
  return text_of(descend(bank_code, {"Prtry", "Cd"}));
}

struct Statement {
  std::string id;
  std::string account;
  std::string currency; // Acct/Ccy, else the first amount's
  pugi::xml_node currency_node;
  bool currency_from_account = false;
  std::optional<std::int64_t> opening;
  bool opening_is_opbd = false;
  std::optional<std::int64_t> closing;
  pugi::xml_node closing_node;
  std::int64_t total = 0; // booked entries, signed
  // What TxsSummry can be compared with: entries counted and summed (unsigned), all of them and
  // the booked ones alone (banks differ on whether pending entries are in the summary).
  struct Tally {
    std::int64_t count = 0;
    std::int64_t sum = 0;
  };
  Tally all_entries, all_credits, all_debits;
  Tally booked_entries, booked_credits, booked_debits;
  std::int64_t booked_net = 0;
  std::int64_t all_net = 0;
  bool all_amounts_known = true; // false when a pending entry's amount could not be read
};

class Camt053Reader {
public:
  explicit Camt053Reader(std::string_view bytes) : bytes_(bytes), lines_(bytes) {}

  BankFile read() {
    check_bytes();
    const pugi::xml_node root = load();
    check_root(root);
    const pugi::xml_node message = child(root, "BkToCstmrStmt");
    if (!message) {
      refuse(root, "BkToCstmrStmt", "", "missing: a camt.053 Document holds a BkToCstmrStmt");
    }
    const std::vector<pugi::xml_node> statement_nodes = children(message, "Stmt");
    if (statement_nodes.empty()) {
      refuse(message, "Stmt", "", "missing: the file holds no statement");
    }
    file_.format = "camt053";
    std::vector<Statement> statements;
    statements.reserve(statement_nodes.size());
    for (const pugi::xml_node s : statement_nodes) {
      statements.push_back(read_statement(s));
    }
    file_.statement_id = statements.front().id;

    // The file-level balances only mean something when opening + all entries = closing holds for
    // the file as a whole: every statement checked, and each starting where the previous ended.
    bool chained = true;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      const Statement &s = statements[i];
      if (!s.opening || !s.closing || (i > 0 && *s.opening != *statements[i - 1].closing)) {
        chained = false;
      }
    }
    if (chained) {
      file_.has_balances = true;
      file_.opening_balance = *statements.front().opening;
      file_.closing_balance = *statements.back().closing;
    }
    return std::move(file_);
  }

private:
  [[nodiscard]] std::uint64_t line_of(pugi::xml_node node) const {
    return lines_.line_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug())));
  }

  [[noreturn]] void refuse(pugi::xml_node at, std::string field, std::string value, const std::string &reason) const {
    throw BankFileError(line_of(at), std::move(field), std::move(value), reason);
  }

  // A short, single-line piece of the file from offset, cut on a character boundary.
  [[nodiscard]] std::string excerpt(std::size_t offset) const {
    if (offset >= bytes_.size()) {
      return {};
    }
    std::size_t end = offset;
    while (end < bytes_.size() && end - offset < 40 && bytes_[end] != '\n' && bytes_[end] != '\r') {
      ++end;
    }
    while (end > offset && end < bytes_.size() && (static_cast<unsigned char>(bytes_[end]) & 0xC0u) == 0x80u) {
      --end;
    }
    return std::string(bytes_.substr(offset, end - offset));
  }

  // The element a byte offset is inside, by its last start tag: the field of a refusal found by
  // scanning bytes before parsing.
  [[nodiscard]] std::string element_at(std::size_t offset) const {
    const std::size_t open = bytes_.rfind('<', offset);
    if (open == std::string_view::npos || open + 1 >= bytes_.size() || bytes_[open + 1] == '/' ||
        bytes_[open + 1] == '!' || bytes_[open + 1] == '?') {
      return "XML";
    }
    std::size_t end = open + 1;
    while (end < bytes_.size() && !is_xml_space(bytes_[end]) && bytes_[end] != '>' && bytes_[end] != '/') {
      ++end;
    }
    std::string_view name = bytes_.substr(open + 1, end - open - 1);
    if (const std::size_t colon = name.find(':'); colon != std::string_view::npos) {
      name.remove_prefix(colon + 1);
    }
    return name.empty() ? std::string("XML") : std::string(name);
  }

  // The XML declaration's encoding, when it names one: only UTF-8 is read, and a file that says
  // it is something else is not silently read as UTF-8.
  void check_declared_encoding() const {
    const std::size_t start = bytes_.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    if (bytes_.substr(start, 5) != "<?xml") {
      return;
    }
    const std::size_t end = bytes_.find("?>", start);
    const std::string_view decl = bytes_.substr(start, end == std::string_view::npos ? 200 : end - start);
    const std::size_t at = decl.find("encoding");
    if (at == std::string_view::npos) {
      return;
    }
    const std::size_t q = decl.find_first_of("\"'", at);
    if (q == std::string_view::npos) {
      return; // malformed: pugixml says so
    }
    const std::size_t close = decl.find(decl[q], q + 1);
    const std::string value(decl.substr(q + 1, close == std::string_view::npos ? 0 : close - q - 1));
    std::string upper = value;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });
    if (upper != "UTF-8" && upper != "UTF8") {
      throw BankFileError(lines_.line_at(start + at), "encoding", value,
                          "the file declares the encoding " + value +
                              "; cartera reads ISO 20022 files in UTF-8 only (ask the bank for UTF-8, or convert "
                              "the file and its declaration)");
    }
  }

  // C0 control characters: raw (not XML at all) or as character references, which pugixml would
  // decode into the text (&#0; would cut it short). Tab, newline and carriage return are XML's
  // own whitespace and pass.
  void check_control_chars() const {
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
      const auto c = static_cast<unsigned char>(bytes_[i]);
      if (c > '&') {
        continue; // letters, digits, markup: one comparison for almost every byte of a 90 MB file
      }
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        throw BankFileError(lines_.line_at(i), element_at(i), sdk::describe_control_char(c),
                            "control character " + sdk::describe_control_char(c) + " at byte " + std::to_string(i) +
                                ": XML 1.0 allows no C0 control but tab, newline and carriage return");
      }
      if (c != '&' || i + 2 >= bytes_.size() || bytes_[i + 1] != '#') {
        continue;
      }
      const bool hex = bytes_[i + 2] == 'x';
      std::size_t k = i + (hex ? 3 : 2);
      unsigned long value = 0;
      bool digits = false;
      while (k < bytes_.size() && k - i < 16) {
        const char d = bytes_[k];
        int v = -1;
        if (d >= '0' && d <= '9') {
          v = d - '0';
        } else if (hex && d >= 'a' && d <= 'f') {
          v = d - 'a' + 10;
        } else if (hex && d >= 'A' && d <= 'F') {
          v = d - 'A' + 10;
        }
        if (v < 0) {
          break;
        }
        value = value * (hex ? 16 : 10) + static_cast<unsigned long>(v);
        digits = true;
        ++k;
      }
      if (digits && value < 0x20 && value != '\t' && value != '\n' && value != '\r') {
        const std::string ref(bytes_.substr(i, k + 1 - i));
        throw BankFileError(lines_.line_at(i), element_at(i), ref,
                            "character reference " + ref + " is control character " +
                                sdk::describe_control_char(static_cast<unsigned char>(value)) +
                                ": XML 1.0 allows no C0 control but tab, newline and carriage return");
      }
    }
  }

  void check_bytes() const {
    if (bytes_.size() >= 2 &&
        ((bytes_[0] == '\xFF' && bytes_[1] == '\xFE') || (bytes_[0] == '\xFE' && bytes_[1] == '\xFF'))) {
      throw BankFileError(1, "encoding",
                          hex_byte(static_cast<unsigned char>(bytes_[0])) + " " +
                              hex_byte(static_cast<unsigned char>(bytes_[1])),
                          "a UTF-16 byte-order mark: ISO 20022 files are UTF-8 (ask the bank for UTF-8, or convert "
                          "the file)");
    }
    check_declared_encoding();
    if (const std::size_t bad = sdk::first_invalid_utf8(bytes_); bad != std::string_view::npos) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(bytes_[bad])));
      throw BankFileError(lines_.line_at(bad), "encoding", hex,
                          "byte " + std::to_string(bad) + " (" + hex +
                              ") is not UTF-8; ISO 20022 files are UTF-8 (this one was probably saved as Latin-1 "
                              "or Windows-1252)");
    }
    if (const std::size_t nul = bytes_.find('\0'); nul != std::string_view::npos) {
      throw BankFileError(lines_.line_at(nul), "encoding", "0x00",
                          "byte " + std::to_string(nul) + " is NUL: not a UTF-8 XML file (UTF-16?)");
    }
    check_control_chars();
    // pugixml never expands entities (it is used without parse_doctype), but a file that
    // declares them was built to exploit some parser, and camt.053 needs no DTD: refuse it
    // outright, wherever the declaration is.
    std::size_t at = std::string_view::npos;
    std::string field;
    for (const std::string_view marker : {"<!DOCTYPE", "<!ENTITY"}) {
      const std::size_t found = bytes_.find(marker);
      if (found < at) {
        at = found;
        field = std::string(marker.substr(2));
      }
    }
    if (at != std::string_view::npos) {
      throw BankFileError(lines_.line_at(at), field, excerpt(at),
                          "DOCTYPE and entity declarations are refused: camt.053 needs neither, and entities can "
                          "read local files or expand without bound");
    }
  }

  pugi::xml_node load() {
    const pugi::xml_parse_result result =
        doc_.load_buffer(bytes_.data(), bytes_.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!result) {
      const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, result.offset));
      std::string reason = std::string("malformed XML: ") + result.description();
      // pugixml reports an unclosed document at its last byte; the last line says more there.
      if (offset + 1 >= bytes_.size()) {
        const std::size_t last_line = bytes_.find_last_of('\n', bytes_.empty() ? 0 : bytes_.size() - 2);
        const std::size_t start = last_line == std::string_view::npos ? 0 : last_line + 1;
        throw BankFileError(lines_.line_at(offset), "XML", trim_xml_space(excerpt(start)),
                            reason + " at the end of the file (is it cut short?)");
      }
      throw BankFileError(lines_.line_at(offset), "XML", excerpt(offset), reason);
    }
    // pugixml accepts several top-level elements and stray text; a statement is one Document.
    pugi::xml_node root;
    for (pugi::xml_node c = doc_.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) {
        if (root) {
          refuse(c, std::string(local_name(c.name())), "", "a second top-level element: the file holds one Document");
        }
        root = c;
      } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
        refuse(c, "XML", trim_xml_space(c.value()).substr(0, 40), "text outside the Document element");
      }
    }
    if (!root) {
      throw BankFileError(0, "Document", "", "the file holds no XML element");
    }
    return root;
  }

  void check_root(pugi::xml_node root) const {
    const std::string_view name = root.name();
    if (local_name(root.name()) != "Document") {
      refuse(root, "Document", std::string(name), "the root element is not an ISO 20022 Document");
    }
    const std::size_t colon = name.find(':');
    const std::string xmlns =
        colon == std::string_view::npos ? std::string("xmlns") : "xmlns:" + std::string(name.substr(0, colon));
    const std::string ns = trim_xml_space(root.attribute(xmlns.c_str()).value());
    if (ns.empty()) {
      refuse(root, "Document@xmlns", "", "no namespace: the file does not say it is a camt.053 statement");
    }
    const std::string_view version = std::string_view(ns).substr(std::min(ns.size(), kStatementNamespace.size()));
    if (ns.rfind(kStatementNamespace, 0) == 0 && !version.empty() &&
        std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return;
    }
    std::string reason = "not a camt.053 statement (its namespace is urn:iso:std:iso:20022:tech:xsd:camt.053.001.xx)";
    const std::string iso(kIsoNamespace);
    if (ns.rfind(iso + "camt.054.", 0) == 0) {
      reason = "a camt.054 notification, not a camt.053 statement";
    } else if (ns.rfind(iso + "camt.052.", 0) == 0) {
      reason = "a camt.052 intraday report, not a camt.053 statement";
    }
    refuse(root, "Document@xmlns", ns, reason);
  }

  std::int64_t amount_of(pugi::xml_node amount, const std::string &field) const {
    const std::string text = text_of(amount);
    // xs:decimal: ".6" and "18.150" are amounts; ISO 20022 allows 5 fraction digits, and those
    // past the centavos are accepted when they are zeros.
    const sdk::ParsedAmount parsed = sdk::parse_decimal_pesos(text);
    if (parsed.centavos) {
      return *parsed.centavos;
    }
    std::string reason = sdk::describe(parsed.error);
    if (parsed.error == sdk::AmountError::kTooManyDecimals) {
      reason = "a fraction of a centavo: cartera keeps whole centavos (decimals past the second must be zeros)";
    } else if (parsed.error == sdk::AmountError::kNegative) {
      reason = "a negative amount: camt amounts are unsigned and CdtDbtInd gives the direction";
    }
    refuse(amount, field, text, reason);
  }

  std::string currency_code(pugi::xml_node amount, const std::string &field) const {
    const pugi::xml_attribute attr = amount.attribute("Ccy");
    if (!attr) {
      refuse(amount, field + "@Ccy", "", "missing: every camt amount names its currency");
    }
    std::string code = trim_xml_space(attr.value());
    if (!is_currency_code(code)) {
      refuse(amount, field + "@Ccy", code, "not an ISO 4217 currency code (three uppercase letters)");
    }
    return code;
  }

  // The statement's currency, checked: BankFile carries one currency, and a balance check across
  // currencies would mean nothing.
  std::string statement_currency(pugi::xml_node amount, const std::string &field, Statement &st) const {
    std::string code = currency_code(amount, field);
    if (st.currency.empty()) {
      st.currency = code;
      st.currency_node = amount;
    } else if (code != st.currency) {
      refuse(amount, field + "@Ccy", code,
             st.currency_from_account
                 ? "the account's currency (Acct/Ccy) is " + st.currency
                 : "the statement's other amounts are in " + st.currency + "; cartera reads one currency per file");
    }
    return code;
  }

  // +1 for CRDT, -1 for DBIT, 0 when absent and not required.
  int direction(pugi::xml_node parent, const std::string &field, bool required) const {
    const pugi::xml_node ind = child(parent, "CdtDbtInd");
    if (!ind) {
      if (required) {
        refuse(parent, field, "", "missing: it says whether the amount is a credit (CRDT) or a debit (DBIT)");
      }
      return 0;
    }
    const std::string text = text_of(ind);
    if (text == "CRDT") {
      return 1;
    }
    if (text == "DBIT") {
      return -1;
    }
    refuse(ind, field, text, "must be CRDT or DBIT");
  }

  // Dt, or DtTm of which the date is taken as written: it is the bank's local date, and moving
  // it to UTC would put a Colombian (UTC-5) evening payment on the next day.
  std::optional<std::int64_t> date_choice(pugi::xml_node holder, const std::string &field) const {
    if (!holder) {
      return std::nullopt;
    }
    if (const pugi::xml_node dt = child(holder, "Dt")) {
      const std::string text = text_of(dt);
      const auto days = sdk::parse_iso_date(text);
      if (!days) {
        refuse(dt, field + "/Dt", text, "not a date that exists (YYYY-MM-DD)");
      }
      return days;
    }
    if (const pugi::xml_node dt = child(holder, "DtTm")) {
      const std::string text = text_of(dt);
      const auto days = text.size() > 10 && text[10] == 'T' ? sdk::parse_iso_date(text.substr(0, 10)) : std::nullopt;
      if (!days) {
        refuse(dt, field + "/DtTm", text, "not a date and time that exist (YYYY-MM-DDThh:mm:ss)");
      }
      return days;
    }
    refuse(holder, field, "", "holds neither Dt nor DtTm");
  }

  std::int64_t checked_add(std::int64_t a, std::int64_t b, pugi::xml_node at, const std::string &field) const {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) {
      refuse(at, field, "", "the amounts add up beyond what cartera can hold");
    }
    return sum;
  }

  Statement read_statement(pugi::xml_node stmt) {
    Statement st;
    st.id = text_of(child(stmt, "Id"));
    const pugi::xml_node account = child(stmt, "Acct");
    const pugi::xml_node account_id = child(account, "Id");
    pugi::xml_node account_value = child(account_id, "IBAN");
    if (!account_value) {
      account_value = descend(account_id, {"Othr", "Id"});
    }
    st.account = text_of(account_value);
    if (st.account.empty()) {
      refuse(account_id ? account_id
             : account  ? account
                        : stmt,
             "Stmt/Acct/Id", "", "missing: neither Acct/Id/IBAN nor Acct/Id/Othr/Id names the account");
    }
    if (file_.account.empty()) {
      file_.account = st.account;
    } else if (st.account != file_.account) {
      refuse(account_value, "Stmt/Acct/Id", st.account,
             "the file also holds a statement of account " + file_.account +
                 "; cartera reads one account per file (rare: ask the bank for one file per account)");
    }
    if (const pugi::xml_node ccy = child(account, "Ccy")) {
      st.currency = text_of(ccy);
      if (!is_currency_code(st.currency)) {
        refuse(ccy, "Stmt/Acct/Ccy", st.currency, "not an ISO 4217 currency code (three uppercase letters)");
      }
      st.currency_node = ccy;
      st.currency_from_account = true;
    }

    for (const pugi::xml_node bal : children(stmt, "Bal")) {
      read_balance(bal, st);
    }
    const std::vector<pugi::xml_node> entries = children(stmt, "Ntry");
    file_.entries.reserve(file_.entries.size() + entries.size());
    for (const pugi::xml_node ntry : entries) {
      read_entry(ntry, st);
    }
    check_summary(child(stmt, "TxsSummry"), st);

    if (!st.currency.empty()) {
      if (file_.currency.empty()) {
        file_.currency = st.currency;
      } else if (st.currency != file_.currency) {
        refuse(st.currency_node, st.currency_from_account ? "Stmt/Acct/Ccy" : "Amt@Ccy", st.currency,
               "the file's first statement is in " + file_.currency +
                   "; cartera reads one currency per file (rare: ask the bank for one file per account)");
      }
    }
    if (st.opening && st.closing) {
      const std::int64_t expected = checked_add(*st.opening, st.total, st.closing_node, "Bal/Amt");
      if (expected != *st.closing) {
        refuse(st.closing_node, "Bal/Amt", sdk::format_pesos_plain(*st.closing),
               "statement '" + st.id + "' does not reconcile: opening balance " + sdk::format_pesos_plain(*st.opening) +
                   " + booked entries " + sdk::format_pesos_plain(st.total) + " = " +
                   sdk::format_pesos_plain(expected) + ", but the closing balance (CLBD) is " +
                   sdk::format_pesos_plain(*st.closing));
      }
    }
    return st;
  }

  // A pending or informational entry still counts in a summary that counts every entry: its
  // amount, when it reads, goes to the "all entries" tallies only.
  static void tally_unbooked(pugi::xml_node ntry, Statement &st) {
    const sdk::ParsedAmount parsed = sdk::parse_decimal_pesos(text_of(child(ntry, "Amt")));
    const std::string ind = text_of(child(ntry, "CdtDbtInd"));
    if (!parsed.centavos || (ind != "CRDT" && ind != "DBIT")) {
      st.all_amounts_known = false;
      return;
    }
    const std::int64_t magnitude = *parsed.centavos;
    for (Statement::Tally *t : {&st.all_entries, ind == "CRDT" ? &st.all_credits : &st.all_debits}) {
      ++t->count;
      if (__builtin_add_overflow(t->sum, magnitude, &t->sum)) {
        st.all_amounts_known = false;
      }
    }
    if (__builtin_add_overflow(st.all_net, ind == "CRDT" ? magnitude : -magnitude, &st.all_net)) {
      st.all_amounts_known = false;
    }
  }

  // TxsSummry, when the bank gives it, is the statement's own control record (as Asobancaria's
  // 08 and 09): the number and sum of its entries, of its credits, of its debits, and the net.
  // Each figure given must agree with the entries, counted either with the pending and
  // informational ones or without them (ISO leaves it to the bank; the booked ones are what
  // cartera stores). Entries of 0.00 count, as they are in the file.
  void check_summary(pugi::xml_node summary, const Statement &st) const {
    if (!summary) {
      return;
    }
    struct Part {
      const char *element;
      Statement::Tally booked;
      Statement::Tally all;
    };
    const Part parts[] = {{"TtlNtries", st.booked_entries, st.all_entries},
                          {"TtlCdtNtries", st.booked_credits, st.all_credits},
                          {"TtlDbtNtries", st.booked_debits, st.all_debits}};
    for (const Part &part : parts) {
      const pugi::xml_node node = child(summary, part.element);
      if (!node) {
        continue;
      }
      const std::string base = std::string("TxsSummry/") + part.element;
      if (const pugi::xml_node n = child(node, "NbOfNtries")) {
        const std::string text = text_of(n);
        if (!is_digits(text) || text.size() > 15) {
          refuse(n, base + "/NbOfNtries", text, "not a number of entries");
        }
        const std::int64_t declared = std::stoll(text);
        if (declared != part.booked.count && (!st.all_amounts_known || declared != part.all.count)) {
          refuse(n, base + "/NbOfNtries", text,
                 "statement '" + st.id + "' declares " + text + " but holds " + std::to_string(part.booked.count) +
                     " booked" +
                     (part.all.count != part.booked.count ? " (" + std::to_string(part.all.count) + " in all)" : "") +
                     (part.element == std::string_view("TtlNtries")      ? " entries"
                      : part.element == std::string_view("TtlCdtNtries") ? " credit entries"
                                                                         : " debit entries"));
        }
      }
      if (const pugi::xml_node sum = child(node, "Sum")) {
        const std::string text = text_of(sum);
        const sdk::ParsedAmount parsed = sdk::parse_decimal_pesos(text);
        if (!parsed.centavos) {
          refuse(sum, base + "/Sum", text, sdk::describe(parsed.error));
        }
        if (*parsed.centavos != part.booked.sum && (!st.all_amounts_known || *parsed.centavos != part.all.sum)) {
          refuse(sum, base + "/Sum", text,
                 "statement '" + st.id + "' declares a sum of " + sdk::format_pesos_plain(*parsed.centavos) +
                     " but its booked entries add up to " + sdk::format_pesos_plain(part.booked.sum) +
                     (part.all.sum != part.booked.sum
                          ? " (" + sdk::format_pesos_plain(part.all.sum) + " with the pending ones)"
                          : ""));
        }
      }
    }
    if (const pugi::xml_node net = descend(summary, {"TtlNtries", "TtlNetNtry"})) {
      const pugi::xml_node amount = child(net, "Amt");
      const std::string text = text_of(amount);
      const sdk::ParsedAmount parsed = sdk::parse_decimal_pesos(text);
      if (!amount || !parsed.centavos) {
        refuse(amount ? amount : net, "TxsSummry/TtlNtries/TtlNetNtry/Amt", text,
               amount ? sdk::describe(parsed.error) : "missing");
      }
      const std::int64_t declared = direction(net, "TxsSummry/TtlNtries/TtlNetNtry/CdtDbtInd", true) * *parsed.centavos;
      if (declared != st.booked_net && (!st.all_amounts_known || declared != st.all_net)) {
        refuse(amount, "TxsSummry/TtlNtries/TtlNetNtry/Amt", text,
               "statement '" + st.id + "' declares a net of " + sdk::format_pesos_plain(declared) +
                   " but its booked entries net " + sdk::format_pesos_plain(st.booked_net));
      }
    }
  }

  void read_balance(pugi::xml_node bal, Statement &st) const {
    const std::string type = text_of(descend(bal, {"Tp", "CdOrPrtry", "Cd"}));
    const bool is_opbd = type == "OPBD";
    const bool opening = is_opbd || type == "PRCD";
    const bool closing = type == "CLBD";
    // Interim and available balances (ITBD, CLAV, FWAV...) say nothing the check needs.
    if (!opening && !closing) {
      return;
    }
    const pugi::xml_node amount = child(bal, "Amt");
    if (!amount) {
      refuse(bal, "Bal/Amt", "", "missing: a " + type + " balance without an amount");
    }
    const std::int64_t magnitude = amount_of(amount, "Bal/Amt");
    statement_currency(amount, "Bal/Amt", st);
    const std::int64_t value = direction(bal, "Bal/CdtDbtInd", true) * magnitude;
    // OPBD is the booked opening balance; PRCD (the previous closing) only stands in for it.
    if (opening && (!st.opening || (is_opbd && !st.opening_is_opbd))) {
      st.opening = value;
      st.opening_is_opbd = is_opbd;
    }
    if (closing && !st.closing) {
      st.closing = value;
      st.closing_node = bal;
    }
  }

  void read_entry(pugi::xml_node ntry, Statement &st) {
    const pugi::xml_node status = child(ntry, "Sts");
    if (!status) {
      refuse(ntry, "Ntry/Sts", "",
             "missing: cartera takes only booked (BOOK) entries and cannot tell this one's status");
    }
    const pugi::xml_node status_code = child(status, "Cd"); // .08 and later; .02 has the code as text
    const std::string status_text = text_of(status_code ? status_code : status);
    // Pending (PDNG) and informational (INFO, FUTR) entries are not on the booked balances the
    // statement reconciles, and a pending one comes back as BOOK in a later statement: taking
    // it now would count the same money twice, or money that never arrives.
    if (status_text == "PDNG" || status_text == "INFO" || status_text == "FUTR") {
      tally_unbooked(ntry, st);
      return;
    }
    // Anything else would be skipped without a trace: money the file may well report as booked.
    if (status_text != "BOOK") {
      refuse(status, "Ntry/Sts", status_text, "not an entry status cartera knows (BOOK, PDNG, INFO, FUTR)");
    }

    const pugi::xml_node amount_node = child(ntry, "Amt");
    if (!amount_node) {
      refuse(ntry, "Ntry/Amt", "", "missing: an entry without an amount");
    }
    const std::int64_t magnitude = amount_of(amount_node, "Ntry/Amt");
    const std::string currency = statement_currency(amount_node, "Ntry/Amt", st);
    const int sign = direction(ntry, "Ntry/CdtDbtInd", true);
    const std::int64_t amount = sign * magnitude;
    st.total = checked_add(st.total, amount, amount_node, "Ntry/Amt");
    for (Statement::Tally *t : {&st.booked_entries, &st.all_entries, sign > 0 ? &st.booked_credits : &st.booked_debits,
                                sign > 0 ? &st.all_credits : &st.all_debits}) {
      ++t->count;
      t->sum = checked_add(t->sum, magnitude, amount_node, "Ntry/Amt");
    }
    st.booked_net = st.total;
    st.all_net = checked_add(st.all_net, amount, amount_node, "Ntry/Amt");

    bool reversal = false;
    if (const pugi::xml_node rvsl = child(ntry, "RvslInd")) {
      const std::string text = text_of(rvsl);
      if (text == "true" || text == "1") {
        reversal = true;
      } else if (text != "false" && text != "0") {
        refuse(rvsl, "Ntry/RvslInd", text, "must be true or false");
      }
    }
    const auto booking = date_choice(child(ntry, "BookgDt"), "Ntry/BookgDt");
    if (!booking) {
      refuse(ntry, "Ntry/BookgDt", "", "missing: a booked entry without a booking date");
    }

    // A booked entry of 0.00 moves no money (banks send them for fee waivers and notices): it
    // is not a movement, and the import says which lines it left out.
    if (magnitude == 0) {
      file_.skipped_zero_lines.push_back(line_of(ntry));
      return;
    }

    BankEntry base;
    base.line = line_of(ntry);
    base.account = st.account;
    base.booking_date = *booking;
    base.value_date = date_choice(child(ntry, "ValDt"), "Ntry/ValDt").value_or(*booking);
    base.amount = amount;
    base.currency = currency;
    base.reversal = reversal;
    base.bank_reference = text_of(child(ntry, "AcctSvcrRef"));
    base.channel = transaction_code(child(ntry, "BkTxCd"));
    const std::string entry_ref = base.bank_reference;

    std::vector<pugi::xml_node> transactions;
    for (const pugi::xml_node details : children(ntry, "NtryDtls")) {
      for (const pugi::xml_node tx : children(details, "TxDtls")) {
        transactions.push_back(tx);
      }
    }
    if (transactions.empty()) {
      add(base, escape_key_part(entry_ref));
      return;
    }

    // Some banks repeat a batch or package id in every TxDtls' AcctSvcrRef (the OCA Swiss
    // sample does): only a reference unique within its entry identifies the transaction.
    std::map<std::string, int> tx_ref_count;
    for (const pugi::xml_node tx : transactions) {
      ++tx_ref_count[text_of(descend(tx, {"Refs", "AcctSvcrRef"}))];
    }

    const bool batch = transactions.size() > 1;
    std::int64_t sum = 0;
    struct Pending {
      BankEntry entry;
      std::string reference;
    };
    std::vector<Pending> split;
    for (std::size_t i = 0; i < transactions.size(); ++i) {
      const pugi::xml_node tx = transactions[i];
      BankEntry e = base;
      const int tx_sign = direction(tx, "TxDtls/CdtDbtInd", false);
      const int effective_sign = tx_sign != 0 ? tx_sign : sign;

      // .08 reports TxDtls/Amt in the account's currency; .02 only has AmtDtls/TxAmt/Amt.
      pugi::xml_node tx_amount = child(tx, "Amt");
      std::string tx_field = "TxDtls/Amt";
      if (!tx_amount) {
        tx_amount = descend(tx, {"AmtDtls", "TxAmt", "Amt"});
        tx_field = "TxDtls/AmtDtls/TxAmt/Amt";
      }
      if (batch) {
        if (!tx_amount) {
          refuse(tx, "TxDtls/Amt", "",
                 "missing: an entry of " + std::to_string(transactions.size()) +
                     " transactions needs each one's amount to split it");
        }
        const std::int64_t tx_magnitude = amount_of(tx_amount, tx_field);
        statement_currency(tx_amount, tx_field, st);
        e.amount = effective_sign * tx_magnitude;
        e.line = line_of(tx);
        sum = checked_add(sum, e.amount, tx_amount, tx_field);
      } else if (tx_amount) {
        // A lone transaction's amount may be the one instructed in another currency; only in
        // the account's currency must it agree with the entry, whose amount is what was booked.
        const std::int64_t tx_magnitude = amount_of(tx_amount, tx_field);
        if (currency_code(tx_amount, tx_field) == currency && effective_sign * tx_magnitude != amount) {
          refuse(tx_amount, tx_field, text_of(tx_amount),
                 "the transaction's amount " + sdk::format_pesos_plain(effective_sign * tx_magnitude) +
                     " differs from its entry's " + sdk::format_pesos_plain(amount) + " (line " +
                     std::to_string(base.line) + ")");
        }
      }

      const pugi::xml_node refs = child(tx, "Refs");
      const std::string end_to_end = text_of(child(refs, "EndToEndId"));
      // NOTPROVIDED is the ISO placeholder for "the payer gave none", not an identifier.
      if (end_to_end != "NOTPROVIDED") {
        e.end_to_end_id = end_to_end;
      }
      const std::string tx_ref = text_of(child(refs, "AcctSvcrRef"));
      if (!tx_ref.empty()) {
        e.bank_reference = tx_ref;
      }
      for (const pugi::xml_node info : children(tx, "RmtInf")) {
        for (const pugi::xml_node ustrd : children(info, "Ustrd")) {
          const std::string text = text_of(ustrd);
          if (!text.empty()) {
            e.remittance += (e.remittance.empty() ? "" : " ") + text;
          }
        }
        for (const pugi::xml_node strd : children(info, "Strd")) {
          if (e.structured_reference.empty()) {
            e.structured_reference = text_of(descend(strd, {"CdtrRefInf", "Ref"}));
          }
        }
      }
      // The payer of a credit is its debtor, the payee of a debit its creditor. A reversal
      // reports the original transaction, whose counterparty sits on the other side (a bounced
      // cheque still names the customer as Dbtr) — but banks differ, so it falls back to the
      // side the direction alone would suggest.
      const pugi::xml_node related = child(tx, "RltdPties");
      const bool debtor_side = (effective_sign > 0) != reversal;
      Party party = party_of(related, debtor_side ? "Dbtr" : "Cdtr");
      if (reversal && party.empty()) {
        party = party_of(related, debtor_side ? "Cdtr" : "Dbtr");
      }
      e.payer_name = party.name;
      e.payer_id = party.id;
      if (const std::string code = transaction_code(child(tx, "BkTxCd")); !code.empty()) {
        e.channel = code;
      }

      // Identity: the transaction's own bank reference, else the entry's (with the position in
      // a batch), else the fallback in add().
      std::string reference;
      if (!tx_ref.empty() && tx_ref_count[tx_ref] == 1) {
        reference = escape_key_part(tx_ref);
      } else if (!entry_ref.empty()) {
        reference = escape_key_part(entry_ref) + (batch ? "#" + std::to_string(i) : "");
      }
      split.push_back(Pending{std::move(e), std::move(reference)});
    }
    if (batch && sum != amount) {
      refuse(amount_node, "Ntry/Amt", text_of(amount_node),
             "the entry's amount is " + sdk::format_pesos_plain(amount) + " but its " +
                 std::to_string(transactions.size()) + " transactions (TxDtls) add up to " +
                 sdk::format_pesos_plain(sum));
    }
    for (Pending &p : split) {
      if (p.entry.amount == 0) {
        file_.skipped_zero_lines.push_back(p.entry.line);
        continue;
      }
      add(std::move(p.entry), p.reference);
    }
  }

  // Keys are "camt:" + account + ":" + the bank's reference when there is one. Without any, the
  // fallback is booking date, amount, end-to-end id and remittance, plus n counting identical
  // fallbacks earlier in this file. Its weakness: two genuinely different movements with the
  // same date, amount and texts and no bank reference get the same key when each appears in a
  // different file (say a morning and a full-day statement that overlap), so they are counted
  // once, not twice: the fallback can lose such a twin, it never double counts a re-sent one.
  void add(BankEntry e, const std::string &reference) {
    const std::string prefix = "camt:" + escape_key_part(e.account) + ":";
    if (!reference.empty()) {
      // Banks reuse references (NONREF every day, a batch id): the key names the movement, its
      // identity (bank_file.hpp) adds the date, the amount and the direction, and the position
      // among identical ones of this file.
      e.key = prefix + reference;
    } else {
      const std::string fallback = prefix + sdk::format_iso_date(e.booking_date) + ":" +
                                   sdk::format_pesos_plain(e.amount) + ":" + escape_key_part(e.end_to_end_id) + ":" +
                                   escape_key_part(e.remittance) + ":";
      e.key = fallback + std::to_string(fallback_count_[fallback]++);
    }
    file_.entries.push_back(std::move(e));
  }

  std::string_view bytes_;
  LineIndex lines_;
  pugi::xml_document doc_;
  BankFile file_;
  std::map<std::string, int> fallback_count_;
};

} // namespace

BankFile parse_camt053(std::string_view bytes) {
  check_bank_file_size(bytes);
  BankFile file = Camt053Reader(bytes).read();
  finish_bank_file(file,
                   TextFieldNames{"Stmt/Acct/Id", "Stmt/Id", "AcctSvcrRef", "TxDtls/Refs/EndToEndId", "RmtInf/Ustrd",
                                  "RmtInf/Strd/CdtrRefInf/Ref", "RltdPties/Nm", "RltdPties/Id/Othr/Id", "BkTxCd"});
  return file;
}

} // namespace cartera::payments
