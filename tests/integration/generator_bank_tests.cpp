// `cartera host generate --bank-files` through the cartera binary: the bank files it writes for
// the sample company are read by the payments module as a bank's would be (camt.053.001.08 and
// Asobancaria 2001, all new the first time, nothing the second), and `payments match` finds in
// them the collections analyst's usual morning: most movements placed by invoice or payer, some
// unidentified. The same seed gives the same bytes.
#include "cartera_process.hpp"
#include "module_dir.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;

const std::string kAsOf = "2026-11-22";
const std::string kBankDay = "2026-11-23"; // the day after --as-of: the files' date

std::vector<std::string> split(const std::string &line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) {
    cells.push_back(cell);
  }
  return cells;
}

// The CSV rows of a result, header dropped.
std::vector<std::vector<std::string>> rows(const std::string &csv) {
  std::vector<std::vector<std::string>> out;
  std::stringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty()) {
      out.push_back(split(line));
    }
  }
  return out;
}

class GeneratorBank : public ::testing::Test {
protected:
  Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "sqlite3:" + (work_.path() / "cartera.db").string(), "--quiet"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  fs::path generate(const std::string &name, const std::string &seed) {
    fs::path dir = work_.path() / name;
    const Outcome o = run({"host", "generate", "--out", dir.string(), "--customers", "200", "--seed", seed, "--as-of",
                           kAsOf, "--bank-files"});
    EXPECT_EQ(o.code, 0) << o.err;
    return dir;
  }

  // file,format,account,statement,entries,new,already_stored,credits,debits,zero_skipped
  std::vector<std::string> import(const fs::path &file) {
    const Outcome o = run({"payments", "import", file.string(), "--format", "csv"});
    EXPECT_EQ(o.code, 0) << o.err;
    const auto r = rows(o.out);
    return r.size() == 1 ? r.front() : std::vector<std::string>{};
  }

  ModuleDir work_;
};

TEST_F(GeneratorBank, TheBankFilesImportOnceAndMostOfTheirMovementsAreMatched) {
  const fs::path company = generate("company", "7");
  const fs::path camt = company / "bank" / ("camt053-" + kBankDay + ".xml");
  const fs::path asobancaria = company / "bank" / ("asobancaria-" + kBankDay + ".txt");
  ASSERT_TRUE(fs::exists(camt));
  ASSERT_TRUE(fs::exists(asobancaria));

  ASSERT_EQ(run({"host", "import", company.string()}).code, 0);
  ASSERT_EQ(run({"modules", "enable", "payments", "--department", "cartera"}).code, 0);

  const auto c = import(camt);
  ASSERT_EQ(c.size(), 10u);
  EXPECT_EQ(c[1], "camt053");
  EXPECT_EQ(c[2], "0123456789");
  EXPECT_EQ(c[5], c[4]) << "all new the first time";
  EXPECT_NE(c[8], "0.00") << "the returned cheque is a debit";
  const auto a = import(asobancaria);
  ASSERT_EQ(a.size(), 10u);
  EXPECT_EQ(a[1], "asobancaria2001");
  EXPECT_EQ(a[5], a[4]) << "all new the first time";

  // The default share: about 2 % of 4,800 invoices, 70 % of them on the statement.
  const int camt_entries = std::stoi(c[4]);
  const int asobancaria_entries = std::stoi(a[4]);
  const int credits = camt_entries - 1 + asobancaria_entries; // less the returned cheque
  EXPECT_EQ(credits, 96);
  const int asobancaria_share = credits * 3 / 10; // whole entries, as the generator counts them
  EXPECT_NEAR(asobancaria_entries, asobancaria_share, 2);

  for (const fs::path &file : {camt, asobancaria}) {
    const auto again = import(file);
    ASSERT_EQ(again.size(), 10u);
    EXPECT_EQ(again[5], "0") << file;
    EXPECT_EQ(again[6], again[4]) << file;
  }

  const Outcome m = run({"payments", "match", "--as-of", kBankDay, "--format", "csv"});
  ASSERT_EQ(m.code, 0) << m.err;
  // batch,rule,kind,movements,applications,amount.
  std::map<std::string, int> by_rule;
  std::map<std::string, int> applications;
  int unidentified = -1;
  int returned = 0; // the camt reversal takes its credit back before matching
  for (const auto &r : rows(m.out)) {
    ASSERT_EQ(r.size(), 6u) << m.out;
    if (r[1] == "(unidentified)") {
      unidentified = std::stoi(r[3]);
    } else if (r[1] == "(returned checks)") {
      returned = std::stoi(r[3]);
    } else {
      by_rule[r[1]] += std::stoi(r[3]);
      applications[r[1] + "/" + r[2]] += std::stoi(r[4]);
    }
  }
  // A movement counts once per rule and kind it has applications of: count the placed ones
  // from their state instead.
  const Outcome proposed = run({"payments", "entries", "--status", "proposed", "--format", "csv"});
  const int placed = static_cast<int>(rows(proposed.out).size());
  EXPECT_EQ(placed + unidentified + returned, credits) << m.out;
  EXPECT_EQ(returned, 1) << m.out;
  // About 10 % name neither an invoice nor a customer; about 65 % an invoice; 25 % only a payer.
  EXPECT_GE(unidentified, credits * 5 / 100) << m.out;
  EXPECT_LE(unidentified, credits * 20 / 100) << m.out;
  EXPECT_GE(by_rule["reference"], credits * 50 / 100) << m.out;
  EXPECT_LE(by_rule["reference"], credits * 80 / 100) << m.out;
  EXPECT_GE(by_rule["payer-exact"] + by_rule["payer-oldest"], credits * 12 / 100) << m.out;
  EXPECT_GT(by_rule["payer-oldest"], 0) << "arbitrary partial payments by payer id\n" << m.out;
  EXPECT_GT(applications["reference/gmf"], 0) << "payments less the 4 x 1000\n" << m.out;
  EXPECT_GT(applications["reference/credit"], 0) << "over-payments\n" << m.out;
}

TEST_F(GeneratorBank, TheSameSeedGivesTheSameBankFilesAndTheirRecordsAreWellFormed) {
  const fs::path one = generate("one", "11");
  const fs::path two = generate("two", "11");
  const fs::path other = generate("other", "12");
  for (const std::string &name : {"camt053-" + kBankDay + ".xml", "asobancaria-" + kBankDay + ".txt"}) {
    const std::string first = read_text(one / "bank" / name);
    EXPECT_FALSE(first.empty()) << name;
    EXPECT_EQ(first, read_text(two / "bank" / name)) << name;
    EXPECT_NE(first, read_text(other / "bank" / name)) << name;
  }

  // Asobancaria: 162-character records ending CR LF, in the order 01 (05 06... 08)... 09.
  const std::string text = read_text(one / "bank" / ("asobancaria-" + kBankDay + ".txt"));
  ASSERT_EQ(text.size() % 164, 0u);
  std::string types;
  for (std::size_t at = 0; at < text.size(); at += 164) {
    EXPECT_EQ(text.substr(at + 162, 2), "\r\n") << "record at byte " << at;
    EXPECT_EQ(text.find('\n', at), at + 163) << "record at byte " << at;
    const std::string type = text.substr(at, 2);
    if (types.empty() || type != "06" || types.back() != '6') {
      types += type;
    }
  }
  EXPECT_TRUE(types == "0105060809" || types == "0105060805060809") << types;

  // camt: one returned cheque.
  const std::string camt = read_text(one / "bank" / ("camt053-" + kBankDay + ".xml"));
  std::size_t reversals = 0;
  for (std::size_t at = camt.find("<RvslInd>true</RvslInd>"); at != std::string::npos;
       at = camt.find("<RvslInd>true</RvslInd>", at + 1)) {
    ++reversals;
  }
  EXPECT_EQ(reversals, 1u);
  EXPECT_NE(camt.find("CHEQUE DEVUELTO"), std::string::npos);
}

TEST_F(GeneratorBank, BankEntriesSetsHowManyCreditsAndNeedsBankFiles) {
  const fs::path dir = work_.path() / "sized";
  const Outcome o = run({"host", "generate", "--out", dir.string(), "--customers", "50", "--as-of", kAsOf,
                         "--bank-files", "--bank-entries", "40"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("(28 credits, 1 returned cheque)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("(12 credits in"), std::string::npos) << o.out;

  EXPECT_EQ(run({"host", "generate", "--out", dir.string(), "--bank-entries", "40"}).code, 2);
  EXPECT_EQ(run({"host", "generate", "--out", dir.string(), "--bank-files", "--bank-entries", "1"}).code, 2);
}

} // namespace
