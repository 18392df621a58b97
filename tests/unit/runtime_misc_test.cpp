#include "runtime/files/outbox.hpp"
#include "runtime/host/host.hpp"
#include "runtime/loader/elf_exports.hpp"
#include "runtime/run/gathered_operation.hpp"
#include "runtime/run/published_job.hpp"

#include "module_dir.hpp"

#include <gtest/gtest.h>

using namespace cartera::runtime;
namespace fs = std::filesystem;

TEST(Instant, ParsesBogotaTimeByDefault) {
  EXPECT_EQ(format_instant_utc(*parse_instant("2026-11-22")), "2026-11-22T05:00:00Z");
  EXPECT_EQ(format_instant_utc(*parse_instant("2026-11-22T18:59:00")), "2026-11-22T23:59:00Z");
  EXPECT_EQ(format_instant_utc(*parse_instant("2026-11-22T18:59:00Z")), "2026-11-22T18:59:00Z");
  EXPECT_EQ(format_instant_utc(*parse_instant("2026-11-22T01:00:00+02:00")), "2026-11-21T23:00:00Z");
  EXPECT_FALSE(parse_instant("2026-11-22T25:00:00"));
  EXPECT_FALSE(parse_instant("tomorrow"));
  EXPECT_FALSE(parse_instant("2026-11-22T10:00"));
}

TEST(Outbox, DocumentIdsAreDeterministicAndDistinct) {
  const std::string a = document_id("org.m", "credit-note-request", "inv/1");
  EXPECT_EQ(a, document_id("org.m", "credit-note-request", "inv/1"));
  EXPECT_EQ(a.rfind("credit-note-request-", 0), 0u);
  EXPECT_NE(a, document_id("org.m", "credit-note-request", "inv/2"));
  EXPECT_NE(a, document_id("org.other", "credit-note-request", "inv/1"));
  // The separator keeps ("a", "bc") and ("ab", "c") apart.
  EXPECT_NE(document_id("m", "a", "bc"), document_id("m", "ab", "c"));
}

TEST(Outbox, AtomicWriteLeavesOnlyTheFinalFile) {
  cartera::testing::ModuleDir d;
  write_atomically(d.path() / "out", "x.xml", "<x/>");
  write_atomically(d.path() / "out", "x.xml", "<y/>");
  int files = 0;
  for (const auto &e : fs::directory_iterator(d.path() / "out")) {
    ++files;
    EXPECT_EQ(e.path().filename(), "x.xml");
  }
  EXPECT_EQ(files, 1);
  EXPECT_EQ(cartera::testing::read_text(d.path() / "out" / "x.xml"), "<y/>");
}

TEST(ElfExports, ReadsTheDynamicSymbolsOfAModule) {
  const auto e = read_elf_exports(fs::path(CARTERA_FIXTURE_DIR) / "plain.so");
  ASSERT_TRUE(e.ok) << e.error;
  EXPECT_EQ(e.symbols, std::vector<std::string>{"cartera_plugin_entry_v1"});
  const auto n = read_elf_exports(fs::path(CARTERA_FIXTURE_DIR) / "no_entry.so");
  EXPECT_EQ(n.symbols, std::vector<std::string>{"cartera_something_else"});
}

TEST(ElfExports, RefusesWhatIsNotASharedObject) {
  cartera::testing::ModuleDir d;
  d.write_file("t.so", "hello");
  EXPECT_EQ(read_elf_exports(d.path() / "t.so").error, "not an ELF file");
  EXPECT_FALSE(read_elf_exports(d.path() / "missing.so").ok);
}

namespace {

cartera::sql::Catalog catalog_of(const std::string &operations) {
  return cartera::sql::parse_catalog(R"(<catalog xmlns="urn:cartera:operations:1" adapter="m">)" + operations +
                                     "</catalog>");
}

} // namespace

// What one module reads of another's is only a published contract, and only in the shape the
// reader declares: params in any order, columns in order, types alike.
TEST(GatheredOperation, APublisherMustHaveTheShapeTheGathererDeclares) {
  const auto gatherer = catalog_of(R"(<operation name="moves" kind="read" gather="moves"><summary/>
      <param name="customer" type="text"/><param name="to" type="date"/>
      <column name="customer_id" type="text"/><column name="amount" type="centavos"/></operation>)");
  const auto good = catalog_of(R"(<operation name="pay_moves" kind="read" publish="moves"><summary/>
      <param name="to" type="date"/><param name="customer" type="text"/>
      <column name="customer_id" type="text"/><column name="amount" type="centavos"/>
      <sql dialect="sqlite">SELECT 'C1', 100</sql></operation>)");
  const auto bad_type = catalog_of(R"(<operation name="pay_moves" kind="read" publish="moves"><summary/>
      <param name="to" type="date"/><param name="customer" type="text"/>
      <column name="customer_id" type="text"/><column name="amount" type="integer"/>
      <sql dialect="sqlite">SELECT 'C1', 100</sql></operation>)");
  const auto bad_param = catalog_of(R"(<operation name="pay_moves" kind="read" publish="moves"><summary/>
      <param name="customer" type="text"/>
      <column name="customer_id" type="text"/><column name="amount" type="centavos"/>
      <sql dialect="sqlite">SELECT 'C1', 100</sql></operation>)");
  const auto &g = gatherer.operations.front();
  EXPECT_EQ(g.gather, "moves");
  EXPECT_EQ(good.operations.front().publish, "moves");
  EXPECT_EQ(cartera::runtime::published_shape_mismatch(g, good.operations.front()), "");
  EXPECT_EQ(cartera::runtime::published_shape_mismatch(g, bad_type.operations.front()),
            "columns (customer_id text, amount integer), where moves declares (customer_id text, amount centavos)");
  EXPECT_EQ(cartera::runtime::published_shape_mismatch(g, bad_param.operations.front()),
            "params (customer text), where moves declares (customer text, to date)");

  // No publisher enabled: no rows, and the columns still as declared.
  cartera::runtime::GatheredOperation none(g, {});
  none.bind("customer", cartera::runtime::OwnedValue{});
  EXPECT_THROW(none.bind("nope", cartera::runtime::OwnedValue{}), std::invalid_argument);
  none.execute();
  EXPECT_FALSE(none.step());
  EXPECT_EQ(none.column_count(), 2U);
  EXPECT_EQ(none.column_name(1), "amount");
}

TEST(GatheredOperation, AGatheringOperationHasNoSqlAndWritesNothing) {
  EXPECT_THROW(catalog_of(R"(<operation name="moves" kind="read" gather="moves"><summary/>
      <sql dialect="sqlite">SELECT 1</sql></operation>)"),
               std::exception);
  EXPECT_THROW(catalog_of(R"(<operation name="moves" kind="write" publish="moves"><summary/>
      <sql dialect="sqlite">DELETE FROM t</sql></operation>)"),
               std::exception);
  EXPECT_THROW(catalog_of(R"(<operation name="moves" kind="read"><summary/></operation>)"), std::exception);
}

// What is computed, not stored, is published by a read-only job whose parameters are the
// contract's: the runtime runs it inside the reader's run (published_job.hpp).
TEST(PublishedJob, AJobPublishesOnlyWithTheContractsParametersAndNoWrites) {
  const auto published = catalog_of(R"(<operation name="int_owed" kind="read" publish="owed" job="to-date">
      <summary/><param name="customer" type="text"/><param name="to" type="date"/>
      <column name="customer_id" type="text"/><column name="owed" type="centavos"/></operation>)");
  const auto &op = published.operations.front();
  EXPECT_EQ(op.job, "to-date");
  EXPECT_TRUE(op.sql.empty());

  JobSpec job;
  job.name = "to-date";
  job.params = {ParamSpec{"to", "date", "", true, {}, {}, false, ""},
                ParamSpec{"customer", "text", "", false, {}, {}, false, ""}};
  EXPECT_EQ(published_job_mismatch(op, job), "");

  JobSpec writes = job;
  writes.writes = true;
  EXPECT_EQ(published_job_mismatch(op, writes), "job to-date writes; only a read-only job is published");
  JobSpec typed = job;
  typed.params[0].type = "text";
  EXPECT_EQ(published_job_mismatch(op, typed), "job to-date's --to is text, where int_owed declares date");
  JobSpec extra = job;
  extra.params.push_back(ParamSpec{"detail", "boolean", "", false, {}, {}, false, ""});
  EXPECT_EQ(published_job_mismatch(op, extra),
            "job to-date has the parameter --detail, which int_owed does not declare");
  JobSpec fewer = job;
  fewer.params.pop_back();
  EXPECT_EQ(published_job_mismatch(op, fewer), "job to-date has no parameter --customer, which int_owed declares");

  // job= only on a published operation, and then without SQL.
  EXPECT_THROW(catalog_of(R"(<operation name="x" kind="read" job="to-date"><summary/></operation>)"), std::exception);
  EXPECT_THROW(catalog_of(R"(<operation name="x" kind="read" publish="owed" job="to-date"><summary/>
      <sql dialect="sqlite">SELECT 1</sql></operation>)"),
               std::exception);
}
