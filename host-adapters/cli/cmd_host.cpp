// cartera host import DIR | cartera host generate ...: the reference host's own data.
#include "cli/commands.hpp"
#include "cli/terminal.hpp"

#include "base/failure.hpp"
#include "reference-generator/generator.hpp"
#include "reference/import.hpp"
#include "runtime/host/host.hpp"

#include <cartera/sdk/date.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace cartera::cli {

using namespace cartera::runtime;

namespace {

std::uint64_t positive(const Args &args, const std::string &name, std::uint64_t fallback) {
  const auto v = args.option(name);
  if (!v) {
    return fallback;
  }
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(*v, &used);
  } catch (const std::exception &) {
    used = 0;
  }
  if (used == 0 || used != v->size()) {
    usage_error("host generate: --" + name + " '" + *v + "': not a whole number");
  }
  return n;
}

int host_import(const Args &args) {
  args.only({}, "host import");
  if (args.words.size() != 3) {
    usage_error("host import: name the export: cartera host import DIR (CSV files) or FILE.xml");
  }
  Host host(args.global);
  if (host.config().host_adapter != "reference") {
    usage_error("host import loads the reference host; the active adapter is '" + host.config().host_adapter +
                "', whose data lives in its ERP");
  }
  host.require_role("it", "import ERP exports");
  host.data(); // brings the reference tables to this build's version
  const std::filesystem::path source = args.words[2];
  reference::ExportFiles files;
  if (source.extension() == ".xml") {
    std::ifstream in(source, std::ios::binary);
    if (!in) {
      refuse_input(source.string() + ": cannot read");
    }
    std::stringstream buf;
    buf << in.rdbuf();
    host.schemas().validate(buf.str(), source.filename().string(), "receivables-export.xsd");
    files = reference::read_xml_export(source.filename().string(), buf.str());
  } else {
    files = reference::read_csv_export(source);
  }
  TerminalObserver observer(host.quiet());
  const auto report = reference::import_export(host.store().database(), files,
                                               [&](std::uint64_t done, std::uint64_t total, const std::string &stage) {
                                                 observer.progress(done, total, stage);
                                               });
  observer.clear_line();
  const std::string detail =
      "customers " + std::to_string(report.customers.written) + "/" + std::to_string(report.customers.read) +
      ", contracts " + std::to_string(report.contracts.written) + "/" + std::to_string(report.contracts.read) +
      ", invoices " + std::to_string(report.invoices.written) + "/" + std::to_string(report.invoices.read) +
      ", payments " + std::to_string(report.payments.written) + "/" + std::to_string(report.payments.read) +
      ", applications " + std::to_string(report.applications.written) + "/" + std::to_string(report.applications.read) +
      " (new or changed / read)";
  host.store().audit(AuditEntry{0, host.now_iso(), host.identity().user, host.identity().department, "host.import",
                                std::filesystem::absolute(args.words[2]).string(), detail});
  std::cout << "imported " << args.words[2] << ": " << detail << "\n";
  return 0;
}

int host_generate(const Args &args) {
  args.only({"customers", "seed", "out", "months", "as-of", "no-payments", "bank-files", "bank-entries", "members"},
            "host generate");
  const auto out = args.option("out");
  if (!out) {
    usage_error("host generate: --out DIR is required");
  }
  GlobalOptions g = args.global;
  g.no_identity = true;
  Host host(g);
  reference::GeneratorOptions o;
  o.customers = positive(args, "customers", 1000);
  o.seed = positive(args, "seed", 1);
  o.months = static_cast<int>(positive(args, "months", 24));
  o.payments = !args.flag("no-payments");
  o.bank_files = args.flag("bank-files");
  o.members = args.flag("members");
  if (args.option("bank-entries") && !o.bank_files) {
    usage_error("host generate: --bank-entries N says how many credits the bank files hold; add --bank-files");
  }
  if (args.flag("bank-entries")) {
    usage_error("host generate: --bank-entries needs a number of credits");
  }
  o.bank_entries = positive(args, "bank-entries", 0);
  if (o.bank_files && args.option("bank-entries") && o.bank_entries < 2) {
    usage_error("host generate: --bank-entries must be at least 2 (a credit in each bank file)");
  }
  if (const auto as_of = args.option("as-of")) {
    const auto d = sdk::parse_iso_date(*as_of);
    if (!d) {
      usage_error("host generate: --as-of '" + *as_of + "': not a date (YYYY-MM-DD)");
    }
    o.as_of = *d;
  } else {
    o.as_of = (host.now_us() / 1'000'000 - 5LL * 3600) / 86400; // today in Bogotá
  }
  TerminalObserver observer(host.quiet());
  const auto n = reference::generate_company(
      o, *out, [&](std::uint64_t done, std::uint64_t total) { observer.progress(done, total, "generating"); });
  observer.clear_line();
  std::cout << "wrote " << *out << ": " << n.customers << " customers, " << n.contracts << " contracts, " << n.invoices
            << " invoices, " << n.payments << " payments (seed " << o.seed << ", as of "
            << sdk::format_iso_date(o.as_of) << ")\n";
  if (o.members) {
    std::cout << "wrote " << *out << ": " << n.members << " members, " << n.invoice_lines << " invoice lines\n";
  }
  if (o.bank_files) {
    const std::string day = sdk::format_iso_date(n.bank_date);
    std::cout << "wrote " << (std::filesystem::path(*out) / "bank").string() << ": camt053-" << day << ".xml ("
              << n.camt_credits << " credits, 1 returned cheque), asobancaria-" << day << ".txt ("
              << n.asobancaria_credits << " credits in " << n.asobancaria_lots
              << (n.asobancaria_lots == 1 ? " lot" : " lots") << ")\n";
  }
  return 0;
}

} // namespace

int cmd_host(const Args &args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "import") {
    return host_import(args);
  }
  if (sub == "generate") {
    return host_generate(args);
  }
  usage_error("host: use 'cartera host import DIR' or 'cartera host generate --out DIR [--bank-files]'");
}

} // namespace cartera::cli
