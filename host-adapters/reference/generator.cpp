#include "reference/generator.hpp"

#include "runtime/failure.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/tax_id.hpp>
#include <cartera/sdk/text.hpp>

#include <array>
#include <cstdio>
#include <fstream>

namespace cartera::reference {

namespace fs = std::filesystem;

namespace {

// splitmix64: small, fast, and the same everywhere.
class Rng {
public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T, std::size_t N> const T &pick(const std::array<T, N> &a) {
    return a[static_cast<std::size_t>(between(0, N - 1))];
  }

private:
  std::uint64_t state_;
};

constexpr std::array<const char *, 24> kFirstNames = {"María",     "José",    "Luis",   "Ana",     "Carlos", "Luz",
                                                      "Jorge",     "Diana",   "Andrés", "Paola",   "Juan",   "Claudia",
                                                      "Camilo",    "Sandra",  "Felipe", "Natalia", "Jhon",   "Yolanda",
                                                      "Sebastián", "Marcela", "Óscar",  "Ángela",  "Hernán", "Beatriz"};
constexpr std::array<const char *, 24> kLastNames = {
    "Rodríguez", "Gómez", "González", "Martínez", "García",   "López",  "Hernández", "Sánchez",
    "Ramírez",   "Pérez", "Díaz",     "Muñoz",    "Rojas",    "Moreno", "Jiménez",   "Vargas",
    "Castro",    "Ortiz", "Rubio",    "Suárez",   "Quintero", "Ospina", "Zapata",    "Cárdenas"};
constexpr std::array<const char *, 10> kCompanyWords = {"Andina",    "del Valle", "Caribe", "Pacífico",  "Cafetera",
                                                        "Santander", "Llanos",    "Sabana", "Antioquia", "Magdalena"};
constexpr std::array<const char *, 8> kCompanyKinds = {"Comercializadora", "Inversiones",    "Distribuidora",
                                                       "Transportes",      "Construcciones", "Servicios",
                                                       "Industrias",       "Agropecuaria"};
constexpr std::array<const char *, 8> kCities = {"Bogotá",      "Medellín",  "Cali",    "Barranquilla",
                                                 "Bucaramanga", "Cartagena", "Pereira", "Manizales"};
constexpr std::array<const char *, 3> kCompanies = {"salud-andina", "prepagada-andina", "odontologia-andina"};
constexpr std::array<const char *, 3> kPlans = {"Plan Esencial", "Plan Clásico", "Plan Integral"};
constexpr std::array<std::int64_t, 3> kPlanFee = {9850000, 16420000, 27990000}; // centavos per member, per month
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

// Streams one file to a temporary name and renames it into place when complete, so a reader
// never sees half a file and a large company never has to fit in memory.
class OutFile {
public:
  OutFile(const fs::path &dir, const std::string &name, const std::string &header)
      : tmp_(dir / ("." + name + ".tmp")), final_(dir / name), out_(tmp_, std::ios::binary) {
    if (!out_) {
      runtime::fail("cannot write " + tmp_.string());
    }
    out_ << header;
  }
  OutFile &operator+=(const std::string &s) {
    out_ << s;
    return *this;
  }
  void commit() {
    out_.close();
    if (!out_) {
      runtime::fail("cannot write " + tmp_.string());
    }
    fs::rename(tmp_, final_);
  }

private:
  fs::path tmp_;
  fs::path final_;
  std::ofstream out_;
};

std::int64_t add_months(std::int64_t days, int months, std::uint32_t day_of_month) {
  sdk::CivilDate c = sdk::civil_from_days(days);
  int m = static_cast<int>(c.month) - 1 + months;
  int y = c.year + (m >= 0 ? m / 12 : (m - 11) / 12);
  m = ((m % 12) + 12) % 12;
  const std::uint32_t dim = sdk::days_in_month(y, static_cast<std::uint32_t>(m + 1));
  return sdk::days_from_civil({y, static_cast<std::uint32_t>(m + 1), std::min(day_of_month, dim)});
}

} // namespace

GeneratedCounts generate_company(const GeneratorOptions &o, const fs::path &out,
                                 const std::function<void(std::uint64_t, std::uint64_t)> &progress) {
  if (o.customers == 0 || o.months < 1 || o.months > 120) {
    runtime::usage_error("host generate: --customers must be at least 1 and --months 1 to 120");
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

  for (std::uint64_t i = 1; i <= o.customers; ++i) {
    const bool company = rng.chance(22);
    const std::string customer_id =
        (std::snprintf(buf, sizeof buf, "C%07llu", static_cast<unsigned long long>(i)), buf);
    std::string name;
    std::string id_type;
    std::string id_number;
    std::string email;
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
      id_type = "CC";
      id_number = std::to_string(rng.between(10000000, 1199999999));
      email = ascii_lower(first) + "." + ascii_lower(last1) + std::to_string(i) + "@correo.com.co";
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
    contracts += contract_id + "," + customer_id + "," + kind + "," + kPlans[plan] + "," + std::to_string(members) +
                 "," + sdk::format_iso_date(start) + "," + status + "," + rng.pick(kCompanies) + "\n";
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
      invoices += invoice_id + "," + customer_id + "," + contract_id + "," + sdk::format_iso_date(issue) + "," +
                  sdk::format_iso_date(due) + "," + sdk::format_pesos_plain(fee) + "\n";
      ++n.invoices;

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
    }
    if (progress && (i % 1000 == 0 || i == o.customers)) {
      progress(i, o.customers);
    }
  }
  customers.commit();
  contracts.commit();
  invoices.commit();
  payments.commit();
  return n;
}

} // namespace cartera::reference
