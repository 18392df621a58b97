// One camt.053 statement: its account and currency (one of each per file), its opening and
// closing balances, which must reconcile with its booked entries, and its transaction summary
// (TxsSummry), which must agree with its entries.
#include "camt053_reader.hpp"

#include <cartera/sdk/money.hpp>

#include <pugixml.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::payments::camt053 {

Statement Camt053Reader::read_statement(pugi::xml_node stmt) {
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
                 " + booked entries " + sdk::format_pesos_plain(st.total) + " = " + sdk::format_pesos_plain(expected) +
                 ", but the closing balance (CLBD) is " + sdk::format_pesos_plain(*st.closing));
    }
  }
  return st;
}

// A pending or informational entry still counts in a summary that counts every entry: its
// amount, when it reads, goes to the "all entries" tallies only.
void Camt053Reader::tally_unbooked(pugi::xml_node ntry, Statement &st) {
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
void Camt053Reader::check_summary(pugi::xml_node summary, const Statement &st) const {
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

void Camt053Reader::read_balance(pugi::xml_node bal, Statement &st) const {
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

} // namespace cartera::payments::camt053
