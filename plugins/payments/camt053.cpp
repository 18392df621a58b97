// ISO 20022 camt.053 (camt053.hpp): the walk over the statements of the file, and the values
// every part of the reader reads (amounts, currencies, directions, dates), each refused where it
// stands. The reader's other parts: camt053_reader.hpp.
#include "camt053.hpp"
#include "camt053_reader.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cartera::payments {

namespace camt053 {

BankFile Camt053Reader::read() {
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

std::int64_t Camt053Reader::amount_of(pugi::xml_node amount, const std::string &field) const {
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

std::string Camt053Reader::currency_code(pugi::xml_node amount, const std::string &field) const {
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
std::string Camt053Reader::statement_currency(pugi::xml_node amount, const std::string &field, Statement &st) const {
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
int Camt053Reader::direction(pugi::xml_node parent, const std::string &field, bool required) const {
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
std::optional<std::int64_t> Camt053Reader::date_choice(pugi::xml_node holder, const std::string &field) const {
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

std::int64_t Camt053Reader::checked_add(std::int64_t a, std::int64_t b, pugi::xml_node at,
                                        const std::string &field) const {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    refuse(at, field, "", "the amounts add up beyond what cartera can hold");
  }
  return sum;
}

} // namespace camt053

BankFile parse_camt053(std::string_view bytes) {
  check_bank_file_size(bytes);
  BankFile file = camt053::Camt053Reader(bytes).read();
  finish_bank_file(file,
                   TextFieldNames{"Stmt/Acct/Id", "Stmt/Id", "AcctSvcrRef", "TxDtls/Refs/EndToEndId", "RmtInf/Ustrd",
                                  "RmtInf/Strd/CdtrRefInf/Ref", "RltdPties/Nm", "RltdPties/Id/Othr/Id", "BkTxCd"});
  return file;
}

} // namespace cartera::payments
