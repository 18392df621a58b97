#include "camt053.hpp"
#include "module_dir.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using cartera::payments::BankEntry;
using cartera::payments::BankFile;
using cartera::payments::BankFileError;
using cartera::payments::parse_camt053;

namespace {

std::string read_data(const std::string &name) {
  const std::string path = std::string(CARTERA_SOURCE_DIR) + "/tests/data/camt053/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

using cartera::testing::iso_day;

struct Refusal {
  std::uint64_t line = 0;
  std::string field;
  std::string value;
  std::string message;
};

Refusal camt_refusal(std::string_view bytes) {
  try {
    parse_camt053(bytes);
  } catch (const BankFileError &e) {
    return {e.line(), e.field(), e.value(), e.what()};
  }
  ADD_FAILURE() << "accepted, expected a refusal";
  return {};
}

std::string replaced(std::string text, const std::string &from, const std::string &to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// OCA's "ref" is the structured creditor reference when there is one, else the end-to-end id.
std::string oca_ref(const BankEntry &e) {
  return e.structured_reference.empty() ? e.end_to_end_id : e.structured_reference;
}

// One transaction of OCA's golden-*.pydata: amount (their float x 100), date, ref,
// partner_name, the RmtInf/Ustrd line of their narration, transaction_type.
struct Oracle {
  std::int64_t amount;
  const char *date;
  const char *ref;
  const char *partner_name;
  const char *ustrd;
  const char *transaction_type;
};

// In-memory statements, one element per line so that refusals have predictable lines:
// 1 declaration, 2 Document, 3 BkToCstmrStmt, 4 Stmt, 5 Id, 6 Acct, 7... balances and entries.
constexpr const char *kNs02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02";

std::string document(const std::string &statements, const std::string &ns = kNs02) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"" + ns + "\">\n<BkToCstmrStmt>\n" + statements +
         "</BkToCstmrStmt>\n</Document>\n";
}

std::string statement(const std::string &id, const std::string &account, const std::string &body,
                      const std::string &account_extra = "<Ccy>COP</Ccy>") {
  return "<Stmt>\n<Id>" + id + "</Id>\n<Acct><Id><Othr><Id>" + account + "</Id></Othr></Id>" + account_extra +
         "</Acct>\n" + body + "</Stmt>\n";
}

std::string balance(const std::string &type, const std::string &amount, const std::string &ind = "CRDT",
                    const std::string &ccy = "COP") {
  return "<Bal><Tp><CdOrPrtry><Cd>" + type + "</Cd></CdOrPrtry></Tp><Amt Ccy=\"" + ccy + "\">" + amount +
         "</Amt><CdtDbtInd>" + ind + "</CdtDbtInd><Dt><Dt>2026-03-05</Dt></Dt></Bal>\n";
}

std::string entry(const std::string &amount, const std::string &ind, const std::string &rest = "",
                  const std::string &ccy = "COP") {
  return "<Ntry><Amt Ccy=\"" + ccy + "\">" + amount + "</Amt><CdtDbtInd>" + ind +
         "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-05</Dt></BookgDt>" + rest + "</Ntry>\n";
}

std::string tx(const std::string &amount, const std::string &refs = "", const std::string &rest = "") {
  return "<TxDtls><Refs>" + refs + "</Refs><AmtDtls><TxAmt><Amt Ccy=\"COP\">" + amount + "</Amt></TxAmt></AmtDtls>" +
         rest + "</TxDtls>";
}

} // namespace

// ---- OCA bank-statement-import: its files against its own expected results -------------------

TEST(Camt053, OcaStatementDoesNotReconcileAndIsRefusedNamingBothNumbers) {
  // OCA does not check balances; its golden result keeps opening 15568.27 and closing 15121.12,
  // but the entries (-754.25, -664.05, +1405.31) bring the opening to 15555.28.
  const Refusal r = camt_refusal(read_data("test-camt053.xml"));
  EXPECT_EQ(r.line, 38u);
  EXPECT_EQ(r.field, "Bal/Amt");
  EXPECT_EQ(r.value, "15121.12");
  EXPECT_EQ(r.message,
            "line 38: field Bal/Amt, value '15121.12': statement '1234Test/1' does not reconcile: opening "
            "balance 15568.27 + booked entries -12.99 = 15555.28, but the closing balance (CLBD) is 15121.12");
}

TEST(Camt053, OcaStatementTransactionsMatchTheOracle) {
  // The oracle's transactions, read from a copy whose closing balance is corrected in memory.
  const std::string bytes =
      replaced(read_data("test-camt053.xml"), "<Amt Ccy=\"EUR\">15121.12</Amt>", "<Amt Ccy=\"EUR\">15555.28</Amt>");
  const BankFile f = parse_camt053(bytes);
  EXPECT_EQ(f.format, "camt053");
  EXPECT_EQ(f.currency, "EUR");
  EXPECT_EQ(f.account, "NL77ABNA0574908765");
  EXPECT_EQ(f.statement_id, "1234Test/1"); // OCA's statement name
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 1556827); // balance_start 15568.27
  EXPECT_EQ(f.closing_balance, 1555528); // corrected; the oracle's balance_end_real is 15121.12

  // OCA's payment_ref is AddtlTxInf, which BankEntry does not carry; its narration's
  // RmtInf/Ustrd line is what cartera calls remittance.
  const std::vector<Oracle> oracle = {
      {-75425, "2014-01-05", "435005714488-ABNO33052620", "INSURANCE COMPANY TESTX",
       "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014", "PMNT-RDDT-ESDD"},
      {-56405, "2014-01-05", "TESTBANK/NL/20141229/01206408", "Test Customer", "Direct Debit S14 0410",
       "PMNT-IDDT-UPDD"},
      {-10000, "2014-01-05", "TESTBANK/NL/20141229/01206407", "Test Customer", "Direct Debit S14 0410",
       "PMNT-IDDT-UPDD"},
      {140531, "2014-01-05", "115", "3rd party Media", "", "PMNT-RCDT-ESCT"},
  };
  ASSERT_EQ(f.entries.size(), oracle.size());
  for (std::size_t i = 0; i < oracle.size(); ++i) {
    SCOPED_TRACE(i);
    const BankEntry &e = f.entries[i];
    EXPECT_EQ(e.amount, oracle[i].amount);
    EXPECT_EQ(e.booking_date, iso_day(oracle[i].date));
    EXPECT_EQ(oca_ref(e), oracle[i].ref);
    EXPECT_EQ(e.end_to_end_id, oracle[i].ref); // here OCA's ref is Refs/EndToEndId
    EXPECT_EQ(e.payer_name, oracle[i].partner_name);
    EXPECT_EQ(e.remittance, oracle[i].ustrd);
    EXPECT_EQ(e.channel, oracle[i].transaction_type);
    EXPECT_EQ(e.currency, "EUR");
    EXPECT_EQ(e.account, "NL77ABNA0574908765");
  }
  // The narration's "Reversal Indicator (RvslInd): true" is on the batch's two transactions,
  // which the batch's DBIT signs; the debit's counterparty is its creditor.
  EXPECT_FALSE(f.entries[0].reversal);
  EXPECT_TRUE(f.entries[1].reversal);
  EXPECT_TRUE(f.entries[2].reversal);
  EXPECT_FALSE(f.entries[3].reversal);
  EXPECT_EQ(f.entries[0].line, 50u);
  EXPECT_EQ(f.entries[1].line, 144u);
  EXPECT_EQ(f.entries[2].line, 185u);
  EXPECT_EQ(f.entries[3].line, 228u);
  // No AcctSvcrRef anywhere in this file: every key is the fallback.
  EXPECT_EQ(f.entries[0].key, "camt:NL77ABNA0574908765:2014-01-05:-754.25:435005714488-ABNO33052620:"
                              "Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014:0");
  EXPECT_EQ(f.entries[3].key, "camt:NL77ABNA0574908765:2014-01-05:1405.31:115::0");
}

TEST(Camt053, OcaTxDtlsStatementMatchesTheOracle) {
  const BankFile f = parse_camt053(read_data("test-camt053-txdtls.xml"));
  EXPECT_EQ(f.currency, "CHF");
  EXPECT_EQ(f.account, "CH1111000000123456789");
  EXPECT_EQ(f.statement_id, "20170323123456789012345");
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 7596015); // balance_start 75960.15
  EXPECT_EQ(f.closing_balance, 7944315); // balance_end_real 79443.15

  // OCA's payment_ref is the entry's AddtlNtryInf (not carried). Its transaction_type is the
  // entry's PMNT-RCDT-VCOM; cartera prefers each TxDtls' own BkTxCd, PMNT-RCDT-AUTT.
  const std::vector<Oracle> oracle = {
      {218700, "2017-03-22", "302388292000011111111111111", "Banque Cantonale Vaudoise", "", "PMNT-RCDT-AUTT"},
      {129600, "2017-03-22", "302388292000022222222222222", "Banque Cantonale Vaudoise", "", "PMNT-RCDT-AUTT"},
  };
  ASSERT_EQ(f.entries.size(), oracle.size());
  for (std::size_t i = 0; i < oracle.size(); ++i) {
    SCOPED_TRACE(i);
    const BankEntry &e = f.entries[i];
    EXPECT_EQ(e.amount, oracle[i].amount);
    EXPECT_EQ(e.booking_date, iso_day(oracle[i].date));
    EXPECT_EQ(e.value_date, iso_day("2017-03-23"));
    EXPECT_EQ(oca_ref(e), oracle[i].ref);
    EXPECT_EQ(e.structured_reference, oracle[i].ref); // here OCA's ref is Strd/CdtrRefInf/Ref
    EXPECT_EQ(e.payer_name, oracle[i].partner_name);
    EXPECT_EQ(e.remittance, oracle[i].ustrd);
    EXPECT_EQ(e.channel, oracle[i].transaction_type);
    EXPECT_EQ(e.bank_reference, "123456CHCAFEBABE"); // the narration's Refs/AcctSvcrRef
    EXPECT_FALSE(e.reversal);
    EXPECT_EQ(e.payer_id, "");
  }
  EXPECT_EQ(f.entries[0].line, 79u);
  EXPECT_EQ(f.entries[1].line, 144u);
  // Both TxDtls carry the same AcctSvcrRef (the package id), so it identifies neither: the keys
  // are the entry's reference and the position in the batch.
  EXPECT_EQ(f.entries[0].key, "camt:CH1111000000123456789:20170323001234567891234567891234#0");
  EXPECT_EQ(f.entries[1].key, "camt:CH1111000000123456789:20170323001234567891234567891234#1");
}

TEST(Camt053, OcaStatementWithoutEntriesGivesNoEntries) {
  // OCA returns (None, None, []): it drops a statement without transactions. cartera still
  // reports the account, the currency of its balances, and the (equal) balances.
  const BankFile f = parse_camt053(read_data("test-camt053-no-ntry.xml"));
  EXPECT_TRUE(f.entries.empty());
  EXPECT_EQ(f.account, "NL77ABNA0574908765");
  EXPECT_EQ(f.currency, "CHF");
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 152076);
  EXPECT_EQ(f.closing_balance, 152076);
}

TEST(Camt053, OcaCamt054NotificationIsRefused) {
  // OCA's parser reads it as a statement; a notification is not one (no balances, and its
  // entries come again in the day's camt.053).
  const Refusal r = camt_refusal(read_data("test-camt054.xml"));
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.field, "Document@xmlns");
  EXPECT_EQ(r.value, "urn:iso:std:iso:20022:tech:xsd:camt.054.001.04");
  EXPECT_NE(r.message.find("a camt.054 notification, not a camt.053 statement"), std::string::npos) << r.message;
}

// ---- Colombian statements written for cartera -------------------------------------------------

TEST(Camt053, ColombianStatementGivesTheEntriesWritten) {
  const BankFile f = parse_camt053(read_data("cop-001.02.xml"));
  EXPECT_EQ(f.format, "camt053");
  EXPECT_EQ(f.statement_id, "0123456789-20260305");
  EXPECT_EQ(f.account, "0123456789");
  EXPECT_EQ(f.currency, "COP");
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 1500000000);
  EXPECT_EQ(f.closing_balance, 2347453050);
  ASSERT_EQ(f.entries.size(), 9u);

  const std::vector<std::int64_t> amounts = {238000000, 119000000,  200000000, 157000000, 85000050,
                                             420000000, -420000000, 50000000,  -1547000};
  std::vector<std::int64_t> got;
  for (const BankEntry &e : f.entries) {
    got.push_back(e.amount);
    EXPECT_EQ(e.account, "0123456789");
    EXPECT_EQ(e.currency, "COP");
    // The pending entry (PAGO FACT F000170 EN CANJE, 999,999.00) is not among them.
    EXPECT_EQ(e.remittance.find("F000170"), std::string::npos);
  }
  EXPECT_EQ(got, amounts);
  EXPECT_EQ(std::accumulate(got.begin(), got.end(), std::int64_t{0}), f.closing_balance - f.opening_balance);

  const BankEntry &first = f.entries[0];
  EXPECT_EQ(first.line, 59u);
  EXPECT_EQ(first.key, "camt:0123456789:BC20260302000101");
  EXPECT_EQ(first.account, "0123456789");
  EXPECT_EQ(first.booking_date, iso_day("2026-03-02"));
  EXPECT_EQ(first.value_date, iso_day("2026-03-02"));
  EXPECT_EQ(first.amount, 238000000);
  EXPECT_EQ(first.currency, "COP");
  EXPECT_FALSE(first.reversal);
  EXPECT_EQ(first.bank_reference, "BC20260302000101");
  EXPECT_EQ(first.end_to_end_id, "ACH-7781-0001");
  EXPECT_EQ(first.remittance, "PAGO FACT F000123");
  EXPECT_EQ(first.structured_reference, "");
  EXPECT_EQ(first.payer_name, "Clínica Andina S.A.S.");
  EXPECT_EQ(first.payer_id, "900123456");
  EXPECT_EQ(first.channel, "PMNT-RCDT-DMCT");

  const BankEntry &second = f.entries[1];
  EXPECT_EQ(second.line, 110u);
  EXPECT_EQ(second.key, "camt:0123456789:BC20260302000102");
  EXPECT_EQ(second.booking_date, iso_day("2026-03-02"));
  EXPECT_EQ(second.value_date, iso_day("2026-03-03"));
  EXPECT_EQ(second.amount, 119000000);
  EXPECT_FALSE(second.reversal);
  EXPECT_EQ(second.bank_reference, "BC20260302000102");
  EXPECT_EQ(second.end_to_end_id, ""); // NOTPROVIDED
  EXPECT_EQ(second.remittance, "");
  EXPECT_EQ(second.structured_reference, "F000124");
  EXPECT_EQ(second.payer_name, "Ferretería El Tornillo Ltda.");
  EXPECT_EQ(second.payer_id, "800765432");
  EXPECT_EQ(second.channel, "PMNT-RCDT-DMCT");

  // The batch: one entry of 3,570,000.00 split into its two transactions.
  const BankEntry &b1 = f.entries[2];
  const BankEntry &b2 = f.entries[3];
  EXPECT_EQ(b1.line, 183u);
  EXPECT_EQ(b2.line, 210u);
  EXPECT_EQ(b1.amount + b2.amount, 357000000);
  EXPECT_EQ(b1.key, "camt:0123456789:BC20260303000201");
  EXPECT_EQ(b2.key, "camt:0123456789:BC20260303000202");
  EXPECT_EQ(b1.bank_reference, "BC20260303000201");
  EXPECT_EQ(b1.end_to_end_id, "PAB-2026-0301");
  EXPECT_EQ(b1.remittance, "PAGO FACT F000130 ABONO"); // two Ustrd
  EXPECT_EQ(b1.payer_name, "Distribuidora Caribe S.A.");
  EXPECT_EQ(b1.payer_id, "901234567");
  EXPECT_EQ(b2.remittance, "CANCELA F000131 F000132");
  EXPECT_EQ(b2.payer_name, "Inversiones La Sabana S.A.S.");
  EXPECT_EQ(b2.payer_id, "830045678");
  EXPECT_EQ(b1.channel, "PMNT-RCDT-BOOK");
  EXPECT_EQ(b1.booking_date, iso_day("2026-03-03"));

  // A person paying with a cédula (PrvtId); no ValDt, so the value date is the booking date.
  const BankEntry &person = f.entries[4];
  EXPECT_EQ(person.payer_name, "María Fernanda Gómez Ruiz");
  EXPECT_EQ(person.payer_id, "52123456");
  EXPECT_EQ(person.value_date, person.booking_date);

  // The returned cheque: a debit that reverses the customer's credit, naming the customer.
  const BankEntry &bounced = f.entries[6];
  EXPECT_EQ(bounced.line, 318u);
  EXPECT_EQ(bounced.key, "camt:0123456789:BC20260305000401");
  EXPECT_EQ(bounced.booking_date, iso_day("2026-03-05"));
  EXPECT_EQ(bounced.value_date, iso_day("2026-03-05"));
  EXPECT_EQ(bounced.amount, -420000000);
  EXPECT_TRUE(bounced.reversal);
  EXPECT_EQ(bounced.bank_reference, "BC20260305000401");
  EXPECT_EQ(bounced.end_to_end_id, "");
  EXPECT_EQ(bounced.remittance, "CHEQUE DEVUELTO 004512 FONDOS INSUFICIENTES");
  EXPECT_EQ(bounced.payer_name, "Transportes del Valle S.A.S.");
  EXPECT_EQ(bounced.payer_id, "900987654");
  EXPECT_EQ(bounced.channel, "PMNT-RCHQ-UPCQ");

  // Without any bank reference, the fallback key.
  EXPECT_EQ(f.entries[7].key, "camt:0123456789:2026-03-05:500000.00::CONSIGNACION EFECTIVO F000160:0");
  EXPECT_EQ(f.entries[7].channel, "PMNT-CNTR-CDPT");
  EXPECT_EQ(f.entries[7].payer_name, "");
  EXPECT_EQ(f.entries[8].key, "camt:0123456789:2026-03-05:-15470.00:::0");
  EXPECT_EQ(f.entries[8].channel, "ACMT-MDOP-CHRG");
  EXPECT_EQ(f.entries[8].line, 383u);
}

TEST(Camt053, Version08ReadsTheSameMovementsAsVersion02) {
  // Prefixed elements, Sts/Cd, TxDtls/Amt, Dbtr/Pty and DtTm dates: everything but the lines is equal.
  const BankFile v02 = parse_camt053(read_data("cop-001.02.xml"));
  const BankFile v08 = parse_camt053(read_data("cop-001.08.xml"));
  EXPECT_EQ(v08.statement_id, v02.statement_id);
  EXPECT_EQ(v08.account, v02.account);
  EXPECT_EQ(v08.currency, v02.currency);
  EXPECT_EQ(v08.opening_balance, v02.opening_balance);
  EXPECT_EQ(v08.closing_balance, v02.closing_balance);
  EXPECT_TRUE(v08.has_balances);
  ASSERT_EQ(v08.entries.size(), v02.entries.size());
  const std::vector<std::uint64_t> lines = {59, 111, 190, 216, 243, 287, 331, 376, 402};
  for (std::size_t i = 0; i < v02.entries.size(); ++i) {
    SCOPED_TRACE(i);
    const BankEntry &a = v02.entries[i];
    const BankEntry &b = v08.entries[i];
    EXPECT_EQ(b.line, lines[i]);
    EXPECT_EQ(b.key, a.key);
    EXPECT_EQ(b.account, a.account);
    EXPECT_EQ(b.booking_date, a.booking_date);
    EXPECT_EQ(b.value_date, a.value_date);
    EXPECT_EQ(b.amount, a.amount);
    EXPECT_EQ(b.currency, a.currency);
    EXPECT_EQ(b.reversal, a.reversal);
    EXPECT_EQ(b.bank_reference, a.bank_reference);
    EXPECT_EQ(b.end_to_end_id, a.end_to_end_id);
    EXPECT_EQ(b.remittance, a.remittance);
    EXPECT_EQ(b.structured_reference, a.structured_reference);
    EXPECT_EQ(b.payer_name, a.payer_name);
    EXPECT_EQ(b.payer_id, a.payer_id);
    EXPECT_EQ(b.channel, a.channel);
  }
}

TEST(Camt053, KeysAreUniqueAndStableWhenParsedTwice) {
  for (const char *name : {"cop-001.02.xml", "cop-001.08.xml", "test-camt053-txdtls.xml"}) {
    SCOPED_TRACE(name);
    const std::string bytes = read_data(name);
    const BankFile once = parse_camt053(bytes);
    const BankFile twice = parse_camt053(bytes);
    std::set<std::string> keys;
    ASSERT_EQ(once.entries.size(), twice.entries.size());
    for (std::size_t i = 0; i < once.entries.size(); ++i) {
      EXPECT_EQ(once.entries[i].key, twice.entries[i].key);
      EXPECT_TRUE(keys.insert(once.entries[i].key).second) << once.entries[i].key;
    }
  }
}

TEST(Camt053, BadFilesAreRefusedWithLineFieldAndValue) {
  struct Case {
    const char *file;
    std::uint64_t line;
    const char *field;
    const char *value;
    const char *reason;
  };
  const std::vector<Case> cases = {
      {"bad-doctype.xml", 2, "DOCTYPE", "<!DOCTYPE Document [", "DOCTYPE and entity declarations are refused"},
      {"bad-balance.xml", 9, "Bal/Amt", "3380000.01",
       "statement '0123456789-20260305' does not reconcile: opening balance 1000000.00 + booked entries "
       "2380000.00 = 3380000.00, but the closing balance (CLBD) is 3380000.01"},
      {"bad-amount-decimals.xml", 11, "Ntry/Amt", "1000.005", "a fraction of a centavo"},
      {"bad-amount-negative.xml", 11, "Ntry/Amt", "-100.00", "a negative amount"},
      {"bad-currency.xml", 11, "Ntry/Amt@Ccy", "CO", "not an ISO 4217 currency code"},
      {"bad-date.xml", 14, "Ntry/BookgDt/Dt", "2026-02-30", "not a date that exists"},
      {"bad-latin1.xml", 16, "encoding", "0xED", "byte 906 (0xED) is not UTF-8"},
      {"bad-truncated.xml", 13, "XML", "<Sts>BO", "malformed XML: Start-end tags mismatch at the end of the file"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.file);
    const Refusal r = camt_refusal(read_data(c.file));
    EXPECT_EQ(r.line, c.line);
    EXPECT_EQ(r.field, c.field);
    EXPECT_EQ(r.value, c.value);
    EXPECT_NE(r.message.find(c.reason), std::string::npos) << r.message;
    EXPECT_EQ(
        r.message.rfind("line " + std::to_string(c.line) + ": field " + c.field + ", value '" + c.value + "': ", 0), 0u)
        << r.message;
  }
}

// ---- Rules on small in-memory statements ------------------------------------------------------

TEST(Camt053, SeveralStatementsOfOneAccountGiveAllEntriesAndTheOuterBalances) {
  const std::string bytes = document(statement("S1", "0123456789",
                                               balance("OPBD", "100.00") + balance("CLBD", "150.00") +
                                                   entry("50.00", "CRDT", "<AcctSvcrRef>R1</AcctSvcrRef>")) +
                                     statement("S2", "0123456789",
                                               balance("OPBD", "150.00") + balance("CLBD", "130.00") +
                                                   entry("20.00", "DBIT", "<AcctSvcrRef>R2</AcctSvcrRef>")));
  const BankFile f = parse_camt053(bytes);
  EXPECT_EQ(f.statement_id, "S1");
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, 10000);
  EXPECT_EQ(f.closing_balance, 13000);
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].amount, 5000);
  EXPECT_EQ(f.entries[1].amount, -2000);
  EXPECT_EQ(f.entries[1].line, 16u);
}

TEST(Camt053, StatementsThatDoNotChainOrLackBalancesGiveNoFileBalances) {
  const BankFile gap =
      parse_camt053(document(statement("S1", "1", balance("OPBD", "100.00") + balance("CLBD", "100.00")) +
                             statement("S2", "1", balance("OPBD", "90.00") + balance("CLBD", "90.00"))));
  EXPECT_FALSE(gap.has_balances);
  EXPECT_EQ(gap.opening_balance, 0);
  EXPECT_EQ(gap.closing_balance, 0);
  const BankFile no_closing = parse_camt053(document(
      statement("S1", "1", balance("OPBD", "100.00") + entry("1.00", "CRDT", "<AcctSvcrRef>R</AcctSvcrRef>"))));
  EXPECT_FALSE(no_closing.has_balances);
  EXPECT_EQ(no_closing.entries.size(), 1u);
}

TEST(Camt053, DebitBalancesAreNegativeAndPrcdStandsInForOpbd) {
  // An overdrawn account: opening 100.00 DBIT, a credit of 300.00, closing 200.00 CRDT.
  const BankFile f = parse_camt053(document(statement("S", "1",
                                                      balance("PRCD", "100.00", "DBIT") + balance("CLBD", "200.00") +
                                                          entry("300.00", "CRDT", "<AcctSvcrRef>R</AcctSvcrRef>"))));
  EXPECT_TRUE(f.has_balances);
  EXPECT_EQ(f.opening_balance, -10000);
  EXPECT_EQ(f.closing_balance, 20000);
}

TEST(Camt053, StatementsOfAnotherAccountOrCurrencyAreRefused) {
  const Refusal account = camt_refusal(document(statement("S1", "0123456789", "") + statement("S2", "9876543210", "")));
  EXPECT_EQ(account.line, 10u);
  EXPECT_EQ(account.field, "Stmt/Acct/Id");
  EXPECT_EQ(account.value, "9876543210");
  EXPECT_NE(account.message.find("one account per file"), std::string::npos) << account.message;

  const Refusal currency = camt_refusal(document(statement("S1", "1", balance("OPBD", "1.00")) +
                                                 statement("S2", "1", balance("OPBD", "1.00", "CRDT", "USD"), "")));
  EXPECT_EQ(currency.field, "Amt@Ccy");
  EXPECT_EQ(currency.value, "USD");
  EXPECT_NE(currency.message.find("one currency per file"), std::string::npos) << currency.message;

  // Within a statement, every amount is in the account's currency.
  const Refusal entry_currency = camt_refusal(document(statement("S", "1", entry("1.00", "CRDT", "", "USD"))));
  EXPECT_EQ(entry_currency.line, 7u);
  EXPECT_EQ(entry_currency.field, "Ntry/Amt@Ccy");
  EXPECT_EQ(entry_currency.value, "USD");
  EXPECT_NE(entry_currency.message.find("the account's currency (Acct/Ccy) is COP"), std::string::npos);
}

TEST(Camt053, MissingRequiredElementsAreRefused) {
  struct Case {
    std::string bytes;
    std::uint64_t line;
    const char *field;
  };
  const std::string booked = "<Sts>BOOK</Sts><BookgDt><Dt>2026-03-05</Dt></BookgDt>";
  const std::vector<Case> cases = {
      {document(""), 3, "Stmt"},
      {document("<Stmt>\n<Id>S</Id>\n</Stmt>\n"), 4, "Stmt/Acct/Id"},
      {document("<Stmt>\n<Id>S</Id>\n<Acct><Id><IBAN></IBAN></Id></Acct>\n</Stmt>\n"), 6, "Stmt/Acct/Id"},
      {document(statement("S", "1", "<Ntry><CdtDbtInd>CRDT</CdtDbtInd>" + booked + "</Ntry>\n")), 7, "Ntry/Amt"},
      {document(statement("S", "1", "<Ntry><Amt Ccy=\"COP\">1.00</Amt>" + booked + "</Ntry>\n")), 7, "Ntry/CdtDbtInd"},
      {document(
           statement("S", "1", "<Ntry><Amt Ccy=\"COP\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>\n")),
       7, "Ntry/BookgDt"},
      {document(statement("S", "1", "<Ntry><Amt Ccy=\"COP\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>\n")), 7,
       "Ntry/Sts"},
      {document(statement("S", "1", "<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>" + booked + "</Ntry>\n")), 7,
       "Ntry/Amt@Ccy"},
      {"<?xml version=\"1.0\"?>\n<Document xmlns=\"" + std::string(kNs02) + "\"/>\n", 2, "BkToCstmrStmt"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.bytes);
    const Refusal r = camt_refusal(c.bytes);
    EXPECT_EQ(r.line, c.line);
    EXPECT_EQ(r.field, c.field);
    EXPECT_NE(r.message.find("missing"), std::string::npos) << r.message;
  }
}

TEST(Camt053, BadCodesAndDatesAreRefused) {
  const Refusal ind = camt_refusal(document(statement("S", "1", entry("1.00", "CRED"))));
  EXPECT_EQ(ind.line, 7u);
  EXPECT_EQ(ind.field, "Ntry/CdtDbtInd");
  EXPECT_EQ(ind.value, "CRED");
  EXPECT_NE(ind.message.find("must be CRDT or DBIT"), std::string::npos);

  const Refusal balance_ind = camt_refusal(document(statement("S", "1", balance("OPBD", "1.00", "C"))));
  EXPECT_EQ(balance_ind.field, "Bal/CdtDbtInd");

  const Refusal reversal = camt_refusal(document(statement("S", "1", entry("1.00", "DBIT", "<RvslInd>yes</RvslInd>"))));
  EXPECT_EQ(reversal.field, "Ntry/RvslInd");
  EXPECT_EQ(reversal.value, "yes");

  const Refusal value_date = camt_refusal(
      document(statement("S", "1", entry("1.00", "CRDT", "<ValDt><DtTm>2026-02-29T10:00:00</DtTm></ValDt>"))));
  EXPECT_EQ(value_date.field, "Ntry/ValDt/DtTm");
  EXPECT_EQ(value_date.value, "2026-02-29T10:00:00");

  const Refusal account_currency = camt_refusal(document(statement("S", "1", "", "<Ccy>cop</Ccy>")));
  EXPECT_EQ(account_currency.line, 6u);
  EXPECT_EQ(account_currency.field, "Stmt/Acct/Ccy");
  EXPECT_EQ(account_currency.value, "cop");

  const Refusal syntax = camt_refusal(document(statement("S", "1", entry("1,000.00", "CRDT"))));
  EXPECT_EQ(syntax.field, "Ntry/Amt");
  EXPECT_EQ(syntax.value, "1,000.00");
}

TEST(Camt053, AmountsAndCodesMayBeSurroundedByWhitespace) {
  const BankFile f = parse_camt053(
      document(statement("S", "1",
                         "<Ntry><Amt Ccy=\" COP \">\n  12.5\n</Amt><CdtDbtInd> DBIT </CdtDbtInd><Sts>\n BOOK\n</Sts>"
                         "<BookgDt><Dt> 2026-03-05 </Dt></BookgDt><AcctSvcrRef> R1 </AcctSvcrRef></Ntry>\n")));
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].amount, -1250);
  EXPECT_EQ(f.entries[0].key, "camt:1:R1");
}

TEST(Camt053, BatchesAreSplitSignedAndMustAddUp) {
  // A credit entry of 70.00: a 100.00 credit and a 30.00 debit (a charge) in one batch.
  const std::string batch = "<NtryDtls>" + tx("100.00", "<AcctSvcrRef>T1</AcctSvcrRef>") +
                            tx("30.00", "<AcctSvcrRef>T2</AcctSvcrRef>", "") + "</NtryDtls>";
  const std::string signed_batch =
      replaced(batch, "</AmtDtls></TxDtls></NtryDtls>", "</AmtDtls><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls>");
  const BankFile f = parse_camt053(document(statement("S", "1", entry("70.00", "CRDT", signed_batch))));
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].amount, 10000);
  EXPECT_EQ(f.entries[1].amount, -3000);
  EXPECT_EQ(f.entries[0].key, "camt:1:T1");
  EXPECT_EQ(f.entries[1].key, "camt:1:T2");

  const Refusal sum = camt_refusal(document(statement("S", "1", entry("70.00", "CRDT", batch))));
  EXPECT_EQ(sum.line, 7u);
  EXPECT_EQ(sum.field, "Ntry/Amt");
  EXPECT_EQ(sum.value, "70.00");
  EXPECT_NE(sum.message.find("the entry's amount is 70.00 but its 2 transactions (TxDtls) add up to 130.00"),
            std::string::npos)
      << sum.message;

  const Refusal missing = camt_refusal(document(
      statement("S", "1", entry("70.00", "CRDT", "<NtryDtls>" + tx("70.00") + "<TxDtls><Refs/></TxDtls></NtryDtls>"))));
  EXPECT_EQ(missing.field, "TxDtls/Amt");
  EXPECT_NE(missing.message.find("missing: an entry of 2 transactions"), std::string::npos) << missing.message;

  // A lone transaction takes the entry's amount, but may not contradict it.
  const BankFile lone = parse_camt053(document(
      statement("S", "1", entry("70.00", "CRDT", "<AcctSvcrRef>E</AcctSvcrRef><NtryDtls><TxDtls/></NtryDtls>"))));
  ASSERT_EQ(lone.entries.size(), 1u);
  EXPECT_EQ(lone.entries[0].amount, 7000);
  EXPECT_EQ(lone.entries[0].key, "camt:1:E");
  const Refusal contradicts =
      camt_refusal(document(statement("S", "1", entry("70.00", "CRDT", "<NtryDtls>" + tx("71.00") + "</NtryDtls>"))));
  EXPECT_EQ(contradicts.field, "TxDtls/AmtDtls/TxAmt/Amt");
  EXPECT_EQ(contradicts.value, "71.00");
}

TEST(Camt053, BatchWithoutOwnReferencesIsKeyedByTheEntryAndPosition) {
  const BankFile f = parse_camt053(document(statement(
      "S", "1",
      entry("3.00", "CRDT", "<AcctSvcrRef>E:1#x</AcctSvcrRef><NtryDtls>" + tx("1.00") + tx("2.00") + "</NtryDtls>"))));
  ASSERT_EQ(f.entries.size(), 2u);
  // ':' '#' and '%' in references are escaped, so that no two references spell the same key.
  EXPECT_EQ(f.entries[0].key, "camt:1:E%3A1%23x#0");
  EXPECT_EQ(f.entries[1].key, "camt:1:E%3A1%23x#1");
  EXPECT_EQ(f.entries[0].bank_reference, "E:1#x");
}

TEST(Camt053, IdenticalMovementsWithoutReferencesAreCountedApart) {
  const BankFile f = parse_camt053(document(
      statement("S", "1",
                entry("5.00", "CRDT") + entry("5.00", "CRDT") +
                    entry("5.00", "CRDT", "<NtryDtls>" + tx("5.00", "<EndToEndId>X</EndToEndId>") + "</NtryDtls>"))));
  ASSERT_EQ(f.entries.size(), 3u);
  EXPECT_EQ(f.entries[0].key, "camt:1:2026-03-05:5.00:::0");
  EXPECT_EQ(f.entries[1].key, "camt:1:2026-03-05:5.00:::1");
  EXPECT_EQ(f.entries[2].key, "camt:1:2026-03-05:5.00:X::0");
}

// Issue 20 item 5: a reused reference (NONREF, a batch id) names two movements; the identity
// adds the date, the amount and the direction, and the position among identical ones.
TEST(Camt053, ABankReferenceReusedForTwoMovementsKeepsBothApart) {
  const BankFile f = parse_camt053(document(statement("S", "1",
                                                      entry("5.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                                          entry("6.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                                          entry("6.00", "DBIT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                                          entry("6.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>"))));
  ASSERT_EQ(f.entries.size(), 4u);
  for (const BankEntry &e : f.entries) {
    EXPECT_EQ(e.key, "camt:1:NONREF");
  }
  EXPECT_EQ(f.entries[0].identity, "camt:1:NONREF:2026-03-05:500");
  EXPECT_EQ(f.entries[1].identity, "camt:1:NONREF:2026-03-05:600");
  EXPECT_EQ(f.entries[2].identity, "camt:1:NONREF:2026-03-05:-600");
  EXPECT_EQ(f.entries[3].identity, "camt:1:NONREF:2026-03-05:600#2");
  // The same bytes again give the same identities: the same file twice is the same money.
  const BankFile again =
      parse_camt053(document(statement("S", "1",
                                       entry("5.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                           entry("6.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                           entry("6.00", "DBIT", "<AcctSvcrRef>NONREF</AcctSvcrRef>") +
                                           entry("6.00", "CRDT", "<AcctSvcrRef>NONREF</AcctSvcrRef>"))));
  for (std::size_t i = 0; i < f.entries.size(); ++i) {
    EXPECT_EQ(again.entries[i].identity, f.entries[i].identity);
  }
  // A reversal is other money than the credit it takes back.
  const BankFile rev = parse_camt053(
      document(statement("S", "1", entry("6.00", "DBIT", "<AcctSvcrRef>R</AcctSvcrRef><RvslInd>true</RvslInd>"))));
  EXPECT_EQ(rev.entries.at(0).identity, "camt:1:R:2026-03-05:-600:R");
}

// Issue 20 item 12: a booked entry of 0.00 is no movement; it is left out and its line said.
TEST(Camt053, BookedEntriesOfZeroAreLeftOutWithTheirLines) {
  const BankFile f = parse_camt053(document(statement(
      "S", "1",
      balance("OPBD", "1.00") + balance("CLBD", "8.00") + entry("0.00", "CRDT", "<AcctSvcrRef>Z</AcctSvcrRef>") +
          entry("5.00", "CRDT", "<AcctSvcrRef>A</AcctSvcrRef>") +
          entry("2.00", "CRDT", "<NtryDtls>" + tx("2.00") + tx("0") + "</NtryDtls>") + entry("0", "DBIT"))));
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].amount, 500);
  EXPECT_EQ(f.entries[1].amount, 200);
  ASSERT_EQ(f.skipped_zero_lines.size(), 3u);
  EXPECT_EQ(f.skipped_zero_lines[0], 9u);
  EXPECT_EQ(f.skipped_zero_lines[1], 11u); // the transaction of 0 inside the batch
  EXPECT_EQ(f.skipped_zero_lines[2], 12u);
}

// Issue 20 item 12: xs:decimal amounts, and a fraction of a centavo refused.
TEST(Camt053, AmountsAreReadAsXsDecimal) {
  const BankFile f = parse_camt053(document(statement("S", "1",
                                                      balance("OPBD", ".6") + balance("CLBD", "19.35000") +
                                                          entry("18.150", "CRDT", "<AcctSvcrRef>A</AcctSvcrRef>") +
                                                          entry("+0.60", "CRDT", "<AcctSvcrRef>B</AcctSvcrRef>"))));
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].amount, 1815);
  EXPECT_EQ(f.entries[1].amount, 60);
  EXPECT_EQ(f.opening_balance, 60);
  const Refusal r = camt_refusal(document(statement("S", "1", entry("18.155", "CRDT"))));
  EXPECT_EQ(r.line, 7u);
  EXPECT_EQ(r.field, "Ntry/Amt");
  EXPECT_EQ(r.value, "18.155");
  EXPECT_NE(r.message.find("a fraction of a centavo"), std::string::npos) << r.message;
  EXPECT_EQ(camt_refusal(document(statement("S", "1", entry(".", "CRDT")))).field, "Ntry/Amt");
}

// Issue 20 item 12: TxsSummry is the statement's control record.
TEST(Camt053, TheTransactionSummaryMustAgreeWithTheEntries) {
  const auto with_summary = [](const std::string &summary) {
    return document(statement("S", "1",
                              "<TxsSummry>" + summary + "</TxsSummry>\n" + entry("5.00", "CRDT") +
                                  entry("2.00", "DBIT") +
                                  replaced(entry("9.00", "CRDT"), "<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")));
  };
  const std::string good = "<TtlNtries><NbOfNtries>2</NbOfNtries><Sum>7.00</Sum><TtlNetNtry><Amt>3</Amt>"
                           "<CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry></TtlNtries>"
                           "<TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>5</Sum></TtlCdtNtries>"
                           "<TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>2.00</Sum></TtlDbtNtries>";
  EXPECT_EQ(parse_camt053(with_summary(good)).entries.size(), 2u);
  // Counting the pending entry too is the bank's choice, and agrees as well.
  EXPECT_EQ(
      parse_camt053(with_summary("<TtlNtries><NbOfNtries>3</NbOfNtries><Sum>16.00</Sum></TtlNtries>")).entries.size(),
      2u);

  const Refusal count = camt_refusal(with_summary("<TtlNtries><NbOfNtries>14</NbOfNtries></TtlNtries>"));
  EXPECT_EQ(count.line, 7u);
  EXPECT_EQ(count.field, "TxsSummry/TtlNtries/NbOfNtries");
  EXPECT_EQ(count.value, "14");
  EXPECT_NE(count.message.find("declares 14 but holds 2 booked (3 in all) entries"), std::string::npos)
      << count.message;
  const Refusal sum =
      camt_refusal(with_summary("<TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>6.00</Sum></TtlCdtNtries>"));
  EXPECT_EQ(sum.field, "TxsSummry/TtlCdtNtries/Sum");
  EXPECT_NE(sum.message.find("declares a sum of 6.00 but its booked entries add up to 5.00"), std::string::npos)
      << sum.message;
  const Refusal debits = camt_refusal(with_summary("<TtlDbtNtries><NbOfNtries>2</NbOfNtries></TtlDbtNtries>"));
  EXPECT_EQ(debits.field, "TxsSummry/TtlDbtNtries/NbOfNtries");
  const Refusal net = camt_refusal(
      with_summary("<TtlNtries><TtlNetNtry><Amt>3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TtlNetNtry></TtlNtries>"));
  EXPECT_EQ(net.field, "TxsSummry/TtlNtries/TtlNetNtry/Amt");
  EXPECT_NE(net.message.find("declares a net of -3.00 but its booked entries net 3.00"), std::string::npos)
      << net.message;
}

// Issue 20 items 7 and 12: what the XML says about itself, and the characters it may carry.
TEST(Camt053, OtherEncodingsAndControlCharactersAreRefusedWithLineAndField) {
  const Refusal latin1 =
      camt_refusal(replaced(document(statement("S", "1", "")), "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""));
  EXPECT_EQ(latin1.line, 1u);
  EXPECT_EQ(latin1.field, "encoding");
  EXPECT_EQ(latin1.value, "ISO-8859-1");
  EXPECT_EQ(
      parse_camt053(replaced(document(statement("S", "1", "")), "encoding=\"UTF-8\"", "encoding='utf-8'")).account,
      "1");
  const Refusal utf16 = camt_refusal(std::string("\xFF\xFE<\0?\0x\0", 8));
  EXPECT_EQ(utf16.line, 1u);
  EXPECT_EQ(utf16.field, "encoding");
  EXPECT_EQ(utf16.value, "0xFF 0xFE");

  const std::string nul_ref = document(
      statement("S", "1",
                entry("5.00", "CRDT",
                      "<NtryDtls>" + tx("5.00", "", "<RmtInf><Ustrd>F1&#0;F2</Ustrd></RmtInf>") + "</NtryDtls>")));
  const Refusal nul = camt_refusal(nul_ref);
  EXPECT_EQ(nul.line, 7u);
  EXPECT_EQ(nul.field, "Ustrd");
  EXPECT_EQ(nul.value, "&#0;");
  const Refusal esc = camt_refusal(replaced(nul_ref, "&#0;", "&#x1b;"));
  EXPECT_EQ(esc.field, "Ustrd");
  EXPECT_NE(esc.message.find("U+001B"), std::string::npos) << esc.message;
  const Refusal raw = camt_refusal(replaced(nul_ref, "&#0;", "\x1B"));
  EXPECT_EQ(raw.field, "Ustrd");
  EXPECT_EQ(raw.value, "U+001B");
  // Tab is text; a line break only in the free text, not in a name.
  EXPECT_EQ(parse_camt053(replaced(nul_ref, "&#0;", "&#9;&#10;")).entries.at(0).remittance, "F1\t\nF2");
  const Refusal name = camt_refusal(replaced(replaced(nul_ref, "&#0;", ""), "<RmtInf>",
                                             "<RltdPties><Dbtr><Nm>ACME&#10;SA</Nm></Dbtr></RltdPties><RmtInf>"));
  EXPECT_EQ(name.line, 7u);
  EXPECT_EQ(name.field, "RltdPties/Nm");
  EXPECT_EQ(name.value, "U+000A");
}

// Issue 20 item 12: no text of a movement longer than cartera stores.
TEST(Camt053, ATextLongerThanTheLimitIsRefused) {
  const std::string long_text(cartera::payments::kMaxTextField + 1, 'x');
  const Refusal r = camt_refusal(document(statement(
      "S", "1",
      entry("5.00", "CRDT",
            "<NtryDtls>" + tx("5.00", "", "<RmtInf><Ustrd>" + long_text + "</Ustrd></RmtInf>") + "</NtryDtls>"))));
  EXPECT_EQ(r.line, 7u);
  EXPECT_EQ(r.field, "RmtInf/Ustrd");
  EXPECT_NE(r.message.find("2049 bytes; cartera stores at most 2048"), std::string::npos) << r.message;
  const std::string at_limit(cartera::payments::kMaxTextField, 'x');
  EXPECT_EQ(parse_camt053(document(statement(
                              "S", "1",
                              entry("5.00", "CRDT",
                                    "<NtryDtls>" + tx("5.00", "", "<RmtInf><Ustrd>" + at_limit + "</Ustrd></RmtInf>") +
                                        "</NtryDtls>"))))
                .entries.at(0)
                .remittance.size(),
            at_limit.size());
}

TEST(Camt053, PendingAndInformationalEntriesAreSkipped) {
  const std::string pending = replaced(entry("9.00", "CRDT"), "<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>");
  const std::string info = replaced(entry("8.00", "CRDT"), "<Sts>BOOK</Sts>", "<Sts><Cd>INFO</Cd></Sts>");
  const BankFile f = parse_camt053(document(
      statement("S", "1", balance("OPBD", "1.00") + balance("CLBD", "2.00") + pending + info + entry("1.00", "CRDT"))));
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(f.entries[0].amount, 100);
  EXPECT_TRUE(f.has_balances);

  // An unknown status is refused rather than skipped: it may be booked money.
  const Refusal unknown = camt_refusal(
      document(statement("S", "1", replaced(entry("1.00", "CRDT"), "<Sts>BOOK</Sts>", "<Sts>Booked</Sts>"))));
  EXPECT_EQ(unknown.line, 7u);
  EXPECT_EQ(unknown.field, "Ntry/Sts");
  EXPECT_EQ(unknown.value, "Booked");
}

TEST(Camt053, OnlyOneCamt053DocumentIsAccepted) {
  const std::string prefixed =
      "<?xml version=\"1.0\"?>\n<c:Document xmlns:c=\"" + std::string(kNs02) + "\">\n<c:BkToCstmrStmt>\n" +
      "<c:Stmt>\n<c:Id>S</c:Id>\n<c:Acct><c:Id><c:IBAN>CO1</c:IBAN></c:Id></c:Acct>\n</c:Stmt>\n" +
      "</c:BkToCstmrStmt>\n</c:Document>\n";
  EXPECT_EQ(parse_camt053(prefixed).account, "CO1");
  EXPECT_EQ(parse_camt053(document(statement("S", "1", ""), "urn:iso:std:iso:20022:tech:xsd:camt.053.001.13")).account,
            "1");

  const Refusal no_ns = camt_refusal("<Document>\n<BkToCstmrStmt/>\n</Document>\n");
  EXPECT_EQ(no_ns.line, 1u);
  EXPECT_EQ(no_ns.field, "Document@xmlns");
  const Refusal report = camt_refusal(document("", "urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"));
  EXPECT_EQ(report.value, "urn:iso:std:iso:20022:tech:xsd:camt.052.001.08");
  EXPECT_NE(report.message.find("a camt.052 intraday report, not a camt.053 statement"), std::string::npos);
  const Refusal pain = camt_refusal(document("", "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"));
  EXPECT_NE(pain.message.find("not a camt.053 statement"), std::string::npos);
  const Refusal other_root = camt_refusal("<Statement xmlns=\"" + std::string(kNs02) + "\"/>");
  EXPECT_EQ(other_root.field, "Document");
  EXPECT_EQ(other_root.value, "Statement");
  const Refusal two_roots = camt_refusal(document(statement("S", "1", "")) + "<Document/>\n");
  EXPECT_EQ(two_roots.line, 10u);
  EXPECT_NE(two_roots.message.find("a second top-level element"), std::string::npos);
}

TEST(Camt053, UnsafeOrUndecodableBytesAreRefusedBeforeParsing) {
  const Refusal entity = camt_refusal(document("<!-- <!ENTITY x \"y\"> -->\n"));
  EXPECT_EQ(entity.line, 4u);
  EXPECT_EQ(entity.field, "ENTITY");
  const Refusal nul = camt_refusal(std::string("<?xml version=\"1.0\"?>\n<\0D", 25));
  EXPECT_EQ(nul.line, 2u);
  EXPECT_EQ(nul.value, "0x00");
  const Refusal overlong = camt_refusal(document("<!-- \xC0\xAF -->\n"));
  EXPECT_EQ(overlong.line, 4u);
  EXPECT_EQ(overlong.value, "0xC0");
  const Refusal empty = camt_refusal("");
  EXPECT_EQ(empty.field, "XML");
}

// Issue 20 item 12: a file larger than cartera reads is refused before it is parsed.
TEST(Camt053, AFileAboveTheSizeLimitIsRefusedBeforeParsing) {
  const std::string big(cartera::payments::kMaxBankFileBytes + 1, ' ');
  const Refusal r = camt_refusal(big);
  EXPECT_EQ(r.line, 0u);
  EXPECT_EQ(r.field, "file");
  EXPECT_EQ(r.value, std::to_string(big.size()) + " bytes");
  EXPECT_NE(r.message.find("larger than the 256 MB"), std::string::npos) << r.message;
}
