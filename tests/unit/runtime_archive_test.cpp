// The customers' folders (runtime/archive.hpp): names that cannot escape the folder, versions
// that never overwrite, and the document paths that say whose a document is.
#include "runtime/archive.hpp"
#include "runtime/sha256.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace fs = std::filesystem;
using namespace cartera::runtime;

namespace {

class ArchiveFolder : public ::testing::Test {
protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cartera-archive-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  static std::string read(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path root_;
};

TEST(ArchiveNames, ACustomerIdNeverLeavesItsFolder) {
  EXPECT_EQ(customer_folder("C-0001"), "C-0001");
  EXPECT_EQ(customer_folder("900.123_456-7"), "900.123_456-7");
  EXPECT_EQ(customer_folder("../../etc"), ".._.._etc");
  EXPECT_EQ(customer_folder("C/0001"), "C_0001");
  EXPECT_EQ(customer_folder("Peña"), "Pe__a"); // two UTF-8 bytes, two underscores
  EXPECT_EQ(customer_folder(""), "_");
  EXPECT_EQ(customer_folder("."), "_.");
  EXPECT_EQ(customer_folder(".."), "_..");
}

TEST(ArchiveNames, AVersionCarriesTheStartOfItsHash) {
  const std::string sha = "1a2b3c4d5e6f";
  EXPECT_EQ(versioned_file_name("estado-de-cuenta-2026-11.pdf", sha), "estado-de-cuenta-2026-11-1a2b3c4d.pdf");
  EXPECT_EQ(versioned_file_name("carta", sha), "carta-1a2b3c4d");
  EXPECT_EQ(versioned_file_name("a.b.html", sha), "a.b-1a2b3c4d.html");
  for (const std::string &bad : {std::string(), std::string(".oculto"), std::string("../x.pdf"), std::string("a/b.pdf"),
                                 std::string("a\\b.pdf"), std::string("a\nb.pdf")}) {
    EXPECT_THROW((void)versioned_file_name(bad, sha), std::invalid_argument) << bad;
  }
}

TEST(ArchiveNames, TheNameBeforeTheVersionIsWhatTheCustomerSees) {
  const std::string sha = "1a2b3c4d5e6f";
  EXPECT_EQ(unversioned_file_name("C-1/2026/11/" + versioned_file_name("estado-de-cuenta-2026-11.pdf", sha)),
            "estado-de-cuenta-2026-11.pdf");
  EXPECT_EQ(unversioned_file_name(versioned_file_name("carta", sha)), "carta");
  EXPECT_EQ(unversioned_file_name("C-1/2026/11/estado-de-cuenta.pdf"), "estado-de-cuenta.pdf"); // no version
  EXPECT_EQ(unversioned_file_name("a-notahash.pdf"), "a-notahash.pdf");
}

TEST(ArchiveNames, TheDocumentPathFindsTheCustomerWhateverThePrefix) {
  const std::string xml = R"(<?xml version="1.0"?>
<s:statement xmlns:s="urn:cartera:statement:1" id="x"><s:holder customer="C-7" name="Ana"/>
<s:period start="2026-11-01"/></s:statement>)";
  EXPECT_EQ(value_at_document_path(xml, "holder/@customer"), "C-7");
  EXPECT_EQ(value_at_document_path(xml, "period/@start"), "2026-11-01");
  EXPECT_EQ(value_at_document_path(xml, "@id"), "x");
  EXPECT_EQ(value_at_document_path(xml, "holder/@missing"), "");
  EXPECT_EQ(value_at_document_path(xml, "nothing/@customer"), "");
  EXPECT_EQ(value_at_document_path("<broken", "holder/@customer"), "");
}

TEST_F(ArchiveFolder, TheSameBytesTwiceAreOneFileAndOtherBytesAreRefused) {
  place_archive_file(root_, "C-1/2026/11/a-11111111.pdf", "%PDF-1.5 uno");
  place_archive_file(root_, "C-1/2026/11/a-11111111.pdf", "%PDF-1.5 uno");
  EXPECT_EQ(read(root_ / "C-1/2026/11/a-11111111.pdf"), "%PDF-1.5 uno");
  try {
    place_archive_file(root_, "C-1/2026/11/a-11111111.pdf", "%PDF-1.5 otro");
    FAIL() << "different bytes replaced an archived file";
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("altered"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(root_ / "C-1/2026/11/a-11111111.pdf"), "%PDF-1.5 uno");
  std::size_t files = 0;
  for (const auto &f : fs::recursive_directory_iterator(root_)) {
    files += f.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 1U) << "no temporary file is left behind";
}

TEST_F(ArchiveFolder, ALargeFileIsWrittenWhole) {
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>(i * 31 % 251);
  }
  place_archive_file(root_, "C-2/2026/12/grande.bin", big);
  EXPECT_EQ(sha256_hex(read(root_ / "C-2/2026/12/grande.bin")), sha256_hex(big));
}

} // namespace
