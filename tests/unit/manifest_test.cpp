#include "base/failure.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/loader/manifest.hpp"

#include "module_dir.hpp"

#include <cartera/abi.h>

#include <gtest/gtest.h>

using namespace cartera::runtime;

TEST(Manifest, ReadsTheStampedFixtureManifest) {
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  const Manifest m = read_manifest(std::filesystem::path(CARTERA_FIXTURE_DIR) / "good.plugin.xml", schemas);
  EXPECT_EQ(m.id, "org.test.good");
  EXPECT_EQ(m.name, "good");
  EXPECT_EQ(m.version, "1.2.3");
  EXPECT_EQ(m.library_file, "good.so");
  EXPECT_EQ(m.library_sha256.size(), 64u);
  EXPECT_EQ(m.capability_bits, CARTERA_CAP_REPORTS);
  ASSERT_NE(m.find_doc_type("note"), nullptr);
  EXPECT_EQ(m.find_doc_type("note")->schema, "test-note.xsd");
  const JobSpec *hello = m.find_job("hello");
  ASSERT_NE(hello, nullptr);
  EXPECT_EQ(hello->find_param("key")->default_value, "k1");
  EXPECT_EQ(hello->find_param("amount")->type, "amount");
  EXPECT_TRUE(hello->has_format("csv"));
  EXPECT_EQ(m.find_job("approve")->roles, std::set<std::string>{"lead"});
  EXPECT_TRUE(m.find_job("slow")->writes);
}

TEST(Manifest, JobUsingAnUndeclaredOperationIsRefused) {
  cartera::testing::ModuleDir d;
  d.write_file("x.plugin.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<plugin xmlns="urn:cartera:plugin-manifest:1" id="org.x.y" name="y" version="1.0.0">
  <display-name>y</display-name>
  <abi major="1" minor-built="0" minor-required="0"/>
  <library file="y.so" sha256="0000000000000000000000000000000000000000000000000000000000000000"/>
  <capabilities/>
  <operations><operation name="open_items"/></operations>
  <jobs>
    <job name="aging"><summary>s</summary><uses operation="customers"/></job>
  </jobs>
</plugin>
)");
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  try {
    read_manifest(d.path() / "x.plugin.xml", schemas);
    FAIL();
  } catch (const Failure &f) {
    EXPECT_NE(std::string(f.what()).find("x.plugin.xml:9: job 'aging' uses operation 'customers'"), std::string::npos)
        << f.what();
  }
}

namespace {
// The first six lines of a test manifest, through <capabilities/>, for ABI 1.minor.
std::string manifest_head(int minor) {
  const std::string m = std::to_string(minor);
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<plugin xmlns="urn:cartera:plugin-manifest:1" id="org.x.y" name="y" version="1.0.0">
  <display-name>y</display-name>
  <abi major="1" minor-built=")" +
         m + R"(" minor-required=")" + m + R"("/>
  <library file="y.so" sha256="0000000000000000000000000000000000000000000000000000000000000000"/>
  <capabilities/>
)";
}

std::string manifest_with_params(const std::string &params) {
  return manifest_head(0) + R"(  <jobs>
    <job name="import"><summary>s</summary>
)" + params +
         R"(
    </job>
  </jobs>
</plugin>
)";
}
} // namespace

TEST(Manifest, FileParametersArePositionalAndNameTheirSchema) {
  cartera::testing::ModuleDir d;
  d.write_file("x.plugin.xml",
               manifest_with_params(R"(      <param name="file" type="file" positional="true" required="true">f</param>
      <param name="mapping" type="file" schema="bank-csv-mapping.xsd">m</param>)"));
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  const Manifest m = read_manifest(d.path() / "x.plugin.xml", schemas);
  const JobSpec *job = m.find_job("import");
  ASSERT_NE(job, nullptr);
  ASSERT_NE(job->positional_param(), nullptr);
  EXPECT_EQ(job->positional_param()->name, "file");
  EXPECT_EQ(job->find_param("mapping")->schema, "bank-csv-mapping.xsd");
  EXPECT_FALSE(job->find_param("mapping")->positional);
}

TEST(Manifest, TwoPositionalParametersOrASchemaOnTextAreRefused) {
  cartera::testing::ModuleDir d;
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  const auto why = [&](const std::string &params) {
    d.write_file("x.plugin.xml", manifest_with_params(params));
    try {
      read_manifest(d.path() / "x.plugin.xml", schemas);
    } catch (const Failure &f) {
      return std::string(f.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(why(R"(<param name="a" type="file" positional="true">a</param>
      <param name="b" type="text" positional="true">b</param>)")
                .find("job import has two positional parameters (a, b); a job takes at most one"),
            std::string::npos);
  EXPECT_NE(why(R"(<param name="a" type="text" schema="x.xsd">a</param>)")
                .find("parameter a names a schema but is not a file"),
            std::string::npos);
  EXPECT_NE(why(R"(<param name="format" type="text">a</param>)")
                .find("parameter format of job import has the name of a global option; rename it"),
            std::string::npos);
}

TEST(Manifest, CapabilityWordsAndBitsAgree) {
  EXPECT_EQ(capability_bit("credit-note-requests"), CARTERA_CAP_CREDIT_NOTE_REQUESTS);
  EXPECT_EQ(capability_bit("nope"), 0u);
  EXPECT_EQ(capability_words(CARTERA_CAP_PAYMENTS | CARTERA_CAP_INTEREST), "payments interest");
}

namespace {
std::string manifest_with_doc_type(const std::string &doc_type) {
  return manifest_head(2) + R"(  <document-types>
    )" + doc_type +
         R"(
  </document-types>
  <jobs><job name="j"><summary>s</summary></job></jobs>
</plugin>
)";
}
} // namespace

TEST(Manifest, ADeferredTypeIsFiledAfterItsRunAndNeedsACustomer) {
  cartera::testing::ModuleDir d;
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  d.write_file("x.plugin.xml", manifest_with_doc_type(R"(<document-type name="receipt" namespace="urn:x" )"
                                                      R"(schema="x.xsd" direction="out" customer="payer/@customer" )"
                                                      R"(archive="deferred"/>)"));
  const Manifest m = read_manifest(d.path() / "x.plugin.xml", schemas);
  EXPECT_TRUE(m.find_doc_type("receipt")->archive_deferred);
  EXPECT_EQ(m.find_doc_type("receipt")->customer_path, "payer/@customer");

  d.write_file("x.plugin.xml",
               manifest_with_doc_type(R"(<document-type name="receipt" namespace="urn:x" )"
                                      R"(schema="x.xsd" direction="out" customer="payer/@customer"/>)"));
  EXPECT_FALSE(read_manifest(d.path() / "x.plugin.xml", schemas).find_doc_type("receipt")->archive_deferred)
      << "with-run is the default";

  d.write_file("x.plugin.xml", manifest_with_doc_type(R"(<document-type name="receipt" namespace="urn:x" )"
                                                      R"(schema="x.xsd" direction="out" archive="deferred"/>)"));
  try {
    read_manifest(d.path() / "x.plugin.xml", schemas);
    FAIL() << "a deferred type without a customer was read";
  } catch (const Failure &f) {
    EXPECT_NE(std::string(f.what()).find(
                  "x.plugin.xml:8: document type 'receipt' says archive=\"deferred\" but names no customer"),
              std::string::npos)
        << f.what();
  }

  d.write_file("x.plugin.xml", manifest_with_doc_type(R"(<document-type name="receipt" namespace="urn:x" )"
                                                      R"(schema="x.xsd" direction="out" archive="later"/>)"));
  EXPECT_THROW(read_manifest(d.path() / "x.plugin.xml", schemas), Failure) << "the schema knows two values";
}
