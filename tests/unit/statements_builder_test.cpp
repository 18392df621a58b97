// statement_builder: the periods, each cause on a small family contract, and on 2,000 random
// customers the promises of statement.hpp — the causes add up to the difference, the running
// balance ends at the closing balance, and what is open adds up to what is owed.
#include "module_dir.hpp"
#include "statement_builder.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <random>

using namespace cartera::statements;
namespace sdk = cartera::sdk;

namespace {

using cartera::testing::iso_day;

LineRow fee(const char *invoice, const char *issued, const char *member, const char *band, std::int64_t amount) {
  return LineRow{"K1", invoice, iso_day(issued), 1, member, std::string("Miembro ") + member, "fee", "Plan",
                 band, "",      amount};
}

std::int64_t sum_causes(const Statement &s) {
  return std::accumulate(s.causes.begin(), s.causes.end(), std::int64_t{0},
                         [](std::int64_t acc, const Cause &c) { return acc + c.amount; });
}

const Cause *find(const Statement &s, const std::string &kind) {
  for (const Cause &c : s.causes) {
    if (c.kind == kind) {
      return &c;
    }
  }
  return nullptr;
}

TEST(StatementPeriod, AMonthUpToTheDateAndTheWholeMonthBefore) {
  const Period p = month_period(iso_day("2026-03-15"));
  EXPECT_EQ(p.start, iso_day("2026-03-01"));
  EXPECT_EQ(p.end, iso_day("2026-03-15"));
  EXPECT_EQ(p.previous_start, iso_day("2026-02-01"));
  EXPECT_EQ(p.previous_end, iso_day("2026-02-28"));
  const Period jan = month_period(iso_day("2026-01-31"));
  EXPECT_EQ(jan.previous_start, iso_day("2025-12-01"));
  EXPECT_EQ(jan.previous_end, iso_day("2025-12-31"));
}

// December: two members; January: one joins, one leaves, one changes band, the yearly increase
// for the other, a prorated adjustment and billed interest; paid less than December's bill.
TEST(StatementCauses, EachChangeOfAFamilyContractWithItsAmount) {
  CustomerBooks b;
  b.holder = Holder{"C1", "CC", "123", "Ana", "Calle 1", "Bogotá"};
  b.contracts = {ContractRow{"K1", "familiar", "Plan", "activo"}};
  b.invoices = {InvoiceRow{"K1", "F-DIC", iso_day("2025-12-01"), iso_day("2025-12-31"), 300000},
                InvoiceRow{"K1", "F-ENE", iso_day("2026-01-01"), iso_day("2026-01-31"), 0}};
  b.lines = {fee("F-DIC", "2025-12-01", "A", "18-44", 100000),
             fee("F-DIC", "2025-12-01", "B", "18-44", 100000),
             fee("F-DIC", "2025-12-01", "C", "0-17", 100000),
             fee("F-ENE", "2026-01-01", "A", "18-44", 109000),
             fee("F-ENE", "2026-01-01", "B", "45-59", 150000),
             fee("F-ENE", "2026-01-01", "D", "0-17", 80000),
             LineRow{"K1", "F-ENE", iso_day("2026-01-01"), 5, "", "", "adjustment", "Plan", "", "prorrata", -20000},
             LineRow{"K1", "F-ENE", iso_day("2026-01-01"), 6, "", "", "interest", "Plan", "", "mora", 5000}};
  b.invoices[1].amount = 109000 + 150000 + 80000 - 20000 + 5000;
  b.payments = {PaymentRow{"P1", iso_day("2026-01-10"), 250000, "PSE", "REF"}};
  b.applications = {ApplicationRow{"P1", "F-DIC", 250000}};

  const Statement s =
      build_statement(b, month_period(iso_day("2026-01-31")), BuildOptions{{}, iso_day("2026-01-31")}, "K1");
  EXPECT_EQ(s.opening_balance, 300000);
  EXPECT_EQ(s.closing_balance, 300000 + 324000 - 250000);
  ASSERT_NE(find(s, "member-added"), nullptr);
  EXPECT_EQ(find(s, "member-added")->member_id, "D");
  EXPECT_EQ(find(s, "member-added")->amount, 80000);
  EXPECT_EQ(find(s, "member-removed")->amount, -100000);
  EXPECT_EQ(find(s, "age-band-change")->amount, 50000);
  EXPECT_EQ(find(s, "tariff-change")->amount, 9000);
  EXPECT_EQ(find(s, "adjustment")->amount, -20000);
  EXPECT_EQ(find(s, "interest")->amount, 5000);
  EXPECT_EQ(find(s, "billing-other"), nullptr) << "the lines explain the whole bill";
  EXPECT_EQ(find(s, "payments-pending")->amount, 300000 - 250000);
  EXPECT_EQ(sum_causes(s), s.difference);
  EXPECT_EQ(s.difference, s.amount_due - s.previous_amount_due);
  ASSERT_EQ(s.contract.members.size(), 3U); // January's: A, B, D
  EXPECT_EQ(s.contract.members[1].age_band, "45-59");
  // December's invoice is 5 days overdue at the end of January, with 50,000 left.
  ASSERT_EQ(s.open_items.size(), 2U);
  EXPECT_EQ(s.open_items[0].open_amount, 50000);
  EXPECT_EQ(s.open_items[0].days_overdue, 31);
}

TEST(StatementCauses, ACreditBalanceCoversTheOldestItemsAndTheAmountDueIsZero) {
  CustomerBooks b;
  b.holder = Holder{"C4", "CC", "9", "Mafe", "", ""};
  b.contracts = {ContractRow{"K4", "individual", "Plan", "activo"}};
  b.invoices = {InvoiceRow{"K4", "F1", iso_day("2026-01-01"), iso_day("2026-01-31"), 200000},
                InvoiceRow{"K4", "F2", iso_day("2026-02-01"), iso_day("2026-02-28"), 200000}};
  b.payments = {PaymentRow{"P1", iso_day("2025-12-20"), 500000, "PSE", "ANTICIPO"}};
  const Statement s =
      build_statement(b, month_period(iso_day("2026-02-28")), BuildOptions{{}, iso_day("2026-02-28")}, "");
  EXPECT_EQ(s.closing_balance, -100000);
  EXPECT_EQ(s.amount_due, 0);
  EXPECT_EQ(s.due_date, 0);
  EXPECT_TRUE(s.open_items.empty()) << "the advance covers both invoices";
  EXPECT_EQ(sum_causes(s), s.difference);
}

// Interest the interest module charged is an item of its own beside its invoice, a cause of
// the period it falls in, and gone once the host carries the number accounting issued for it.
TEST(StatementCauses, InterestChargedIsAnItemOfItsOwnUntilTheHostBillsIt) {
  CustomerBooks b;
  b.holder = Holder{"C5", "CC", "8", "Andrés", "", ""};
  b.contracts = {ContractRow{"K5", "individual", "Plan", "activo"}};
  b.invoices = {InvoiceRow{"K5", "F1", iso_day("2026-01-01"), iso_day("2026-01-15"), 450000}};
  b.cartera = {CarteraRow{iso_day("2026-02-20"), "interest", "ND-7", "", "F1", 5000, "Intereses de mora", "ND-7"}};
  b.interest = {InterestRow{"F1", iso_day("2026-02-28"), 1200}};
  const Period feb = month_period(iso_day("2026-02-28"));
  for (const std::string scope : {"", "K5"}) {
    const Statement s = build_statement(b, feb, BuildOptions{{}, iso_day("2026-02-28")}, scope);
    ASSERT_EQ(s.open_items.size(), 2U) << scope;
    EXPECT_EQ(s.open_items[0].invoice_id, "F1");
    EXPECT_EQ(s.open_items[0].open_amount, 450000) << "the charge does not sit on the invoice";
    EXPECT_EQ(s.open_items[1].invoice_id, "ND-7");
    EXPECT_EQ(s.open_items[1].contract_id, "K5");
    EXPECT_EQ(s.open_items[1].open_amount, 5000);
    ASSERT_NE(find(s, "interest"), nullptr);
    EXPECT_EQ(s.closing_balance, 455000);
    EXPECT_EQ(s.interest_to_date, 1200);
    EXPECT_EQ(s.amount_due, 456200);
    EXPECT_EQ(sum_causes(s), s.difference);
  }
  // The host bills the debit note ND-7: its invoice tells it now, and the row steps aside.
  b.invoices.push_back(InvoiceRow{"K5", "ND-7", iso_day("2026-02-21"), iso_day("2026-02-21"), 5000});
  const Statement s = build_statement(b, feb, BuildOptions{{}, iso_day("2026-02-28")}, "");
  EXPECT_EQ(s.closing_balance, 455000);
  EXPECT_EQ(s.open_items.size(), 2U);
  EXPECT_EQ(sum_causes(s), s.difference);
}

TEST(StatementCauses, AnUnknownContractIsRefused) {
  CustomerBooks b;
  b.holder.customer_id = "C1";
  EXPECT_THROW((void)build_statement(b, month_period(iso_day("2026-02-28")), BuildOptions{}, "K9"),
               std::invalid_argument);
}

// Random books: members that come and go and change band, partial and advance payments, lines
// that explain part of the bill or none of it, interest to date.
CustomerBooks random_books(std::mt19937_64 &rng, int n) {
  std::uniform_int_distribution<int> pct(0, 99);
  std::uniform_int_distribution<std::int64_t> pesos(1, 900000);
  CustomerBooks b;
  b.holder = Holder{"C" + std::to_string(n), "CC", "1", "X", "", ""};
  const int contracts = 1 + pct(rng) % 2;
  for (int k = 0; k < contracts; ++k) {
    b.contracts.push_back(ContractRow{"K" + std::to_string(k), k == 0 ? "familiar" : "colectivo", "P", "activo"});
  }
  int seq = 0;
  for (const char *month : {"2025-11-01", "2025-12-01", "2026-01-01", "2026-02-01"}) {
    const std::int64_t issued = iso_day(month);
    for (const ContractRow &c : b.contracts) {
      const std::string inv = "F" + std::to_string(++seq);
      std::int64_t amount = 0;
      const bool with_lines = pct(rng) < 70;
      for (int member = 0; member < 5; ++member) {
        if (pct(rng) < 25) {
          continue; // not a member this month
        }
        const std::int64_t f = pesos(rng);
        amount += f;
        if (with_lines) {
          b.lines.push_back(LineRow{c.contract_id, inv, issued, member, c.contract_id + "-" + std::to_string(member),
                                    "M", "fee", "P", pct(rng) < 20 ? "45-59" : "18-44", "", f});
        }
      }
      if (pct(rng) < 20) {
        const std::int64_t adj = pesos(rng) - 450000;
        amount += adj;
        b.lines.push_back(LineRow{c.contract_id, inv, issued, 9, "", "", "adjustment", "P", "", "", adj});
      }
      amount = std::max<std::int64_t>(amount, 0) + (with_lines ? 0 : pesos(rng));
      b.invoices.push_back(InvoiceRow{c.contract_id, inv, issued, issued + 29, amount});
      if (pct(rng) < 75) {
        const std::string pay = "P" + std::to_string(seq);
        const std::int64_t paid = pct(rng) < 60 ? amount : pesos(rng);
        b.payments.push_back(PaymentRow{pay, issued + pct(rng) % 60, paid, "PSE", ""});
        if (pct(rng) < 85) {
          b.applications.push_back(ApplicationRow{pay, inv, std::min(paid, amount)});
        }
      }
    }
  }
  return b;
}

TEST(StatementProperties, OnRandomCustomersEverythingAddsUp) {
  std::mt19937_64 rng(20261122);
  std::uniform_int_distribution<std::int64_t> interest(0, 50000);
  for (int n = 0; n < 2000; ++n) {
    const CustomerBooks b = random_books(rng, n);
    for (const char *as_of : {"2026-01-31", "2026-02-15", "2026-02-28"}) {
      const Period p = month_period(iso_day(as_of));
      CustomerBooks upto = b; // the host gives what is on or before the end
      std::erase_if(upto.invoices, [&](const InvoiceRow &i) { return i.issue_date > p.end; });
      std::erase_if(upto.payments, [&](const PaymentRow &x) { return x.paid_on > p.end; });
      std::erase_if(upto.applications, [&](const ApplicationRow &a) {
        return std::none_of(upto.payments.begin(), upto.payments.end(),
                            [&](const PaymentRow &x) { return x.payment_id == a.payment_id; }) ||
               std::none_of(upto.invoices.begin(), upto.invoices.end(),
                            [&](const InvoiceRow &i) { return i.invoice_id == a.invoice_id; });
      });
      // Interest to date on some overdue invoices: each statement counts its own invoices'.
      std::map<std::string, std::int64_t> interest_of; // scope -> expected interest to date
      for (const InvoiceRow &i : upto.invoices) {
        if (i.due_date < p.end && interest(rng) < 20000) {
          const std::int64_t owed = interest(rng);
          upto.interest.push_back(InterestRow{i.invoice_id, p.end, owed});
          interest_of[""] += owed;
          interest_of[i.contract_id] += owed;
        }
      }
      std::vector<std::string> scopes = {""};
      for (const ContractRow &c : b.contracts) {
        scopes.push_back(c.contract_id);
      }
      for (const std::string &scope : scopes) {
        const Statement s = build_statement(upto, p, BuildOptions{{}, p.end}, scope);
        const std::string what = b.holder.customer_id + " " + scope + " " + as_of;
        ASSERT_EQ(s.interest_to_date, interest_of[scope]) << what;
        ASSERT_EQ(sum_causes(s), s.difference) << what;
        ASSERT_EQ(s.difference, s.amount_due - s.previous_amount_due) << what;
        ASSERT_EQ(s.closing_balance, s.opening_balance + s.total_debits - s.total_credits) << what;
        ASSERT_EQ(s.movements.empty() ? s.opening_balance : s.movements.back().balance, s.closing_balance) << what;
        std::int64_t open = 0;
        for (const OpenItem &o : s.open_items) {
          ASSERT_GT(o.open_amount, 0) << what;
          open += o.open_amount;
        }
        std::int64_t aged = 0;
        for (const AgingBucket &a : s.aging) {
          aged += a.amount;
        }
        ASSERT_EQ(aged, open) << what;
        if (scope.empty()) {
          ASSERT_EQ(open, std::max<std::int64_t>(0, s.closing_balance)) << what;
        } else {
          ASSERT_EQ(open, s.closing_balance) << what;
        }
      }
    }
  }
}

} // namespace
