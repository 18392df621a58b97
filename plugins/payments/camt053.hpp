// ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 to 001.xx: the statement a bank
// sends at the end of the day. Elements are matched by local name, so the differences between
// versions that matter here (Sts as text or Sts/Cd, TxDtls/Amt or AmtDtls/TxAmt/Amt, Dbtr/Nm or
// Dbtr/Pty/Nm) are read either way.
//
// What the result promises, beyond bank_file.hpp:
// - only booked entries (Sts BOOK) are returned; pending and informational ones are not;
// - an entry with several TxDtls (a batch) becomes one BankEntry per TxDtls, with its amount;
// - has_balances is true only when every statement has an opening (OPBD/PRCD) and a closing
//   (CLBD) balance, each statement reconciles, and consecutive statements chain (one's closing is
//   the next one's opening), so that opening + sum(entries) = closing holds for the whole file;
//   opening_balance and closing_balance are 0 otherwise;
// - keys are unique within the file (a file where a bank reference names two movements is
//   refused) and derived from the bank's references, so a re-sent statement gives the same keys.
#pragma once

#include "bank_file.hpp"

#include <string_view>

namespace cartera::payments {

// Throws BankFileError for anything it cannot read with certainty: DOCTYPE or entity
// declarations, bytes that are not UTF-8, malformed XML, another message type, missing required
// elements, amounts with more than two decimals, impossible dates, statements that do not
// reconcile.
BankFile parse_camt053(std::string_view bytes);

} // namespace cartera::payments
