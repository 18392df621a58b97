// One import (import.hpp), step by step: each table of the export read and checked against the
// files before it and the database, its rows gathered as a Table; then every table written in
// one transaction, and what only the database can tell checked there. The steps run in the order
// import_export calls them: a later table's references are checked against the earlier ones.
#pragma once

#include "reference/csv_reader.hpp"
#include "reference/import.hpp"
#include "reference/import_tables.hpp"
#include "sql/database.hpp"

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cartera::reference {

// What the lines of the export need to know of each invoice they name, from the files or the
// database.
struct InvoiceFacts {
  std::string customer;
  std::string contract;                                    // "" when the invoice names none
  std::int64_t amount = 0;                                 // centavos
  std::size_t row = static_cast<std::size_t>(-1);          // in invoices.csv; -1: in the database
  std::int64_t lines_sum = 0;                              // of its lines in invoice_lines.csv
  std::size_t last_line_row = 0;                           // its last line there
  std::vector<std::pair<long long, std::size_t>> line_nos; // line_no, row
};

struct Importer {
  // Reads the customers and contracts the database already has (references may name them).
  Importer(sql::Database &db, const ExportFiles &files, const Progress &progress);

  void read_customers();
  void read_contracts();
  void read_members();
  void read_invoices();
  // importer_lines.cpp: the lines, their numbers, and (when the database held none before)
  // that each invoice's lines add up to its amount.
  void read_invoice_lines();
  void read_payments();
  // Everything in one transaction; the checks that need the database's rows inside it.
  void write();

  // "the lines of invoice F1 add up to 10.00, its amount is 12.00"
  static std::string lines_do_not_add_up(const std::string &invoice, const InvoiceFacts &facts, std::int64_t sum);
  void refuse_repeated_line_numbers() const;
  void refuse_overapplied_invoice(sql::WriteTransaction &tr);
  void refuse_lines_not_adding_up_in_database(sql::WriteTransaction &tr);

  sql::Database &db;
  soci::session &s;
  const Progress &progress;
  const Rows &customers;
  const Rows &contracts;
  const Rows &invoices;
  const Rows &payments;
  const Rows &member_rows;
  const Rows &lines;

  ImportReport report;
  Kept kept;
  std::unordered_set<std::string> customer_ids;
  std::unordered_map<std::string, std::string> contract_customer;
  std::unordered_map<std::string, std::string> member_contract;
  std::unordered_map<std::string, InvoiceFacts> invoice_facts;
  // Invoices in the order their first line comes, so that of several mistakes the one met
  // first in the file is the one reported.
  std::vector<std::pair<const std::string *, InvoiceFacts *>> lined;
  bool db_had_lines = false;
  std::unordered_map<std::string, std::size_t> last_payment_row_of_invoice;
  std::set<std::string> agencies;
  std::set<std::string> advisors;
  std::set<std::string> companies;

  Table cust;
  Table contact;
  Table agency;
  Table advisor;
  Table company;
  Table contr;
  Table mem;
  Table inv;
  Table lin;
  Table pay;
  Table app;
};

} // namespace cartera::reference
