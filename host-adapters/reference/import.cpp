#include "reference/import.hpp"

#include "base/failure.hpp"
#include "reference/csv_reader.hpp"
#include "reference/importer.hpp"

#include <memory>
#include <string>
#include <vector>

namespace cartera::reference {

namespace fs = std::filesystem;
using runtime::refuse_input;

namespace {

// An optional file the export does not have: no rows.
class NoRows : public Rows {
public:
  [[nodiscard]] std::size_t rows() const noexcept override { return 0; }
  [[nodiscard]] std::size_t line(std::size_t /*row*/) const noexcept override { return 0; }
  [[nodiscard]] std::string_view get(std::size_t /*row*/, const std::string & /*column*/) const override { return {}; }
  [[nodiscard]] std::string extra(std::size_t /*row*/) const override { return {}; }
  [[noreturn]] void refuse(std::size_t /*row*/, const std::string &column, const std::string &why) const override {
    refuse_input(column + ": " + why); // no row to name: not reachable, there are none
  }
};

} // namespace

ExportFiles::ExportFiles() = default;
ExportFiles::ExportFiles(ExportFiles &&) noexcept = default;
ExportFiles &ExportFiles::operator=(ExportFiles &&) noexcept = default;
ExportFiles::~ExportFiles() = default;

namespace {
const std::vector<std::string> kCustomerColumns = {"customer_id", "id_type", "id_number", "name",   "email",
                                                   "phone",       "address", "city",      "agency", "advisor"};
const std::vector<std::string> kContractColumns = {"contract_id", "customer_id", "kind",   "plan",
                                                   "members",     "start_date",  "status", "company"};
const std::vector<std::string> kInvoiceColumns = {"invoice_id", "customer_id", "contract_id",
                                                  "issue_date", "due_date",    "amount"};
const std::vector<std::string> kPaymentColumns = {"payment_id", "customer_id", "date",      "amount",
                                                  "method",     "reference",   "invoice_id"};
const std::vector<std::string> kMemberColumns = {"member_id",  "contract_id", "name",
                                                 "birth_date", "joined_on",   "left_on"};
const std::vector<std::string> kInvoiceLineColumns = {"invoice_id", "line_no",  "member_id",   "concept",
                                                      "plan",       "age_band", "description", "amount"};

// members.csv and invoice_lines.csv came later than the other four: an export without them
// imports as before.
std::unique_ptr<Rows> optional_csv(const fs::path &path, const std::vector<std::string> &columns) {
  if (!fs::exists(path)) {
    return std::make_unique<NoRows>();
  }
  return std::make_unique<CsvFile>(path, columns);
}
} // namespace

ExportFiles read_csv_export(const fs::path &dir) {
  if (!fs::is_directory(dir)) {
    refuse_input(dir.string() + ": not a folder with the export files (or an .xml export)");
  }
  ExportFiles e;
  e.customers = std::make_unique<CsvFile>(dir / "customers.csv", kCustomerColumns);
  e.contracts = std::make_unique<CsvFile>(dir / "contracts.csv", kContractColumns);
  e.invoices = std::make_unique<CsvFile>(dir / "invoices.csv", kInvoiceColumns);
  e.payments = std::make_unique<CsvFile>(dir / "payments.csv", kPaymentColumns);
  e.members = optional_csv(dir / "members.csv", kMemberColumns);
  e.invoice_lines = optional_csv(dir / "invoice_lines.csv", kInvoiceLineColumns);
  return e;
}

ExportFiles read_xml_export(const std::string &file, const std::string &text) {
  ExportFiles e;
  e.customers = std::make_unique<XmlRows>(file, text, "customers", "customer", kCustomerColumns);
  e.contracts = std::make_unique<XmlRows>(file, text, "contracts", "contract", kContractColumns);
  e.invoices = std::make_unique<XmlRows>(file, text, "invoices", "invoice", kInvoiceColumns);
  e.payments = std::make_unique<XmlRows>(file, text, "payments", "payment", kPaymentColumns);
  e.members = std::make_unique<XmlRows>(file, text, "members", "member", kMemberColumns);
  e.invoice_lines = std::make_unique<XmlRows>(file, text, "invoice-lines", "invoice-line", kInvoiceLineColumns);
  return e;
}

// Table by table, in the order references go (importer.hpp), then all written at once.
ImportReport import_export(sql::Database &db, const ExportFiles &files, const Progress &progress) {
  Importer import(db, files, progress);
  import.read_customers();
  import.read_contracts();
  import.read_members();
  import.read_invoices();
  import.read_invoice_lines();
  import.read_payments();
  import.write();
  return import.report;
}

} // namespace cartera::reference
