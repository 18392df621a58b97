// The arrears policy (plugins/arrears/policy.hpp): the stage boundaries, installments against days,
// the smallest balance, exclusions, which policy applies, the next stage and its date, the policy
// file and its refusals, and the XSD's agreement with the defaults.
#include "base/failure.hpp"
#include "policy.hpp"
#include "runtime/files/xml_schema.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace cartera::arrears;

namespace {

const std::int64_t kArrearsAsOf = cartera::sdk::days_from_civil({2026, 12, 8});

std::string arrears_data(const std::string &name) {
  const std::filesystem::path p = std::filesystem::path(CARTERA_SOURCE_DIR) / "tests/data/arrears" / name;
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in) << p;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A family contract of company 800000001 owing $ 250.000,00.
ContractFacts arrears_facts(std::int32_t installments, std::int64_t days) {
  ContractFacts f;
  f.company = "800000001";
  f.kind = ContractKind::kFamiliar;
  f.contract = "FAM-0001";
  f.overdue_balance = 25'000'000;
  f.unpaid_installments = installments;
  f.days_past_due = days;
  return f;
}

// The id of the stage the contract is in under the defaults, or the standing's name.
std::string arrears_stage(std::int32_t installments, std::int64_t days) {
  static const Policy kDefaults = default_policy();
  const Assessment a = assess(kDefaults, arrears_facts(installments, days), kArrearsAsOf);
  return a.stage ? a.policy->stages[*a.stage].id : std::string(standing_name(a.standing));
}

// Why parse_policy refuses xml ("" when it does not).
std::string arrears_refusal(const std::string &xml) {
  try {
    parse_policy(xml);
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "";
}

// One <policy> with these stages (and policy attributes), in a document whose policy element
// starts on line 3 and whose stages are on lines 4, 5, ...
std::string arrears_doc(const std::string &stages, const std::string &policy_attributes = "") {
  return "<?xml version=\"1.0\"?>\n<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\">\n<policy" +
         policy_attributes + ">\n" + stages + "</policy>\n</arrears-policy>\n";
}

// xmllint --schema arrears-policy.xsd over xml; 0 when it validates.
int arrears_xmllint(const std::string &xml) {
  std::string path = (std::filesystem::temp_directory_path() / "cartera-arrears-XXXXXX").string();
  const int fd = mkstemp(path.data());
  EXPECT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out << xml;
  }
  const std::string cmd =
      "xmllint --noout --nonet --schema " CARTERA_SCHEMA_XML_DIR "/arrears-policy.xsd " + path + " 2>/dev/null";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove(path);
  return rc;
}

void expect_names(const std::string &why, const std::string &what) {
  EXPECT_NE(why.find(what), std::string::npos) << "expected '" << what << "' in: " << why;
}

} // namespace

// ---- Stage boundaries under the defaults ----

TEST(ArrearsPolicyStages, DaysBoundaries) {
  EXPECT_EQ(arrears_stage(0, 0), "no-threshold-reached");
  EXPECT_EQ(arrears_stage(0, 29), "no-threshold-reached");
  EXPECT_EQ(arrears_stage(0, 30), "aviso");
  EXPECT_EQ(arrears_stage(0, 31), "aviso");
  EXPECT_EQ(arrears_stage(0, 59), "aviso");
  EXPECT_EQ(arrears_stage(0, 60), "pre-cancelacion");
  EXPECT_EQ(arrears_stage(0, 61), "pre-cancelacion");
  EXPECT_EQ(arrears_stage(0, 89), "pre-cancelacion");
  EXPECT_EQ(arrears_stage(0, 90), "cancelacion");
  EXPECT_EQ(arrears_stage(0, 91), "cancelacion");
  EXPECT_EQ(arrears_stage(0, 400), "cancelacion");
}

TEST(ArrearsPolicyStages, InstallmentBoundaries) {
  EXPECT_EQ(arrears_stage(0, 0), "no-threshold-reached");
  EXPECT_EQ(arrears_stage(1, 0), "aviso");
  EXPECT_EQ(arrears_stage(2, 0), "pre-cancelacion");
  EXPECT_EQ(arrears_stage(3, 0), "cancelacion");
  EXPECT_EQ(arrears_stage(12, 0), "cancelacion");
}

TEST(ArrearsPolicyStages, EitherThresholdReachesTheStage) {
  const Policy policy = default_policy();
  // By installments alone: 2 installments, 10 days (installments billed ahead).
  Assessment a = assess(policy, arrears_facts(2, 10), kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(*a.stage, 1u);
  EXPECT_TRUE(a.by_installments);
  EXPECT_FALSE(a.by_days);
  // By days alone: one quarterly installment, 65 days late.
  a = assess(policy, arrears_facts(1, 65), kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(*a.stage, 1u);
  EXPECT_FALSE(a.by_installments);
  EXPECT_TRUE(a.by_days);
  // Both.
  a = assess(policy, arrears_facts(2, 60), kArrearsAsOf);
  EXPECT_TRUE(a.by_installments && a.by_days);
  // The further of the two decides: 1 installment but 95 days is cancelación; 3 installments
  // but 5 days is cancelación too.
  EXPECT_EQ(arrears_stage(1, 95), "cancelacion");
  EXPECT_EQ(arrears_stage(3, 5), "cancelacion");
  EXPECT_EQ(arrears_stage(2, 29), "pre-cancelacion");
}

TEST(ArrearsPolicyStages, AStageWithOneThresholdCountsOnlyThatOne) {
  // Company 900123456 counts days only: installments never move its contracts.
  const Policy policy = parse_policy(arrears_data("group-policy.xml"));
  ContractFacts f = arrears_facts(12, 9);
  f.company = "900123456";
  f.kind = ContractKind::kIndividual;
  f.overdue_balance = 600'000;
  Assessment a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kNoThresholdReached);
  ASSERT_TRUE(a.next_stage);
  EXPECT_EQ(a.policy->stages[*a.next_stage].id, "recordatorio");
  EXPECT_FALSE(a.installments_to_next); // the stage has no installments threshold
  ASSERT_TRUE(a.next_stage_on);
  EXPECT_EQ(*a.next_stage_on, kArrearsAsOf + 1);
  f.days_past_due = 10;
  a = assess(policy, f, kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(a.policy->stages[*a.stage].id, "recordatorio");
}

TEST(ArrearsPolicyStages, NegativeFactsAreRefused) {
  const Policy policy = default_policy();
  EXPECT_THROW(assess(policy, arrears_facts(-1, 0), kArrearsAsOf), std::invalid_argument);
  EXPECT_THROW(assess(policy, arrears_facts(0, -1), kArrearsAsOf), std::invalid_argument);
}

// ---- The next stage, its date, and what to pay ----

TEST(ArrearsPolicyNext, DateByDaysRemaining) {
  const Policy policy = default_policy();
  // 1 installment, 12 days: aviso by installments; pre-cancelación in 48 days, or with one more
  // unpaid installment, whichever comes first.
  Assessment a = assess(policy, arrears_facts(1, 12), kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(*a.stage, 0u);
  ASSERT_TRUE(a.next_stage);
  EXPECT_EQ(*a.next_stage, 1u);
  ASSERT_TRUE(a.next_stage_on);
  EXPECT_EQ(*a.next_stage_on, kArrearsAsOf + 48);
  EXPECT_EQ(cartera::sdk::format_iso_date(*a.next_stage_on), "2027-01-25");
  ASSERT_TRUE(a.installments_to_next);
  EXPECT_EQ(*a.installments_to_next, 1);
  EXPECT_EQ(a.amount_to_leave_arrears, 25'000'000);

  // Not yet in arrears enough: the first stage is next, 1 day away at 29 days.
  a = assess(policy, arrears_facts(0, 29), kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kNoThresholdReached);
  EXPECT_FALSE(a.stage);
  ASSERT_TRUE(a.next_stage);
  EXPECT_EQ(*a.next_stage, 0u);
  EXPECT_EQ(*a.next_stage_on, kArrearsAsOf + 1);
  EXPECT_EQ(*a.installments_to_next, 1);

  // 89 days: cancelación tomorrow.
  a = assess(policy, arrears_facts(2, 89), kArrearsAsOf);
  EXPECT_EQ(*a.next_stage, 2u);
  EXPECT_EQ(*a.next_stage_on, kArrearsAsOf + 1);
}

TEST(ArrearsPolicyNext, NoneAfterTheLastStage) {
  const Policy policy = default_policy();
  const Assessment a = assess(policy, arrears_facts(3, 120), kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(*a.stage, 2u);
  EXPECT_TRUE(a.policy->stages[*a.stage].cancels);
  EXPECT_FALSE(a.next_stage);
  EXPECT_FALSE(a.next_stage_on);
  EXPECT_FALSE(a.installments_to_next);
  EXPECT_EQ(a.amount_to_leave_arrears, 25'000'000);
}

TEST(ArrearsPolicyNext, InstallmentsOnlyStageHasNoDate) {
  const Policy policy = parse_policy(arrears_doc("<stage id=\"a\" installments=\"1\" notify=\"letter\"/>\n"
                                                 "<stage id=\"b\" installments=\"2\" cancels=\"true\"/>\n"));
  const Assessment a = assess(policy, arrears_facts(1, 200), kArrearsAsOf);
  ASSERT_TRUE(a.stage);
  EXPECT_EQ(*a.stage, 0u);
  EXPECT_EQ(*a.next_stage, 1u);
  EXPECT_FALSE(a.next_stage_on); // installments fall due as the plan bills: not dated here
  EXPECT_EQ(*a.installments_to_next, 1);
}

TEST(ArrearsPolicyNext, NoticeAndReactivationDays) {
  const Policy policy = default_policy();
  const PolicyEntry &p = policy.entries.front();
  EXPECT_EQ(earliest_cancellation(p, kArrearsAsOf), kArrearsAsOf + 20);
  EXPECT_TRUE(within_reactivation(p, kArrearsAsOf, kArrearsAsOf));
  EXPECT_TRUE(within_reactivation(p, kArrearsAsOf, kArrearsAsOf + 30));
  EXPECT_FALSE(within_reactivation(p, kArrearsAsOf, kArrearsAsOf + 31));
  EXPECT_FALSE(within_reactivation(p, kArrearsAsOf, kArrearsAsOf - 1));
}

// ---- The smallest balance ----

TEST(ArrearsPolicyBalance, ExactlyAtCountsOneCentavoUnderDoesNot) {
  const Policy policy = default_policy();
  ContractFacts f = arrears_facts(3, 120);
  f.overdue_balance = 100'000; // $ 1.000,00
  Assessment a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kInStage);
  f.overdue_balance = 99'999;
  a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kUnderMinimumBalance);
  EXPECT_FALSE(a.stage);
  EXPECT_FALSE(a.next_stage);
  EXPECT_EQ(a.amount_to_leave_arrears, 99'999);
}

TEST(ArrearsPolicyBalance, NothingOverdueNeverMovesEvenWithMinimumZero) {
  const Policy policy =
      parse_policy(arrears_doc("<stage id=\"a\" days=\"1\" notify=\"sms\"/>\n", " minimum-balance=\"0\""));
  ContractFacts f = arrears_facts(1, 40);
  f.overdue_balance = 1;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kInStage);
  f.overdue_balance = 0;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kUnderMinimumBalance);
  f.overdue_balance = -500; // a credit
  const Assessment a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kUnderMinimumBalance);
  EXPECT_EQ(a.amount_to_leave_arrears, 0);
}

TEST(ArrearsPolicyBalance, FileMinimumIsReadExactly) {
  const Policy policy = parse_policy(arrears_data("group-policy.xml"));
  ContractFacts f = arrears_facts(0, 200);
  f.company = "900123456";
  f.kind = ContractKind::kIndividual;
  f.overdue_balance = 500'050; // $ 5.000,50
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kInStage);
  f.overdue_balance = 500'049;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kUnderMinimumBalance);
}

// ---- Exclusions ----

TEST(ArrearsPolicyExcluded, ByListAndByHost) {
  const Policy policy = parse_policy(arrears_data("group-policy.xml"));
  ContractFacts f = arrears_facts(3, 120);
  f.contract = "FAM-0007"; // excluded in every company
  Assessment a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kExcludedByPolicy);
  EXPECT_FALSE(a.stage);
  EXPECT_FALSE(a.next_stage);
  EXPECT_EQ(a.amount_to_leave_arrears, 25'000'000);
  ASSERT_NE(policy.exclusion("800000001", "FAM-0007"), nullptr);
  EXPECT_EQ(policy.exclusion("800000001", "FAM-0007")->reason, "titular en tratamiento oncológico (T-158/10)");

  // COL-0042 is excluded in company 900123456 only.
  f.contract = "COL-0042";
  f.kind = ContractKind::kColectivo;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kInStage);
  f.company = "900123456";
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kExcludedByPolicy);

  f = arrears_facts(3, 120);
  f.excluded_by_host = true;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kExcludedByHost);
  // Excluded whatever it owes: the exclusion is the reason given, not the small balance.
  f.overdue_balance = 1;
  EXPECT_EQ(assess(policy, f, kArrearsAsOf).standing, Standing::kExcludedByHost);
}

// ---- Which policy applies ----

TEST(ArrearsPolicySelection, MostSpecificWins) {
  const Policy policy = parse_policy(arrears_data("group-policy.xml"));
  ASSERT_EQ(policy.entries.size(), 4u);
  const auto line_of = [&](std::string_view company, ContractKind kind) {
    const PolicyEntry *e = policy.select(company, kind);
    return e == nullptr ? std::size_t{0} : e->line;
  };
  // company + kind
  EXPECT_EQ(line_of("900123456", ContractKind::kFamiliar), 19u);
  // company (any kind) before kind (any company)
  EXPECT_EQ(line_of("900123456", ContractKind::kColectivo), 14u);
  EXPECT_EQ(line_of("900123456", ContractKind::kIndividual), 14u);
  // kind
  EXPECT_EQ(line_of("800000001", ContractKind::kColectivo), 10u);
  // neither
  EXPECT_EQ(line_of("800000001", ContractKind::kFamiliar), 5u);
  EXPECT_EQ(line_of("800000001", ContractKind::kIndividual), 5u);

  // The same facts, different stages by policy: 50 days is aviso by the group's figures,
  // cancelación for a collective contract (45 days), aviso at 45 for 900123456's families.
  ContractFacts f = arrears_facts(0, 50);
  f.overdue_balance = 10'000'000;
  Assessment a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.policy->stages[*a.stage].id, "aviso");
  f.kind = ContractKind::kColectivo;
  a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.policy->stages[*a.stage].id, "cancelacion");
  f.company = "900123456";
  f.kind = ContractKind::kFamiliar;
  a = assess(policy, f, kArrearsAsOf);
  EXPECT_EQ(a.policy->stages[*a.stage].id, "aviso");
  EXPECT_EQ(a.policy->minimum_notice_days, 25);
  EXPECT_EQ(*a.next_stage_on, kArrearsAsOf + 50);
}

TEST(ArrearsPolicySelection, NoPolicyNamesTheContract) {
  const Policy policy =
      parse_policy("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\"><policy kind=\"colectivo\">"
                   "<stage id=\"aviso\" days=\"30\" notify=\"letter\"/></policy></arrears-policy>");
  const Assessment a = assess(policy, arrears_facts(3, 120), kArrearsAsOf);
  EXPECT_EQ(a.standing, Standing::kNoPolicy);
  EXPECT_EQ(a.policy, nullptr);
  EXPECT_FALSE(a.next_stage);
}

// ---- The policy file ----

TEST(ArrearsPolicyFile, DefaultFileEqualsDefaultPolicy) {
  const Policy from_file = parse_policy(arrears_data("default-policy.xml"));
  const Policy built = default_policy();
  EXPECT_EQ(from_file, built);
  ASSERT_EQ(built.entries.size(), 1u);
  const PolicyEntry &e = built.entries.front();
  EXPECT_FALSE(e.company);
  EXPECT_FALSE(e.kind);
  EXPECT_EQ(e.minimum_notice_days, 20);
  EXPECT_EQ(e.reactivation_days, 30);
  EXPECT_EQ(e.minimum_balance, 100'000);
  ASSERT_EQ(e.stages.size(), 3u);
  EXPECT_EQ(e.stages[1].id, "pre-cancelacion");
  EXPECT_EQ(e.stages[1].label, "Pre-cancelación");
  EXPECT_EQ(*e.stages[1].installments, 2);
  EXPECT_EQ(*e.stages[1].days, 60);
  EXPECT_TRUE(e.stages[2].cancels);
  EXPECT_TRUE(e.stages[0].notify.letter && e.stages[0].notify.sms && e.stages[0].notify.email);
}

TEST(ArrearsPolicyFile, WrittenPolicyReadsBackAndTheXsdAcceptsIt) {
  const std::string xml = policy_xml(default_policy());
  EXPECT_EQ(parse_policy(xml), default_policy());
  EXPECT_EQ(arrears_xmllint(xml), 0) << xml;
  const Policy group = parse_policy(arrears_data("group-policy.xml"));
  const std::string group_xml = policy_xml(group);
  EXPECT_EQ(parse_policy(group_xml), group);
  EXPECT_EQ(arrears_xmllint(group_xml), 0) << group_xml;
  EXPECT_EQ(arrears_xmllint(arrears_data("default-policy.xml")), 0);
  EXPECT_EQ(arrears_xmllint(arrears_data("group-policy.xml")), 0);
}

TEST(ArrearsPolicyFile, XsdRefusesWhatItCanSay) {
  // Zero days, an unknown channel, a duplicate stage id, a negative balance.
  EXPECT_NE(arrears_xmllint(arrears_doc("<stage id=\"a\" days=\"0\"/>\n")), 0);
  EXPECT_NE(arrears_xmllint(arrears_doc("<stage id=\"a\" days=\"5\" notify=\"fax\"/>\n")), 0);
  EXPECT_NE(arrears_xmllint(arrears_doc("<stage id=\"a\" days=\"5\"/>\n<stage id=\"a\" days=\"6\"/>\n")), 0);
  EXPECT_NE(arrears_xmllint(arrears_doc("<stage id=\"a\" days=\"5\"/>\n", " minimum-balance=\"-1\"")), 0);
  // What it cannot say, the reader refuses: out of order is valid XML for the XSD.
  EXPECT_EQ(arrears_xmllint(arrears_doc("<stage id=\"a\" days=\"60\"/>\n<stage id=\"b\" days=\"30\"/>\n")), 0);
}

TEST(ArrearsPolicyFile, AttributeDefaultsAndWhiteSpace) {
  const Policy p = parse_policy(arrears_doc("<stage id=\"aviso\" days=\" 30 \" notify=\" letter  email \"/>\n"));
  const PolicyEntry &e = p.entries.front();
  EXPECT_EQ(e.minimum_notice_days, kDefaultMinimumNoticeDays);
  EXPECT_EQ(e.reactivation_days, kDefaultReactivationDays);
  EXPECT_EQ(e.minimum_balance, kDefaultMinimumBalance);
  EXPECT_EQ(e.stages[0].label, "aviso");
  EXPECT_EQ(*e.stages[0].days, 30);
  EXPECT_FALSE(e.stages[0].installments);
  EXPECT_EQ(e.stages[0].notify, (Channels{true, false, true}));
  EXPECT_FALSE(e.stages[0].cancels);
}

// ---- Refusals of a policy that contradicts itself: line, field and value ----

TEST(ArrearsPolicyRefused, StagesOutOfOrder) {
  std::string why = arrears_refusal(arrears_doc("<stage id=\"aviso\" installments=\"1\" days=\"60\"/>\n"
                                                "<stage id=\"pre-cancelacion\" installments=\"2\" days=\"30\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "stage 'pre-cancelacion' days '30'");
  expect_names(why, "not above stage 'aviso' days '60'");
  // Equal is not increasing: nobody would ever be in the first stage.
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" installments=\"2\"/>\n"
                                    "<stage id=\"pre-cancelacion\" installments=\"2\" days=\"60\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "stage 'pre-cancelacion' installments '2'");
  // A threshold the stage before lacks: that stage could be skipped.
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n"
                                    "<stage id=\"pre-cancelacion\" installments=\"2\" days=\"60\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "stage 'pre-cancelacion' installments '2'");
  expect_names(why, "has no installments threshold");
}

TEST(ArrearsPolicyRefused, NegativeOrZeroDays) {
  std::string why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"0\"/>\n"));
  expect_names(why, "line 4:");
  expect_names(why, "stage 'aviso' days '0'");
  expect_names(why, "not zero");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"-5\"/>\n"));
  expect_names(why, "stage 'aviso' days '-5'");
  expect_names(why, "not negative");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" installments=\"0\" days=\"30\"/>\n"));
  expect_names(why, "stage 'aviso' installments '0'");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " minimum-notice-days=\"-1\""));
  expect_names(why, "line 3:");
  expect_names(why, "minimum-notice-days '-1'");
  why =
      arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " kind=\"familiar\" reactivation-days=\"0\""));
  expect_names(why, "policy (company any, kind 'familiar') reactivation-days '0'");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " reactivation-days=\"treinta\""));
  expect_names(why, "reactivation-days 'treinta': not a whole number");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " minimum-balance=\"-1000\""));
  expect_names(why, "minimum-balance '-1000'");
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " minimum-balance=\"1000.005\""));
  expect_names(why, "minimum-balance '1000.005'");
}

TEST(ArrearsPolicyRefused, DuplicateStageNames) {
  const std::string why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n"
                                                      "<stage id=\"aviso\" days=\"60\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "id 'aviso' is used twice");
}

TEST(ArrearsPolicyRefused, CancellationStageNotTheLast) {
  std::string why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\" notify=\"letter\"/>\n"
                                                "<stage id=\"cancelacion\" days=\"60\" cancels=\"true\"/>\n"
                                                "<stage id=\"cobro\" days=\"90\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "stage 'cancelacion' cancels 'true'");
  expect_names(why, "must be the last");
  expect_names(why, "stage 'cobro'");
  // Two cancelling stages: the first is not the last.
  why = arrears_refusal(arrears_doc("<stage id=\"a\" days=\"30\" cancels=\"true\" notify=\"letter\"/>\n"
                                    "<stage id=\"b\" days=\"60\" cancels=\"true\"/>\n"));
  expect_names(why, "line 4:");
  expect_names(why, "stage 'a' cancels 'true'");
  // Cancelling with no notice anywhere (allanamiento a la mora).
  why = arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n"
                                    "<stage id=\"cancelacion\" days=\"60\" cancels=\"true\"/>\n"));
  expect_names(why, "line 5:");
  expect_names(why, "no stage");
  expect_names(why, "notifies");
}

TEST(ArrearsPolicyRefused, CompanyAndKindDefinedTwice) {
  const std::string stage = "<stage id=\"aviso\" days=\"30\"/>";
  std::string why = arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\">\n"
                                    "<policy company=\"900123456\" kind=\"familiar\">" +
                                    stage +
                                    "</policy>\n"
                                    "<policy kind=\"familiar\">" +
                                    stage +
                                    "</policy>\n"
                                    "<policy kind=\"familiar\" company=\"900123456\">" +
                                    stage + "</policy>\n</arrears-policy>\n");
  expect_names(why, "line 4:");
  expect_names(why, "policy (company '900123456', kind 'familiar'): defined twice (first on line 2)");
  why = arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\">\n<policy>" + stage +
                        "</policy>\n<policy>" + stage + "</policy>\n</arrears-policy>\n");
  expect_names(why, "line 3:");
  expect_names(why, "policy (company any, kind any): defined twice");
}

TEST(ArrearsPolicyRefused, WhatTheXsdAlsoRefuses) {
  expect_names(arrears_refusal(arrears_doc("<stage id=\"aviso\"/>\n")), "needs installments or days");
  expect_names(arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\" notify=\"letter fax\"/>\n")),
               "notify 'letter fax': unknown channel 'fax'");
  expect_names(arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\"/>\n", " kind=\"empresarial\"")),
               "kind 'empresarial': unknown contract kind");
  expect_names(arrears_refusal(arrears_doc("<stage id=\"1aviso\" days=\"30\"/>\n")), "stage id '1aviso'");
  expect_names(arrears_refusal(arrears_doc("<stage id=\"aviso\" days=\"30\" cancels=\"si\"/>\n")),
               "cancels 'si': not true or false");
  expect_names(arrears_refusal(arrears_doc("<stage id=\"aviso\" dias=\"30\"/>\n")), "unknown attribute 'dias'");
  expect_names(arrears_refusal(arrears_doc("")), "has no stage");
  expect_names(arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\"/>"), "no policy");
  expect_names(arrears_refusal("<arrears-policy xmlns=\"urn:other\"><policy/></arrears-policy>"),
               "in namespace urn:cartera:arrears-policy:1");
  expect_names(arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\">\n<policy>\n"),
               "not well-formed");
  expect_names(arrears_refusal("<!DOCTYPE a [<!ENTITY x \"30\">]>\n<arrears-policy "
                               "xmlns=\"urn:cartera:arrears-policy:1\"/>"),
               "DOCTYPE");
  const std::string stage = "<stage id=\"aviso\" days=\"30\"/>";
  expect_names(arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\"><policy>" + stage +
                               "</policy>\n<exclude contract=\"F-1\"/>\n<exclude contract=\"F-1\"/></arrears-policy>"),
               "line 3: exclude contract 'F-1': excluded twice");
  expect_names(arrears_refusal("<arrears-policy xmlns=\"urn:cartera:arrears-policy:1\"><policy>" + stage +
                               "</policy><exclude contract=\" F-1\"/></arrears-policy>"),
               "exclude contract ' F-1'");
}

TEST(ArrearsPolicyFile, TheHostsSchemaSetAcceptsTheDefaults) {
  // The XSD as the host installs it (share/cartera/schemas/xml), validated as the host validates
  // a module's settings: the written defaults, the data files, and a refusal with its line.
  cartera::runtime::SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  schemas.validate_document(policy_xml(default_policy()), "default_policy()", "arrears-policy.xsd",
                            "urn:cartera:arrears-policy:1");
  schemas.validate_document(arrears_data("group-policy.xml"), "group-policy.xml", "arrears-policy.xsd",
                            "urn:cartera:arrears-policy:1");
  try {
    schemas.validate_document(arrears_doc("<stage id=\"aviso\" days=\"0\"/>\n"), "bad.xml", "arrears-policy.xsd",
                              "urn:cartera:arrears-policy:1");
    FAIL() << "validated";
  } catch (const cartera::runtime::Failure &f) {
    expect_names(f.what(), "bad.xml:4:");
  }
}
