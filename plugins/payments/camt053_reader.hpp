// Inside the camt.053 reader (camt053.hpp says what it promises): the reader's class, whose
// member functions are defined by seam, and the small XML helpers its files share.
//   camt053_document.cpp   the bytes and the XML document, checked before anything is read
//   camt053_statement.cpp  each statement: account, currency, balances, summary; all reconcile
//   camt053_entries.cpp    booked entries to movements, split per transaction, and their keys
//   camt053.cpp            the walk over the statements, and the values every part reads
// Internal to the payments module.
#pragma once

#include "bank_file.hpp"
#include "xml_names.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments::camt053 {

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

inline bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

inline std::string trim_xml_space(std::string_view s) {
  while (!s.empty() && is_xml_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_xml_space(s.back())) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

inline pugi::xml_node descend(pugi::xml_node node, std::initializer_list<std::string_view> path) {
  for (const std::string_view step : path) {
    if (!node) {
      break;
    }
    node = child(node, step);
  }
  return node;
}

inline std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view name) {
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
inline std::string text_of(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    }
  }
  return trim_xml_space(out);
}

inline bool is_currency_code(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
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

  // camt053.cpp
  BankFile read();

private:
  [[nodiscard]] std::uint64_t line_of(pugi::xml_node node) const {
    return lines_.line_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug())));
  }

  [[noreturn]] void refuse(pugi::xml_node at, std::string field, std::string value, const std::string &reason) const {
    throw BankFileError(line_of(at), std::move(field), std::move(value), reason);
  }

  // camt053_document.cpp
  [[nodiscard]] std::string excerpt(std::size_t offset) const;
  [[nodiscard]] std::string element_at(std::size_t offset) const;
  void check_declared_encoding() const;
  void check_control_chars() const;
  void check_bytes() const;
  pugi::xml_node load();
  void check_root(pugi::xml_node root) const;

  // camt053.cpp
  std::int64_t amount_of(pugi::xml_node amount, const std::string &field) const;
  std::string currency_code(pugi::xml_node amount, const std::string &field) const;
  std::string statement_currency(pugi::xml_node amount, const std::string &field, Statement &st) const;
  int direction(pugi::xml_node parent, const std::string &field, bool required) const;
  std::optional<std::int64_t> date_choice(pugi::xml_node holder, const std::string &field) const;
  std::int64_t checked_add(std::int64_t a, std::int64_t b, pugi::xml_node at, const std::string &field) const;

  // camt053_statement.cpp
  Statement read_statement(pugi::xml_node stmt);
  static void tally_unbooked(pugi::xml_node ntry, Statement &st);
  void check_summary(pugi::xml_node summary, const Statement &st) const;
  void read_balance(pugi::xml_node bal, Statement &st) const;

  // camt053_entries.cpp
  void read_entry(pugi::xml_node ntry, Statement &st);
  void add(BankEntry e, const std::string &reference);

  std::string_view bytes_;
  LineIndex lines_;
  pugi::xml_document doc_;
  BankFile file_;
  std::map<std::string, int> fallback_count_;
};

} // namespace cartera::payments::camt053
