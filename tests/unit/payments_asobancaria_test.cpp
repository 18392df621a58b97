#include "asobancaria2001.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using cartera::payments::BankEntry;
using cartera::payments::BankFile;
using cartera::payments::BankFileError;
using cartera::payments::parse_asobancaria2001;

namespace {

std::string asobancaria_file(const std::string &name) {
  const std::filesystem::path p = std::filesystem::path(CARTERA_SOURCE_DIR) / "tests/data/asobancaria" / name;
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in) << p;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::optional<BankFileError> asobancaria_refusal(const std::string &bytes) {
  try {
    parse_asobancaria2001(bytes);
  } catch (const BankFileError &e) {
    return e;
  }
  return std::nullopt;
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') {
      l.pop_back();
    }
    lines.push_back(l);
  }
  return lines;
}

std::string joined(const std::vector<std::string> &lines, const std::string &eol = "\r\n") {
  std::string out;
  for (const std::string &l : lines) {
    out += l + eol;
  }
  return out;
}

// The good file, one record changed: line is 1-based, pos 1-based as in colombia.md.
std::string with_field(std::size_t line, std::size_t pos, const std::string &value) {
  std::vector<std::string> lines = lines_of(asobancaria_file("recaudo-2026-11-20.txt"));
  lines.at(line - 1).replace(pos - 1, value.size(), value);
  return joined(lines);
}

const std::int64_t kNov20 = cartera::sdk::days_from_civil({2026, 11, 20});

std::int64_t total(const BankFile &f) {
  std::int64_t t = 0;
  for (const BankEntry &e : f.entries) {
    t += e.amount;
  }
  return t;
}

} // namespace

TEST(Asobancaria2001, ReadsBothLotsWithEveryField) {
  const BankFile f = parse_asobancaria2001(asobancaria_file("recaudo-2026-11-20.txt"));
  EXPECT_EQ(f.format, "asobancaria2001");
  EXPECT_EQ(f.statement_id, "9001234568-20261120-A");
  EXPECT_EQ(f.account, "12345678901");
  EXPECT_EQ(f.currency, "COP");
  EXPECT_FALSE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 0);
  EXPECT_EQ(f.closing_balance, 0);
  ASSERT_EQ(f.entries.size(), 8u);
  EXPECT_EQ(total(f), 663955100); // the 09's valor total

  const BankEntry &first = f.entries[0];
  EXPECT_EQ(first.line, 3u);
  EXPECT_EQ(first.key, "aso2001:9001234568:12345678901:20261120:0001:0000001:F000123:125000000");
  EXPECT_EQ(first.account, "12345678901");
  EXPECT_EQ(first.booking_date, kNov20);
  EXPECT_EQ(first.value_date, kNov20);
  EXPECT_EQ(first.amount, 125000000);
  EXPECT_EQ(first.currency, "COP");
  EXPECT_FALSE(first.reversal);
  EXPECT_EQ(first.bank_reference, "op 104511 aut 730012");
  EXPECT_EQ(first.end_to_end_id, "");
  EXPECT_EQ(first.remittance, "F000123");
  EXPECT_EQ(first.structured_reference, "");
  EXPECT_EQ(first.payer_name, "");
  EXPECT_EQ(first.payer_id, "");
  EXPECT_EQ(first.channel, "01/01");

  // Its filler trimmed after the causal, as in real files.
  const BankEntry &second = f.entries[1];
  EXPECT_EQ(second.line, 4u);
  EXPECT_EQ(second.amount, 84530050);
  EXPECT_EQ(second.channel, "01/02");

  // Causal de devolución 001: a returned check, still money the lot counts.
  const BankEntry &returned = f.entries[4];
  EXPECT_EQ(returned.line, 7u);
  EXPECT_TRUE(returned.reversal);
  EXPECT_EQ(returned.amount, 51200000);
  EXPECT_EQ(returned.remittance, "F000142");

  // Lot 0002, after a 05 whose filler is zeros; a contract id as the reference.
  const BankEntry &contract = f.entries[5];
  EXPECT_EQ(contract.line, 10u);
  EXPECT_EQ(contract.key, "aso2001:9001234568:12345678901:20261120:0002:0000006:45001234:38050050");
  EXPECT_EQ(contract.remittance, "45001234");
  EXPECT_EQ(contract.amount, 38050050);
  EXPECT_EQ(contract.bank_reference, "op 205001 aut 880001");
  EXPECT_EQ(contract.channel, "03/11");
  EXPECT_FALSE(contract.reversal);

  std::set<std::string> keys;
  for (const BankEntry &e : f.entries) {
    EXPECT_TRUE(keys.insert(e.key).second) << e.key;
    EXPECT_GT(e.amount, 0);
  }
}

TEST(Asobancaria2001, OverlappingFileRepeatsKeys) {
  const BankFile a = parse_asobancaria2001(asobancaria_file("recaudo-2026-11-20.txt"));
  const BankFile b = parse_asobancaria2001(asobancaria_file("recaudo-2026-11-20-B.txt"));
  EXPECT_EQ(b.statement_id, "9001234568-20261120-B");
  ASSERT_EQ(b.entries.size(), 5u);
  EXPECT_EQ(total(b), 9650000 + 51200000 + 7525000 + 64000000 + 150000000);
  EXPECT_EQ(b.entries[0].key, a.entries[3].key);
  EXPECT_EQ(b.entries[1].key, a.entries[4].key);
  EXPECT_EQ(b.entries[2].key, a.entries[7].key);
  std::set<std::string> keys_a;
  for (const BankEntry &e : a.entries) {
    keys_a.insert(e.key);
  }
  EXPECT_EQ(keys_a.count(b.entries[3].key), 0u);
  EXPECT_EQ(keys_a.count(b.entries[4].key), 0u);
  EXPECT_EQ(b.entries[4].key, "aso2001:9001234568:12345678901:20261120:0002:0000010:45009901:150000000");

  // The same file twice: the same keys.
  const BankFile again = parse_asobancaria2001(asobancaria_file("recaudo-2026-11-20.txt"));
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    EXPECT_EQ(again.entries[i].key, a.entries[i].key);
  }
}

TEST(Asobancaria2001, LineEndingsTrimmedFillerAndTrailingBlankLines) {
  const std::vector<std::string> lines = lines_of(asobancaria_file("recaudo-2026-11-20.txt"));
  EXPECT_EQ(parse_asobancaria2001(joined(lines, "\n")).entries.size(), 8u);
  EXPECT_EQ(parse_asobancaria2001(joined(lines) + "\r\n   \r\n").entries.size(), 8u);
  std::string no_final_eol = joined(lines);
  no_final_eol.resize(no_final_eol.size() - 2);
  EXPECT_EQ(parse_asobancaria2001(no_final_eol).entries.size(), 8u);

  // A 06 trimmed right after its secuencia (blank causal and filler gone) is whole.
  std::vector<std::string> trimmed = lines;
  trimmed[2].resize(94);
  const BankFile f = parse_asobancaria2001(joined(trimmed));
  EXPECT_FALSE(f.entries[0].reversal);
  EXPECT_EQ(f.entries[0].amount, 125000000);

  // Reserved positions are not read, so what a bank writes there is accepted.
  std::vector<std::string> noted = lines;
  noted[0].replace(60, 12, "OBSERVACION1");
  EXPECT_EQ(parse_asobancaria2001(joined(noted)).entries.size(), 8u);
}

TEST(Asobancaria2001, BadLotTotal) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-lot-total.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 8u);
  EXPECT_EQ(e->field(), "08 valor total recaudado del lote");
  EXPECT_EQ(e->value(), "000000000508390050");
  EXPECT_STREQ(e->what(), "line 8: field 08 valor total recaudado del lote, value '000000000508390050': lot 0001's "
                          "detail (06) records add up to 000000000508380050 ($ 5.083.800,50)");
}

TEST(Asobancaria2001, BadFileCount) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-file-count.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 14u);
  EXPECT_EQ(e->field(), "09 total registros recaudados");
  EXPECT_EQ(e->value(), "000000009");
  EXPECT_NE(std::string(e->what()).find("the file has 8 detail (06) records"), std::string::npos) << e->what();
}

TEST(Asobancaria2001, BadRecordLength) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-record-length.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 5u);
  EXPECT_EQ(e->field(), "registro 06");
  EXPECT_EQ(e->value(), "80");
  EXPECT_NE(std::string(e->what()).find("wrong record length: expected 94 to 162 characters, found 80"),
            std::string::npos)
      << e->what();

  std::vector<std::string> lines = lines_of(asobancaria_file("recaudo-2026-11-20.txt"));
  lines[0] += " "; // 163
  const auto longer = asobancaria_refusal(joined(lines));
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->line(), 1u);
  EXPECT_EQ(longer->field(), "registro 01");
  EXPECT_EQ(longer->value(), "163");
}

TEST(Asobancaria2001, BadOrder) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-order.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 2u);
  EXPECT_EQ(e->field(), "tipo de registro");
  EXPECT_EQ(e->value(), "06");
  EXPECT_NE(std::string(e->what()).find("expected 05"), std::string::npos) << e->what();
}

TEST(Asobancaria2001, BadDate) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-date.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 1u);
  EXPECT_EQ(e->field(), "01 fecha de recaudo");
  EXPECT_EQ(e->value(), "20260230");
  EXPECT_NE(std::string(e->what()).find("no such date"), std::string::npos) << e->what();
}

TEST(Asobancaria2001, BadAmount) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-amount.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 4u);
  EXPECT_EQ(e->field(), "06 valor recaudado");
  EXPECT_EQ(e->value(), "000000845A0050");
}

TEST(Asobancaria2001, BadLatin1) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-latin1.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 9u);
  EXPECT_EQ(e->field(), "registro");
  EXPECT_EQ(e->value(), "0xCD");
  EXPECT_NE(std::string(e->what()).find("byte 36 is not ASCII"), std::string::npos) << e->what();
}

TEST(Asobancaria2001, BadTruncated) {
  const auto e = asobancaria_refusal(asobancaria_file("bad-truncated.txt"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 0u);
  EXPECT_EQ(e->field(), "registro 09");
  EXPECT_NE(std::string(e->what()).find("ends at line 13 without its 09"), std::string::npos) << e->what();
}

TEST(Asobancaria2001, LotControlMismatches) {
  const auto count = asobancaria_refusal(with_field(8, 3, "000000006"));
  ASSERT_TRUE(count);
  EXPECT_EQ(count->line(), 8u);
  EXPECT_EQ(count->field(), "08 total registros del lote");
  EXPECT_EQ(count->value(), "000000006");
  EXPECT_NE(std::string(count->what()).find("lot 0001 has 5 detail (06) records"), std::string::npos);

  const auto lot = asobancaria_refusal(with_field(13, 30, "0003"));
  ASSERT_TRUE(lot);
  EXPECT_EQ(lot->line(), 13u);
  EXPECT_EQ(lot->field(), "08 número de lote");
  EXPECT_EQ(lot->value(), "0003");
  EXPECT_NE(std::string(lot->what()).find("05 at line 9 is 0002"), std::string::npos) << lot->what();

  const auto file_total = asobancaria_refusal(with_field(14, 12, "000000000663955000"));
  ASSERT_TRUE(file_total);
  EXPECT_EQ(file_total->line(), 14u);
  EXPECT_EQ(file_total->field(), "09 valor total recaudado");
  EXPECT_NE(std::string(file_total->what()).find("000000000663955100 ($ 6.639.551,00)"), std::string::npos);
}

TEST(Asobancaria2001, FieldRefusals) {
  const auto zero = asobancaria_refusal(with_field(3, 51, "00000000000000"));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->line(), 3u);
  EXPECT_EQ(zero->field(), "06 valor recaudado");
  EXPECT_NE(std::string(zero->what()).find("greater than zero"), std::string::npos);

  const auto nit = asobancaria_refusal(with_field(1, 3, "90012345X8"));
  ASSERT_TRUE(nit);
  EXPECT_EQ(nit->field(), "01 NIT empresa facturadora");

  const auto sequence = asobancaria_refusal(with_field(10, 88, "00000A6"));
  ASSERT_TRUE(sequence);
  EXPECT_EQ(sequence->line(), 10u);
  EXPECT_EQ(sequence->field(), "06 secuencia");

  const auto modifier = asobancaria_refusal(with_field(1, 53, "*"));
  ASSERT_TRUE(modifier);
  EXPECT_EQ(modifier->field(), "01 modificador de archivo");
}

TEST(Asobancaria2001, StructureRefusals) {
  const std::vector<std::string> lines = lines_of(asobancaria_file("recaudo-2026-11-20.txt"));

  std::vector<std::string> after = lines;
  after.push_back(lines[1]);
  const auto trailing = asobancaria_refusal(joined(after));
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->line(), 15u);
  EXPECT_NE(std::string(trailing->what()).find("nothing may follow"), std::string::npos);

  std::vector<std::string> blank = lines;
  blank.insert(blank.begin() + 1, "");
  const auto inside = asobancaria_refusal(joined(blank));
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->line(), 2u);
  EXPECT_NE(std::string(inside->what()).find("blank line"), std::string::npos);

  std::vector<std::string> empty_lot = lines;
  empty_lot.erase(empty_lot.begin() + 9, empty_lot.begin() + 12); // lot 0002's details
  const auto no_details = asobancaria_refusal(joined(empty_lot));
  ASSERT_TRUE(no_details);
  EXPECT_EQ(no_details->line(), 10u);
  EXPECT_EQ(no_details->value(), "08");

  const auto nothing = asobancaria_refusal("");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->line(), 0u);
}

// Issue 20 item 12: UTF-16 is named as such, with its line and field, and so is a NUL.
TEST(Asobancaria2001, Utf16AndNulAreRefusedWithLineAndField) {
  std::string utf16 = "\xFF\xFE";
  for (const char c : asobancaria_file("recaudo-2026-11-20.txt")) {
    utf16 += c;
    utf16 += '\0';
  }
  const auto bom = asobancaria_refusal(utf16);
  ASSERT_TRUE(bom);
  EXPECT_EQ(bom->line(), 1u);
  EXPECT_EQ(bom->field(), "codificación");
  EXPECT_EQ(bom->value(), "0xFF 0xFE");
  const auto nul = asobancaria_refusal(utf16.substr(2));
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->line(), 1u);
  EXPECT_EQ(nul->field(), "codificación");
  EXPECT_EQ(nul->value(), "0x00");
  // A NIT that is not digits: its record and field.
  const auto nit = asobancaria_refusal(with_field(1, 3, "90012345A7"));
  ASSERT_TRUE(nit);
  EXPECT_EQ(nit->line(), 1u);
  EXPECT_EQ(nit->field(), "01 NIT empresa facturadora");
  EXPECT_EQ(nit->value(), "90012345A7");
}
