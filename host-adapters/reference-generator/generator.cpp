#include "reference-generator/generator.hpp"

#include "base/failure.hpp"
#include "reference-generator/bank_files.hpp"
#include "reference-generator/members.hpp"
#include "reference-generator/sample.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <utility>

namespace cartera::reference {

namespace fs = std::filesystem;

namespace sample {
namespace {

constexpr std::array<const char *, 10> kCompanyWords = {"Andina",    "del Valle", "Caribe", "Pacífico",  "Cafetera",
                                                        "Santander", "Llanos",    "Sabana", "Antioquia", "Magdalena"};
constexpr std::array<const char *, 8> kCompanyKinds = {"Comercializadora", "Inversiones",    "Distribuidora",
                                                       "Transportes",      "Construcciones", "Servicios",
                                                       "Industrias",       "Agropecuaria"};
constexpr std::array<const char *, 8> kCities = {"Bogotá",      "Medellín",  "Cali",    "Barranquilla",
                                                 "Bucaramanga", "Cartagena", "Pereira", "Manizales"};
constexpr std::array<const char *, 3> kCompanies = {"salud-andina", "prepagada-andina", "odontologia-andina"};
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

} // namespace
} // namespace sample

GeneratedCounts generate_company(const GeneratorOptions &o, const fs::path &out,
                                 const std::function<void(std::uint64_t, std::uint64_t)> &progress) {
  using namespace sample;
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
