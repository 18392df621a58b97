#include "golden.hpp"

#include <gtest/gtest.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace cartera::testing {

namespace fs = std::filesystem;

namespace {

const char *const kHowToRecord = "; CARTERA_UPDATE_GOLDEN=1 ctest re-records it (tests/README.md, \"Goldens\")";

// The golden file's bytes, or nothing when it is absent.
bool read_golden(const fs::path &golden, std::string &text) {
  std::ifstream in(golden, std::ios::binary);
  if (!in) {
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  text = buf.str();
  return true;
}

void record(const fs::path &golden, const std::string &text) {
  fs::create_directories(golden.parent_path());
  std::ofstream(golden, std::ios::binary | std::ios::trunc) << text;
}

} // namespace

bool updating_goldens() {
  const char *v = std::getenv("CARTERA_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) != "0";
}

Mask source_dir_mask() {
  static const std::regex kSpecial(R"([.^$|()\[\]{}*+?\\])");
  return {std::regex_replace(std::string(CARTERA_SOURCE_DIR), kSpecial, R"(\$&)"), "{source}",
          "where the source tree is checked out"};
}

std::string masked(std::string text, const std::vector<Mask> &masks) {
  for (const Mask &m : masks) {
    text = std::regex_replace(text, std::regex(m.pattern), m.replacement);
  }
  return text;
}

std::string canonical_xml(const std::string &xml) {
  const std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "golden.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc) {
    throw std::runtime_error("not well-formed XML");
  }
  xmlChar *out = nullptr;
  const int n = xmlC14NDocDumpMemory(doc.get(), nullptr, XML_C14N_1_0, nullptr, 0, &out);
  if (n < 0 || out == nullptr) {
    throw std::runtime_error("libxml2 could not canonicalise the document");
  }
  std::string text(reinterpret_cast<const char *>(out), static_cast<std::size_t>(n));
  xmlFree(out);
  return text;
}

void expect_golden(const std::string &out, const fs::path &golden) {
  if (updating_goldens()) {
    record(golden, out);
  }
  std::string expected;
  if (!read_golden(golden, expected)) {
    ADD_FAILURE() << "no golden file " << golden << kHowToRecord;
    return;
  }
  EXPECT_EQ(out, expected) << golden.filename().string() << " differs from " << golden << kHowToRecord;
}

void expect_golden_xml(const std::string &xml, const fs::path &golden, const std::vector<Mask> &masks) {
  const std::string out = masked(xml, masks);
  if (updating_goldens()) {
    record(golden, out);
  }
  std::string expected;
  if (!read_golden(golden, expected)) {
    ADD_FAILURE() << "no golden file " << golden << kHowToRecord;
    return;
  }
  std::string got_c14n;
  std::string expected_c14n;
  try {
    got_c14n = canonical_xml(out);
  } catch (const std::exception &e) {
    ADD_FAILURE() << "the document compared with " << golden << " is " << e.what() << ":\n" << out;
    return;
  }
  try {
    expected_c14n = canonical_xml(expected);
  } catch (const std::exception &e) {
    ADD_FAILURE() << golden << " is " << e.what();
    return;
  }
  EXPECT_EQ(got_c14n, expected_c14n) << "the document differs from " << golden
                                     << " after canonicalisation (canonical forms above)" << kHowToRecord;
}

} // namespace cartera::testing
