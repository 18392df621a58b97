// Booked camt.053 entries to movements: one per transaction (TxDtls) of a batch, with their
// references, remittance, payer and bank transaction code, and each one's key.
#include "camt053_reader.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments::camt053 {

namespace {

// Key parts are joined with ':' and batch indexes with '#'; escaping both (and '%') keeps two
// different movements from spelling the same key by accident.
std::string escape_key_part(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case ':':
      out += "%3A";
      break;
    case '#':
      out += "%23";
      break;
    default:
      out += c;
    }
  }
  return out;
}

struct Party {
  std::string name;
  std::string id;
  [[nodiscard]] bool empty() const { return name.empty() && id.empty(); }
};

// .02 puts the name right under Dbtr/Cdtr; .08 wraps the party in Pty (Party40Choice).
Party party_of(pugi::xml_node related_parties, std::string_view role) {
  pugi::xml_node p = child(related_parties, role);
  if (!p) {
    return {};
  }
  if (pugi::xml_node pty = child(p, "Pty")) {
    p = pty;
  }
  Party r;
  r.name = text_of(child(p, "Nm"));
  for (const std::string_view kind : {"OrgId", "PrvtId"}) {
    if (pugi::xml_node id = descend(p, {"Id", kind, "Othr", "Id"})) {
      r.id = text_of(id);
      break;
    }
  }
  return r;
}

// "PMNT-RCDT-ESCT" from the ISO domain/family/sub-family; banks that only send a proprietary
// code get that code, which still tells a cheque from a transfer to whoever reads it.
std::string transaction_code(pugi::xml_node bank_code) {
  if (!bank_code) {
    return {};
  }
  if (pugi::xml_node domain = child(bank_code, "Domn")) {
    return text_of(child(domain, "Cd")) + "-" + text_of(descend(domain, {"Fmly", "Cd"})) + "-" +
           text_of(descend(domain, {"Fmly", "SubFmlyCd"}));
  }
  return text_of(descend(bank_code, {"Prtry", "Cd"}));
}

} // namespace

void Camt053Reader::read_entry(pugi::xml_node ntry, Statement &st) {
  const pugi::xml_node status = child(ntry, "Sts");
  if (!status) {
    refuse(ntry, "Ntry/Sts", "", "missing: cartera takes only booked (BOOK) entries and cannot tell this one's status");
  }
  const pugi::xml_node status_code = child(status, "Cd"); // .08 and later; .02 has the code as text
  const std::string status_text = text_of(status_code ? status_code : status);
  // Pending (PDNG) and informational (INFO, FUTR) entries are not on the booked balances the
  // statement reconciles, and a pending one comes back as BOOK in a later statement: taking
  // it now would count the same money twice, or money that never arrives.
  if (status_text == "PDNG" || status_text == "INFO" || status_text == "FUTR") {
    tally_unbooked(ntry, st);
    return;
  }
  // Anything else would be skipped without a trace: money the file may well report as booked.
  if (status_text != "BOOK") {
    refuse(status, "Ntry/Sts", status_text, "not an entry status cartera knows (BOOK, PDNG, INFO, FUTR)");
  }

  const pugi::xml_node amount_node = child(ntry, "Amt");
  if (!amount_node) {
    refuse(ntry, "Ntry/Amt", "", "missing: an entry without an amount");
  }
  const std::int64_t magnitude = amount_of(amount_node, "Ntry/Amt");
  const std::string currency = statement_currency(amount_node, "Ntry/Amt", st);
  const int sign = direction(ntry, "Ntry/CdtDbtInd", true);
  const std::int64_t amount = sign * magnitude;
  st.total = checked_add(st.total, amount, amount_node, "Ntry/Amt");
  for (Statement::Tally *t : {&st.booked_entries, &st.all_entries, sign > 0 ? &st.booked_credits : &st.booked_debits,
                              sign > 0 ? &st.all_credits : &st.all_debits}) {
    ++t->count;
    t->sum = checked_add(t->sum, magnitude, amount_node, "Ntry/Amt");
  }
  st.booked_net = st.total;
  st.all_net = checked_add(st.all_net, amount, amount_node, "Ntry/Amt");

  bool reversal = false;
  if (const pugi::xml_node rvsl = child(ntry, "RvslInd")) {
    const std::string text = text_of(rvsl);
    if (text == "true" || text == "1") {
      reversal = true;
    } else if (text != "false" && text != "0") {
      refuse(rvsl, "Ntry/RvslInd", text, "must be true or false");
    }
  }
  const auto booking = date_choice(child(ntry, "BookgDt"), "Ntry/BookgDt");
  if (!booking) {
    refuse(ntry, "Ntry/BookgDt", "", "missing: a booked entry without a booking date");
  }

  // A booked entry of 0.00 moves no money (banks send them for fee waivers and notices): it
  // is not a movement, and the import says which lines it left out.
  if (magnitude == 0) {
    file_.skipped_zero_lines.push_back(line_of(ntry));
    return;
  }

  BankEntry base;
  base.line = line_of(ntry);
  base.account = st.account;
  base.booking_date = *booking;
  base.value_date = date_choice(child(ntry, "ValDt"), "Ntry/ValDt").value_or(*booking);
  base.amount = amount;
  base.currency = currency;
  base.reversal = reversal;
  base.bank_reference = text_of(child(ntry, "AcctSvcrRef"));
  base.channel = transaction_code(child(ntry, "BkTxCd"));
  const std::string entry_ref = base.bank_reference;

  std::vector<pugi::xml_node> transactions;
  for (const pugi::xml_node details : children(ntry, "NtryDtls")) {
    for (const pugi::xml_node tx : children(details, "TxDtls")) {
      transactions.push_back(tx);
    }
  }
  if (transactions.empty()) {
    add(base, escape_key_part(entry_ref));
    return;
  }

  // Some banks repeat a batch or package id in every TxDtls' AcctSvcrRef (the OCA Swiss
  // sample does): only a reference unique within its entry identifies the transaction.
  std::map<std::string, int> tx_ref_count;
  for (const pugi::xml_node tx : transactions) {
    ++tx_ref_count[text_of(descend(tx, {"Refs", "AcctSvcrRef"}))];
  }

  const bool batch = transactions.size() > 1;
  std::int64_t sum = 0;
  struct Pending {
    BankEntry entry;
    std::string reference;
  };
  std::vector<Pending> split;
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    const pugi::xml_node tx = transactions[i];
    BankEntry e = base;
    const int tx_sign = direction(tx, "TxDtls/CdtDbtInd", false);
    const int effective_sign = tx_sign != 0 ? tx_sign : sign;

    // .08 reports TxDtls/Amt in the account's currency; .02 only has AmtDtls/TxAmt/Amt.
    pugi::xml_node tx_amount = child(tx, "Amt");
    std::string tx_field = "TxDtls/Amt";
    if (!tx_amount) {
      tx_amount = descend(tx, {"AmtDtls", "TxAmt", "Amt"});
      tx_field = "TxDtls/AmtDtls/TxAmt/Amt";
    }
    if (batch) {
      if (!tx_amount) {
        refuse(tx, "TxDtls/Amt", "",
               "missing: an entry of " + std::to_string(transactions.size()) +
                   " transactions needs each one's amount to split it");
      }
      const std::int64_t tx_magnitude = amount_of(tx_amount, tx_field);
      statement_currency(tx_amount, tx_field, st);
      e.amount = effective_sign * tx_magnitude;
      e.line = line_of(tx);
      sum = checked_add(sum, e.amount, tx_amount, tx_field);
    } else if (tx_amount) {
      // A lone transaction's amount may be the one instructed in another currency; only in
      // the account's currency must it agree with the entry, whose amount is what was booked.
      const std::int64_t tx_magnitude = amount_of(tx_amount, tx_field);
      if (currency_code(tx_amount, tx_field) == currency && effective_sign * tx_magnitude != amount) {
        refuse(tx_amount, tx_field, text_of(tx_amount),
               "the transaction's amount " + sdk::format_pesos_plain(effective_sign * tx_magnitude) +
                   " differs from its entry's " + sdk::format_pesos_plain(amount) + " (line " +
                   std::to_string(base.line) + ")");
      }
    }

    const pugi::xml_node refs = child(tx, "Refs");
    const std::string end_to_end = text_of(child(refs, "EndToEndId"));
    // NOTPROVIDED is the ISO placeholder for "the payer gave none", not an identifier.
    if (end_to_end != "NOTPROVIDED") {
      e.end_to_end_id = end_to_end;
    }
    const std::string tx_ref = text_of(child(refs, "AcctSvcrRef"));
    if (!tx_ref.empty()) {
      e.bank_reference = tx_ref;
    }
    for (const pugi::xml_node info : children(tx, "RmtInf")) {
      for (const pugi::xml_node ustrd : children(info, "Ustrd")) {
        const std::string text = text_of(ustrd);
        if (!text.empty()) {
          e.remittance += (e.remittance.empty() ? "" : " ") + text;
        }
      }
      for (const pugi::xml_node strd : children(info, "Strd")) {
        if (e.structured_reference.empty()) {
          e.structured_reference = text_of(descend(strd, {"CdtrRefInf", "Ref"}));
        }
      }
    }
    // The payer of a credit is its debtor, the payee of a debit its creditor. A reversal
    // reports the original transaction, whose counterparty sits on the other side (a bounced
    // cheque still names the customer as Dbtr) — but banks differ, so it falls back to the
    // side the direction alone would suggest.
    const pugi::xml_node related = child(tx, "RltdPties");
    const bool debtor_side = (effective_sign > 0) != reversal;
    Party party = party_of(related, debtor_side ? "Dbtr" : "Cdtr");
    if (reversal && party.empty()) {
      party = party_of(related, debtor_side ? "Cdtr" : "Dbtr");
    }
    e.payer_name = party.name;
    e.payer_id = party.id;
    if (const std::string code = transaction_code(child(tx, "BkTxCd")); !code.empty()) {
      e.channel = code;
    }

    // Identity: the transaction's own bank reference, else the entry's (with the position in
    // a batch), else the fallback in add().
    std::string reference;
    if (!tx_ref.empty() && tx_ref_count[tx_ref] == 1) {
      reference = escape_key_part(tx_ref);
    } else if (!entry_ref.empty()) {
      reference = escape_key_part(entry_ref) + (batch ? "#" + std::to_string(i) : "");
    }
    split.push_back(Pending{std::move(e), std::move(reference)});
  }
  if (batch && sum != amount) {
    refuse(amount_node, "Ntry/Amt", text_of(amount_node),
           "the entry's amount is " + sdk::format_pesos_plain(amount) + " but its " +
               std::to_string(transactions.size()) + " transactions (TxDtls) add up to " +
               sdk::format_pesos_plain(sum));
  }
  for (Pending &p : split) {
    if (p.entry.amount == 0) {
      file_.skipped_zero_lines.push_back(p.entry.line);
      continue;
    }
    add(std::move(p.entry), p.reference);
  }
}

// Keys are "camt:" + account + ":" + the bank's reference when there is one. Without any, the
// fallback is booking date, amount, end-to-end id and remittance, plus n counting identical
// fallbacks earlier in this file. Its weakness: two genuinely different movements with the
// same date, amount and texts and no bank reference get the same key when each appears in a
// different file (say a morning and a full-day statement that overlap), so they are counted
// once, not twice: the fallback can lose such a twin, it never double counts a re-sent one.
void Camt053Reader::add(BankEntry e, const std::string &reference) {
  const std::string prefix = "camt:" + escape_key_part(e.account) + ":";
  if (!reference.empty()) {
    // Banks reuse references (NONREF every day, a batch id): the key names the movement, its
    // identity (bank_file.hpp) adds the date, the amount and the direction, and the position
    // among identical ones of this file.
    e.key = prefix + reference;
  } else {
    const std::string fallback = prefix + sdk::format_iso_date(e.booking_date) + ":" +
                                 sdk::format_pesos_plain(e.amount) + ":" + escape_key_part(e.end_to_end_id) + ":" +
                                 escape_key_part(e.remittance) + ":";
    e.key = fallback + std::to_string(fallback_count_[fallback]++);
  }
  file_.entries.push_back(std::move(e));
}

} // namespace cartera::payments::camt053
