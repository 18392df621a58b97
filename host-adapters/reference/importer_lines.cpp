// The invoice lines of an import (importer.hpp): each line checked against its invoice (in the
// files or the database) and its member, the line numbers of each invoice unique, and the lines
// of each invoice adding up to its amount.
#include "reference/importer.hpp"

#include "base/failure.hpp"
#include "reference/import_checks.hpp"

#include <cartera/sdk/money.hpp>

#include <algorithm>

namespace cartera::reference {

using runtime::refuse_input;

void Importer::read_invoice_lines() {
  lin = Table{"ref_invoice_line",
              {"invoice_id", "line_no"},
              {"invoice_id", "member_id", "concept", "plan", "age_band", "description"},
              {"line_no", "amount"},
              {"member_id"},
              {},
              {}};
  lin.init();
  int any = 0;
  s << "SELECT COUNT(*) FROM (SELECT 1 FROM ref_invoice_line LIMIT 1) t", soci::into(any);
  db_had_lines = any != 0;
  for (std::size_t r = 0; r < lines.rows(); ++r) {
    require_id(lines, r, "invoice_id");
    const std::string_view invoice = lines.get(r, "invoice_id");
    auto it = invoice_facts.find(std::string(invoice));
    if (it == invoice_facts.end()) {
      const std::string id(invoice);
      InvoiceFacts facts;
      soci::indicator ind = soci::i_null;
      long long amount = 0;
      s << "SELECT customer_id, COALESCE(contract_id, ''), amount FROM ref_invoice WHERE invoice_id = :i",
          soci::into(facts.customer, ind), soci::into(facts.contract), soci::into(amount), soci::use(id);
      if (ind != soci::i_ok) {
        lines.refuse(r, "invoice_id", "unknown invoice (not in invoices.csv nor in the database)");
      }
      facts.amount = amount;
      it = invoice_facts.emplace(id, std::move(facts)).first;
    }
    InvoiceFacts &facts = it->second;
    if (facts.line_nos.empty()) {
      lined.emplace_back(&it->first, &facts);
    }
    const long long line_no = whole_or_refuse(lines, r, "line_no", 1, "a whole line number, at least 1");
    facts.line_nos.emplace_back(line_no, r);
    const std::string_view member = lines.get(r, "member_id");
    if (!member.empty()) {
      const auto m = member_contract.find(std::string(member));
      if (m == member_contract.end()) {
        lines.refuse(r, "member_id", "unknown member (not in members.csv nor in the database)");
      }
      if (facts.contract.empty()) {
        lines.refuse(r, "member_id", "the invoice names no contract; the member belongs to contract " + m->second);
      }
      if (m->second != facts.contract) {
        lines.refuse(r, "member_id",
                     "the member belongs to contract " + m->second + ", the invoice to " + facts.contract);
      }
    }
    const std::string_view line_concept = lines.get(r, "concept");
    if (line_concept != "fee" && line_concept != "adjustment" && line_concept != "interest" &&
        line_concept != "other") {
      lines.refuse(r, "concept", "expected fee, adjustment, interest or other");
    }
    if (line_concept == "fee") {
      require_text(lines, r, "plan"); // a fee is a plan's tariff
    }
    require_text(lines, r, "description");
    // Signed: an adjustment may give back part of a month.
    const auto amount = amount_or_refuse(lines, r, "amount", true, true);
    cartera::sdk::accumulate_centavos(facts.lines_sum, amount);
    facts.last_line_row = r;
    const std::vector<std::string_view> row = {
        invoice, member, line_concept, lines.get(r, "plan"), lines.get(r, "age_band"), lines.get(r, "description")};
    for (std::size_t c = 0; c < row.size(); ++c) {
      lin.texts[c].push_back(row[c]);
    }
    lin.ints[0].push_back(line_no);
    lin.ints[1].push_back(amount);
  }
  refuse_repeated_line_numbers();
  // An invoice's lines add up to its amount. When the database held no lines before, the
  // files hold every line there will be and this is the whole check; otherwise the database
  // is checked after writing (below), with what it already had.
  if (!db_had_lines) {
    for (const auto &[id, facts] : lined) {
      if (facts->lines_sum != facts->amount) {
        lines.refuse(facts->last_line_row, "amount", lines_do_not_add_up(*id, *facts, facts->lines_sum));
      }
    }
  }
  report.invoice_lines.read = lines.rows();
}

// A line number twice in one invoice: the second time it comes is the one refused. Lines
// usually come in order, which needs no sorting to see.
void Importer::refuse_repeated_line_numbers() const {
  std::size_t worst = static_cast<std::size_t>(-1);
  std::size_t first_of_worst = 0;
  const std::string *worst_invoice = nullptr;
  for (const auto &[id, facts] : lined) {
    const auto &nos = facts->line_nos;
    if (std::adjacent_find(nos.begin(), nos.end(), [](const auto &a, const auto &b) { return a.first >= b.first; }) ==
        nos.end()) {
      continue;
    }
    auto sorted = nos;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t k = 1; k < sorted.size(); ++k) {
      if (sorted[k].first == sorted[k - 1].first && sorted[k].second < worst) {
        worst = sorted[k].second;
        first_of_worst = sorted[k - 1].second;
        worst_invoice = id;
      }
    }
  }
  if (worst_invoice != nullptr) {
    lines.refuse(worst, "line_no",
                 "duplicate line " + std::string(lines.get(worst, "line_no")) + " of invoice " + *worst_invoice +
                     " (first on line " + std::to_string(lines.line(first_of_worst)) + ")");
  }
}

std::string Importer::lines_do_not_add_up(const std::string &invoice, const InvoiceFacts &facts, std::int64_t sum) {
  return "the lines of invoice " + invoice + " add up to " + sdk::format_pesos_plain(sum) + ", its amount is " +
         sdk::format_pesos_plain(facts.amount);
}

// With the lines an earlier import left: every invoice that has lines is their sum (an
// invoice whose amount changed while its lines did not, or a line added to an invoice's).
void Importer::refuse_lines_not_adding_up_in_database(sql::WriteTransaction &tr) {
  long long amount = 0;
  if (db_had_lines && (invoices.rows() > 0 || lines.rows() > 0)) {
    std::string invoice;
    long long sum = 0;
    soci::indicator found = soci::i_null;
    s << "SELECT i.invoice_id, i.amount, l.total FROM ref_invoice i "
         "JOIN (SELECT invoice_id, SUM(amount) AS total FROM ref_invoice_line GROUP BY invoice_id) l "
         "ON l.invoice_id = i.invoice_id WHERE l.total <> i.amount ORDER BY i.invoice_id LIMIT 1",
        soci::into(invoice, found), soci::into(amount), soci::into(sum);
    if (found == soci::i_ok) {
      tr.rollback();
      const InvoiceFacts &facts = invoice_facts[invoice];
      InvoiceFacts db_facts = facts;
      db_facts.amount = amount;
      const std::string why = lines_do_not_add_up(invoice, db_facts, sum) + " (with the lines already imported)";
      if (!facts.line_nos.empty()) {
        lines.refuse(facts.last_line_row, "amount", why);
      }
      if (facts.row != static_cast<std::size_t>(-1)) {
        invoices.refuse(facts.row, "amount", why);
      }
      refuse_input("invoice_lines: " + why); // neither in this export: not reachable
    }
  }
}

} // namespace cartera::reference
