// The customers' folders (runtime/archive/archive.hpp): names that cannot escape the folder, versions
// that never overwrite, and the document paths that say whose a document is.
#include "runtime/archive/archive.hpp"
#include "runtime/files/sha256.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <vector>

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
  // Plain ids keep the folder names they always had.
  EXPECT_EQ(customer_folder("C-0001"), "C-0001");
  EXPECT_EQ(customer_folder("900.123_456-7"), "900.123_456-7");
  EXPECT_EQ(customer_folder("A_B"), "A_B");
  EXPECT_EQ(customer_folder(".hidden"), ".hidden");
  // Anything else is percent-encoded.
  EXPECT_EQ(customer_folder("../../etc"), "%2E%2E%2F%2E%2E%2Fetc");
  EXPECT_EQ(customer_folder("C/0001"), "C%2F0001");
  EXPECT_EQ(customer_folder("Peña"), "Pe%C3%B1a");
  EXPECT_EQ(customer_folder("50%"), "50%25");
  EXPECT_EQ(customer_folder(""), "%");
  EXPECT_EQ(customer_folder("."), "%2E");
  EXPECT_EQ(customer_folder(".."), "%2E%2E");
}

// Issue 20 #12: "A/B" and "A_B" shared one folder. Distinct ids, distinct folders: every pair
// of short ids over an alphabet of the kept bytes, the escaped ones and the escape itself.
TEST(ArchiveNames, DistinctCustomersNeverShareAFolder) {
  EXPECT_NE(customer_folder("A/B"), customer_folder("A_B"));
  EXPECT_NE(customer_folder("A B"), customer_folder("A_B"));
  EXPECT_NE(customer_folder("%2F"), customer_folder("/"));
  const std::string alphabet = "A_.-/%2F \xc3";
  std::vector<std::string> ids = {""};
  for (std::size_t len = 1; len <= 3; ++len) {
    std::vector<std::string> longer;
    for (const std::string &id : ids) {
      if (id.size() + 1 == len) {
        for (const char c : alphabet) {
          longer.push_back(id + c);
        }
      }
    }
    ids.insert(ids.end(), longer.begin(), longer.end());
  }
  std::map<std::string, std::string> seen;
  for (const std::string &id : ids) {
    const std::string folder = customer_folder(id);
    ASSERT_FALSE(folder.empty());
    ASSERT_NE(folder, ".");
    ASSERT_NE(folder, "..");
    ASSERT_EQ(folder.find('/'), std::string::npos) << id;
    const auto [it, inserted] = seen.emplace(folder, id);
    ASSERT_TRUE(inserted || it->second == id) << "'" << id << "' and '" << it->second << "' share " << folder;
  }
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
