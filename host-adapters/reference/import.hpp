// `cartera host import DIR`: the reference host's receivables from an ERP's export files
// (customers.csv, contracts.csv, invoices.csv, payments.csv, and optionally members.csv and
// invoice_lines.csv; README "Interchange files").
//
// All or nothing: every row of every file is checked first (types, dates, amounts, NIT check
// digits, duplicate ids, references between files and to what the database already holds);
// the first bad value stops the import with file, line, column and value, and nothing is
// written. Then everything is written in one transaction, as upserts that leave identical rows
// untouched, so importing the same files twice changes nothing.
#pragma once

#include "sql/database.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace cartera::reference {

struct ImportCount {
  std::size_t read = 0;
  std::size_t written = 0; // new or changed rows
};

struct ImportReport {
  ImportCount customers;
  ImportCount contracts;
  ImportCount invoices;
  ImportCount payments;
  ImportCount applications; // payment lines that name the invoice they settle
  ImportCount members;      // 0/0 when the export has no members.csv
  ImportCount invoice_lines;
};

using Progress = std::function<void(std::uint64_t done, std::uint64_t total, const std::string &stage)>;

class Rows;

// The tables of an export, from either form. members and invoice_lines are optional in the
// export; here they are never null (no rows when the export has none).
struct ExportFiles {
  std::unique_ptr<Rows> customers;
  std::unique_ptr<Rows> contracts;
  std::unique_ptr<Rows> invoices;
  std::unique_ptr<Rows> payments;
  std::unique_ptr<Rows> members;
  std::unique_ptr<Rows> invoice_lines;
  ExportFiles();
  ExportFiles(ExportFiles &&) noexcept;
  ExportFiles &operator=(ExportFiles &&) noexcept;
  ~ExportFiles();
};

// DIR/customers.csv, contracts.csv, invoices.csv, payments.csv; members.csv and
// invoice_lines.csv when they are there.
ExportFiles read_csv_export(const std::filesystem::path &dir);
// A receivables-export document, already validated against receivables-export.xsd.
ExportFiles read_xml_export(const std::string &file, const std::string &text);

ImportReport import_export(sql::Database &db, const ExportFiles &files, const Progress &progress);

} // namespace cartera::reference
