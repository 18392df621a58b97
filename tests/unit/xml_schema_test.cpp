#include "base/failure.hpp"
#include "runtime/files/xml_schema.hpp"

#include <gtest/gtest.h>

using namespace cartera::runtime;

namespace {
std::string schema_refusal(const std::string &xml) {
  try {
    check_xml_and_root_namespace(xml, "doc.xml");
  } catch (const Failure &f) {
    EXPECT_EQ(f.code(), ExitCode::kInputRefused);
    return f.what();
  }
  return "";
}
} // namespace

TEST(Xml, RootNamespace) {
  EXPECT_EQ(check_xml_and_root_namespace("<a xmlns=\"urn:x\"/>", "d"), "urn:x");
  EXPECT_EQ(check_xml_and_root_namespace("<a/>", "d"), "");
}

TEST(Xml, MalformedIsRefusedWithLine) {
  const std::string why = schema_refusal("<a>\n<b>\n</a>\n");
  EXPECT_NE(why.find("doc.xml:3:"), std::string::npos) << why;
}

TEST(Xml, DoctypeIsRefused) {
  EXPECT_NE(schema_refusal("<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>").find("DOCTYPE"), std::string::npos);
}

TEST(Xml, ExternalEntityIsNeverRead) {
  const std::string why =
      schema_refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<a>&x;</a>");
  EXPECT_NE(why.find("DOCTYPE"), std::string::npos) << why;
  EXPECT_EQ(why.find("root:"), std::string::npos) << why;
}

TEST(Xml, DeclaredNonUtf8EncodingIsRefused) {
  EXPECT_NE(schema_refusal("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>\xe9</a>").find("must be UTF-8"),
            std::string::npos);
}

TEST(Xml, InvalidUtf8BytesAreRefusedWithLine) {
  const std::string why = schema_refusal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n\xff\xfe</a>");
  EXPECT_NE(why.find("doc.xml:3:"), std::string::npos) << why;
}

TEST(Xml, SchemaValidationNamesLineAndProblem) {
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  schemas.validate("<result xmlns=\"urn:cartera:result:1\" module=\"m\" job=\"j\"><row/></result>", "ok.xml",
                   "result.xsd");
  try {
    schemas.validate("<result xmlns=\"urn:cartera:result:1\"\n module=\"m\">\n<row/></result>", "bad.xml",
                     "result.xsd");
    FAIL() << "validated";
  } catch (const Failure &f) {
    EXPECT_NE(std::string(f.what()).find("bad.xml:2:"), std::string::npos) << f.what();
    EXPECT_NE(std::string(f.what()).find("job"), std::string::npos) << f.what();
  }
}

TEST(Xml, UnknownSchemaIsAFailureNotARefusal) {
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  try {
    schemas.validate("<a/>", "a.xml", "nope.xsd");
    FAIL();
  } catch (const Failure &f) {
    EXPECT_EQ(f.code(), ExitCode::kFailure);
  }
  EXPECT_THROW(schemas.validate("<a/>", "a.xml", "../etc/x.xsd"), Failure);
}

TEST(Xml, LineOfOffset) {
  EXPECT_EQ(line_of_offset("a\nb\nc", 0), 1u);
  EXPECT_EQ(line_of_offset("a\nb\nc", 2), 2u);
  EXPECT_EQ(line_of_offset("a\nb\nc", 4), 3u);
}
