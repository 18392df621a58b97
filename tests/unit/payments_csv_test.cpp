#include "csv_statement.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

using cartera::payments::BankEntry;
using cartera::payments::BankFile;
using cartera::payments::BankFileError;
using cartera::payments::CsvDateFormat;
using cartera::payments::CsvField;
using cartera::payments::CsvMapping;
using cartera::payments::parse_csv_mapping;
using cartera::payments::parse_csv_statement;

namespace {

std::string csv_file(const std::string &name) {
  const std::filesystem::path p = std::filesystem::path(CARTERA_SOURCE_DIR) / "tests/data/csv" / name;
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in) << p;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

CsvMapping bancolombia() {
  return parse_csv_mapping(csv_file("bancolombia-mapping.xml"));
}

// The mapping the credit/debit fixtures are read with (see tests/data/csv/README.md).
const char *const kCreditDebitMapping = R"(<?xml version="1.0" encoding="UTF-8"?>
<bank-csv-mapping xmlns="urn:cartera:bank-csv-mapping:1">
  <bank>Banco de Prueba</bank>
  <account>12345678901</account>
  <currency>COP</currency>
  <format date-format="DD/MM/YYYY" decimal-separator="comma" thousands-separator="dot"/>
  <columns>
    <column field="booking-date"><header>Fecha</header></column>
    <column field="remittance"><header>Descripción</header></column>
    <column field="bank-reference"><header>Documento</header></column>
    <column field="credit"><header>Crédito</header></column>
    <column field="debit"><header>Débito</header></column>
  </columns>
</bank-csv-mapping>)";

std::optional<BankFileError> csv_refusal(const std::string &bytes, const CsvMapping &m) {
  try {
    parse_csv_statement(bytes, m);
  } catch (const BankFileError &e) {
    return e;
  }
  return std::nullopt;
}

std::string mapping_refusal(const std::string &xml) {
  try {
    parse_csv_mapping(xml);
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

const std::int64_t kCsvNov20 = cartera::sdk::days_from_civil({2026, 11, 20});

} // namespace

TEST(CsvMappingDoc, ReadsTheBancolombiaMapping) {
  const CsvMapping m = bancolombia();
  EXPECT_EQ(m.bank, "Bancolombia");
  EXPECT_EQ(m.account, "12345678901");
  EXPECT_EQ(m.currency, "COP");
  EXPECT_EQ(m.delimiter, ',');
  EXPECT_TRUE(m.header_row);
  EXPECT_EQ(m.date_format, CsvDateFormat::kDayMonthYear);
  EXPECT_EQ(m.decimal_separator, ',');
  EXPECT_EQ(m.thousands_separator, '.');
  ASSERT_EQ(m.columns.size(), 8u);
  EXPECT_EQ(m.columns.at(CsvField::kAmount).header, "Valor");
  EXPECT_EQ(m.columns.at(CsvField::kRemittance).header, "Descripción");
  EXPECT_EQ(m.columns.at(CsvField::kPayerId).header, "");
  EXPECT_EQ(m.columns.at(CsvField::kPayerId).position, 7u);
  EXPECT_TRUE(m.key_fields.empty());
}

TEST(CsvMappingDoc, Refusals) {
  EXPECT_TRUE(contains(mapping_refusal("<?xml version=\"1.0\"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "
                                       "\"file:///etc/passwd\">]>\n<bank-csv-mapping/>"),
                       "DOCTYPE"));
  std::string no_date = kCreditDebitMapping;
  no_date.replace(no_date.find("booking-date"), 12, "value-date");
  EXPECT_TRUE(contains(mapping_refusal(no_date), "booking-date is not mapped"));
  std::string credit_only = kCreditDebitMapping;
  credit_only.replace(credit_only.find("\"debit\""), 7, "\"channel\"");
  EXPECT_TRUE(contains(mapping_refusal(credit_only), "map amount, or both credit and debit"));
  std::string no_header = kCreditDebitMapping;
  no_header.replace(no_header.find("<format "), 8, "<format header-row=\"false\" ");
  EXPECT_TRUE(contains(mapping_refusal(no_header), "no header row"));
  EXPECT_TRUE(contains(mapping_refusal("<bank-csv-mapping xmlns=\"urn:other\"/>"), "namespace"));
  EXPECT_TRUE(contains(mapping_refusal("<bank-csv-mapping"), "not well-formed"));
}

TEST(CsvStatement, ReadsTheBancolombiaExport) {
  const BankFile f = parse_csv_statement(csv_file("bancolombia-2026-11-20.csv"), bancolombia());
  EXPECT_EQ(f.format, "csv");
  EXPECT_EQ(f.statement_id, "");
  EXPECT_EQ(f.account, "12345678901");
  EXPECT_EQ(f.currency, "COP");
  EXPECT_FALSE(f.has_balances);
  ASSERT_EQ(f.entries.size(), 7u);

  std::int64_t total = 0;
  std::set<std::string> keys;
  for (const BankEntry &e : f.entries) {
    total += e.amount;
    EXPECT_TRUE(keys.insert(e.key).second) << e.key;
    EXPECT_EQ(e.booking_date, kCsvNov20);
    EXPECT_EQ(e.value_date, kCsvNov20);
    EXPECT_FALSE(e.reversal);
  }
  EXPECT_EQ(total, 282347250); // 125000000 + 38050050 + 110000000 + 9650000 - 350000 - 1400 - 1400

  const BankEntry &pse = f.entries[0];
  EXPECT_EQ(pse.line, 2u);
  EXPECT_EQ(pse.key, "csv:12345678901:0012345601");
  EXPECT_EQ(pse.account, "12345678901");
  EXPECT_EQ(pse.currency, "COP");
  EXPECT_EQ(pse.amount, 125000000);
  EXPECT_EQ(pse.remittance, "PAGO PSE FACTURA F000123, FERRETERIA");
  EXPECT_EQ(pse.structured_reference, "F000123");
  EXPECT_EQ(pse.bank_reference, "0012345601");
  EXPECT_EQ(pse.end_to_end_id, "");
  EXPECT_EQ(pse.payer_name, "Ferretería El Tornillo S.A.S.");
  EXPECT_EQ(pse.payer_id, "900765432-1");
  EXPECT_EQ(pse.channel, "PSE");

  EXPECT_EQ(f.entries[1].payer_name, "Pérez, Ana \"La Mona\"");
  EXPECT_EQ(f.entries[1].amount, 38050050);

  // A quoted line break: the record starts on line 4 and the next one on line 6.
  EXPECT_EQ(f.entries[2].line, 4u);
  EXPECT_EQ(f.entries[2].remittance, "ABONO CONTRATO 45001235\nSEGUNDA CUOTA");
  EXPECT_EQ(f.entries[3].line, 6u);
  EXPECT_EQ(f.entries[3].amount, 9650000); // "96.500": no decimals

  EXPECT_EQ(f.entries[4].amount, -350000);
  EXPECT_EQ(f.entries[4].payer_name, "");

  // No bank reference: every mapped field makes the key, and the identical second row gets #2.
  EXPECT_EQ(f.entries[5].line, 8u);
  EXPECT_EQ(f.entries[5].key, "csv:12345678901:2026-11-20:-1400::IMPTO GOBIERNO 4X1000::::");
  EXPECT_EQ(f.entries[6].key, f.entries[5].key + "#2");

  const BankFile again = parse_csv_statement(csv_file("bancolombia-2026-11-20.csv"), bancolombia());
  for (std::size_t i = 0; i < f.entries.size(); ++i) {
    EXPECT_EQ(again.entries[i].key, f.entries[i].key);
  }
}

TEST(CsvStatement, BadMissingColumn) {
  const auto e = csv_refusal(csv_file("bad-missing-column.csv"), bancolombia());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 1u);
  EXPECT_EQ(e->field(), "amount");
  EXPECT_EQ(e->value(), "Valor");
  EXPECT_STREQ(e->what(), "line 1: field amount, value 'Valor': missing column 'Valor'");
}

TEST(CsvStatement, BadDate) {
  const auto e = csv_refusal(csv_file("bad-date.csv"), bancolombia());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 3u);
  EXPECT_EQ(e->field(), "booking-date");
  EXPECT_EQ(e->value(), "31/11/2026");
  EXPECT_TRUE(contains(e->what(), "DD/MM/YYYY")) << e->what();
}

TEST(CsvStatement, BadThreeDecimals) {
  const auto e = csv_refusal(csv_file("bad-three-decimals.csv"), bancolombia());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 2u);
  EXPECT_EQ(e->field(), "amount");
  EXPECT_EQ(e->value(), "1.250.000,001");
  EXPECT_TRUE(contains(e->what(), "more than two decimals in column 'Valor'")) << e->what();
}

TEST(CsvStatement, BadNegativeCredit) {
  const auto e = csv_refusal(csv_file("bad-negative-credit.csv"), parse_csv_mapping(kCreditDebitMapping));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 3u);
  EXPECT_EQ(e->field(), "credit");
  EXPECT_EQ(e->value(), "-50.000,00");
  EXPECT_TRUE(contains(e->what(), "negative amount")) << e->what();
}

TEST(CsvStatement, BadFieldCount) {
  const auto e = csv_refusal(csv_file("bad-field-count.csv"), bancolombia());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->line(), 5u); // after a record that spans lines 3 and 4
  EXPECT_EQ(e->field(), "record");
  EXPECT_EQ(e->value(), "7");
  EXPECT_TRUE(contains(e->what(), "expected 8 fields, found 7")) << e->what();
}

TEST(CsvStatement, BadLatin1) {
  const auto e = csv_refusal(csv_file("bad-latin1.csv"), bancolombia());
  ASSERT_TRUE(e);
  // The whole export is Latin-1: the header's "Descripción" is the first bad byte.
  EXPECT_EQ(e->line(), 1u);
  EXPECT_EQ(e->field(), "encoding");
  EXPECT_EQ(e->value(), "0xF3");
  EXPECT_STREQ(e->what(), "line 1: field encoding, value '0xF3': byte 16 is not UTF-8; export the file as UTF-8");

  // One Latin-1 byte further down, after a quoted line break: its physical line.
  const auto row = csv_refusal("Fecha,Descripción,Referencia,Valor,Documento,Nombre,NIT/CC,Canal\n"
                               "20/11/2026,\"A\nB\",F1,\"1,00\",D1,Ana,1,PSE\n"
                               "20/11/2026,x,F2,\"1,00\",D2,Ferreter\xED"
                               "a,1,PSE\n",
                               bancolombia());
  ASSERT_TRUE(row);
  EXPECT_EQ(row->line(), 4u);
  EXPECT_EQ(row->value(), "0xED");
  EXPECT_TRUE(contains(row->what(), "byte 35 is not UTF-8")) << row->what();
  // Overlong, surrogate, truncated: all refused.
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82"}) {
    EXPECT_TRUE(csv_refusal("Fecha,Valor\n" + bad + "\n", bancolombia())) << bad;
  }
}

TEST(CsvStatement, CreditAndDebitColumns) {
  const CsvMapping m = parse_csv_mapping(kCreditDebitMapping);
  const BankFile f = parse_csv_statement("Fecha,Descripción,Documento,Crédito,Débito\n"
                                         "20/11/2026,PAGO,D1,\"1.250.000,00\",\n"
                                         "20/11/2026,COMISION,D2,,\"3.500,00\"\n"
                                         "20/11/2026,AJUSTE,D3,\"0,00\",\"14\"\n",
                                         m);
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].amount, 125000000);
  EXPECT_EQ(f.entries[1].amount, -350000);
  EXPECT_EQ(f.entries[2].amount, -1400);

  const auto neither = csv_refusal("Fecha,Descripción,Documento,Crédito,Débito\n20/11/2026,X,D1,,\n", m);
  ASSERT_TRUE(neither);
  EXPECT_EQ(neither->line(), 2u);
  EXPECT_EQ(neither->field(), "credit");
  EXPECT_TRUE(contains(neither->what(), "neither a credit nor a debit")) << neither->what();

  const auto both = csv_refusal("Fecha,Descripción,Documento,Crédito,Débito\n20/11/2026,X,D1,1,2\n", m);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->field(), "debit");
}

TEST(CsvStatement, PositionsWithoutHeaderAndExplicitKey) {
  CsvMapping m;
  m.bank = "Otro";
  m.account = "0550-1234";
  m.currency = "COP";
  m.delimiter = ';';
  m.header_row = false;
  m.date_format = CsvDateFormat::kCompact;
  m.decimal_separator = '.';
  m.thousands_separator = ',';
  m.columns[CsvField::kBookingDate] = {"", 1};
  m.columns[CsvField::kValueDate] = {"", 2};
  m.columns[CsvField::kAmount] = {"", 3};
  m.columns[CsvField::kPayerName] = {"", 4};
  m.key_fields = {CsvField::kBookingDate, CsvField::kAmount, CsvField::kPayerName};
  const std::string text = "\xEF\xBB\xBF"
                           "20261120;;1,234,567.5;Ana: Pérez\r\n"
                           "20261120;20261123;-20.00;Luz\r\n"
                           "\r\n"
                           "20261120;;1,234,567.5;Ana: Pérez\r\n";
  const BankFile f = parse_csv_statement(text, m);
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].amount, 123456750);
  EXPECT_EQ(f.entries[0].value_date, kCsvNov20);
  EXPECT_EQ(f.entries[1].value_date, kCsvNov20 + 3);
  EXPECT_EQ(f.entries[1].amount, -2000);
  EXPECT_EQ(f.entries[0].key, "csv:0550-1234:2026-11-20:123456750:Ana%3A Pérez");
  EXPECT_EQ(f.entries[2].key, f.entries[0].key + "#2");
  EXPECT_EQ(f.entries[2].line, 4u);

  const auto grouping = csv_refusal("20261120;;1,23,4.00;Ana\n", m);
  ASSERT_TRUE(grouping);
  EXPECT_EQ(grouping->field(), "amount");
  EXPECT_TRUE(contains(grouping->what(), "thousands separator ','")) << grouping->what();

  const auto date = csv_refusal("2026-11-20;;1.00;Ana\n", m);
  ASSERT_TRUE(date);
  EXPECT_EQ(date->field(), "booking-date");
  EXPECT_TRUE(contains(date->what(), "YYYYMMDD")) << date->what();

  const auto missing = csv_refusal("20261120;;1.00\n", m);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->field(), "payer-name");
  EXPECT_TRUE(contains(missing->what(), "missing column 4: the first row has 3 columns")) << missing->what();
}

TEST(CsvStatement, QuotingRefusals) {
  const CsvMapping m = bancolombia();
  const std::string header = "Fecha,Descripción,Referencia,Valor,Documento,Nombre,NIT/CC,Canal\n";
  const auto open = csv_refusal(header + "20/11/2026,x,F1,\"1,00\",D1,\"Ana\n\nPérez,1,PSE\n", m);
  ASSERT_TRUE(open);
  EXPECT_EQ(open->line(), 2u);
  EXPECT_TRUE(contains(open->what(), "never closed")) << open->what();

  const auto after = csv_refusal(header + "20/11/2026,x,F1,\"1,00\"x,D1,Ana,1,PSE\n", m);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->line(), 2u);
  EXPECT_TRUE(contains(after->what(), "after the closing quote")) << after->what();

  const auto twice = csv_refusal("Fecha,Valor,Valor\n", parse_csv_mapping(csv_file("bancolombia-mapping.xml")));
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->line(), 1u);

  const auto empty = csv_refusal("\xEF\xBB\xBF", m);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(contains(empty->what(), "empty file")) << empty->what();

  const auto zero = csv_refusal(header + "20/11/2026,x,F1,\"0,00\",D1,Ana,1,PSE\n", m);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->field(), "amount");
}
