#include "runtime/elf_exports.hpp"
#include "runtime/host.hpp"
#include "runtime/outbox.hpp"

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
