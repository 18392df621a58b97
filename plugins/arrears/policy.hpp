// The arrears policy (schemas/xml/arrears-policy.xsd): per company and contract kind, the stages a
// contract in arrears goes through (aviso, pre-cancelación, cancelación), their thresholds and
// notices, the least notice before a cancellation, the reactivation window, the smallest balance
// that counts, and the contracts it never moves. Read from a policy file or the defaults, and
// applied to one contract's facts (assess). Pure: no host, no database, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::arrears {

// The kinds of prepaid-medicine contract (the second job description, duty A3: family and
// collective contracts; individual ones exist too).
enum class ContractKind { kFamiliar, kColectivo, kIndividual };

// "familiar", "colectivo", "individual": the names the policy file and the host use.
std::string_view contract_kind_name(ContractKind k) noexcept;
std::optional<ContractKind> parse_contract_kind(std::string_view name) noexcept;

// The channels a stage's notice goes by.
struct Channels {
  bool letter = false;
  bool sms = false;
  bool email = false;
  bool any() const noexcept { return letter || sms || email; }
  friend bool operator==(const Channels &, const Channels &) = default;
};

struct Stage {
  std::string id;    // NCName: aviso, pre-cancelacion, cancelacion
  std::string label; // how letters and reports name it; the id when the file gives none
  // Reached when EITHER threshold is reached (at least this many unpaid installments, or at
  // least this many days past due); a stage has one or both.
  std::optional<std::int32_t> installments;
  std::optional<std::int32_t> days;
  Channels notify;      // none = the stage does not notify
  bool cancels = false; // the cancellation stage: the last one, at most one
  friend bool operator==(const Stage &, const Stage &) = default;
};

inline constexpr std::int32_t kDefaultMinimumNoticeDays = 20;
inline constexpr std::int32_t kDefaultReactivationDays = 30;
inline constexpr std::int64_t kDefaultMinimumBalance = 100'000; // centavos: $ 1.000,00

// The policy of one company and contract kind; either may be absent (every company, every kind).
struct PolicyEntry {
  std::optional<std::string> company;
  std::optional<ContractKind> kind;
  std::vector<Stage> stages;                                    // in order, mildest first; thresholds increasing
  std::int32_t minimum_notice_days = kDefaultMinimumNoticeDays; // first delivered notice -> cancellation
  std::int32_t reactivation_days = kDefaultReactivationDays;    // after the cancellation, paying reactivates
  std::int64_t minimum_balance = kDefaultMinimumBalance;        // centavos; a balance under it never moves
  std::size_t line = 0;                                         // where the file wrote it; 0 for the defaults
  friend bool operator==(const PolicyEntry &a, const PolicyEntry &b) {
    return a.company == b.company && a.kind == b.kind && a.stages == b.stages &&
           a.minimum_notice_days == b.minimum_notice_days && a.reactivation_days == b.reactivation_days &&
           a.minimum_balance == b.minimum_balance; // line is where, not what
  }
};

// A contract the policy never moves. company absent = that contract id in every company.
struct Exclusion {
  std::optional<std::string> company;
  std::string contract;
  std::string reason;
  friend bool operator==(const Exclusion &, const Exclusion &) = default;
};

struct Policy {
  std::vector<PolicyEntry> entries;
  std::vector<Exclusion> exclusions;

  // The most specific policy that names the contract: company and kind, then company alone
  // (any kind), then kind alone (any company), then the policy that names neither; nullptr when
  // none does. A company's own figures are closer to its plans than the group's figures for a
  // kind, hence company before kind.
  const PolicyEntry *select(std::string_view company, ContractKind kind) const noexcept;
  // Whether an <exclude> names the contract (for its company, or for every company).
  const Exclusion *exclusion(std::string_view company, std::string_view contract) const noexcept;
  friend bool operator==(const Policy &a, const Policy &b) {
    return a.entries == b.entries && a.exclusions == b.exclusions;
  }
};

// Reads a policy file (schemas/xml/arrears-policy.xsd): no DOCTYPE, root arrears-policy in
// namespace urn:cartera:arrears-policy:1. Every value it uses is checked whether or not the XSD
// was, and what the XSD cannot say as well (stages out of order, a cancelling stage that is not
// the last, a company and kind written twice, ...): std::invalid_argument names the line, the
// field and the value ("arrears policy: line 7: stage 'pre-cancelacion' days '30': ...").
Policy parse_policy(std::string_view xml);

// The policy a company starts with (README.md "Defaults"), one entry for every company and kind:
// aviso at 1 installment or 30 days, pre-cancelacion at 2 or 60, cancelacion at 3 or 90, each
// notifying by letter, SMS and e-mail; 20 days' notice; 30 days to reactivate; $ 1.000,00.
Policy default_policy();

// The policy written as a policy file (every attribute explicit); parse_policy reads back the
// same policy, and the XSD accepts it.
std::string policy_xml(const Policy &p);

// What the caller knows of one contract on the day it asks.
struct ContractFacts {
  std::string_view company;
  ContractKind kind = ContractKind::kFamiliar;
  std::string_view contract;
  // Centavos overdue, net of the payments the lead approved here and the host has not recorded
  // yet (the caller computes it: a customer who paid yesterday never gets a letter today).
  std::int64_t overdue_balance = 0;
  std::int32_t unpaid_installments = 0;
  std::int64_t days_past_due = 0; // of the oldest unpaid installment, on the as-of date
  bool excluded_by_host = false;  // the host's own flag (a contract in a legal dispute, ...)
};

// Why a contract is in no stage, or kInStage.
enum class Standing {
  kInStage,
  kNoPolicy,            // no policy names its company and kind
  kExcludedByPolicy,    // an <exclude> names it
  kExcludedByHost,      // the host flags it
  kUnderMinimumBalance, // its overdue balance is under the policy's smallest balance (or nothing is overdue)
  kNoThresholdReached,  // it owes enough, but reaches no stage yet
};
std::string_view standing_name(Standing s) noexcept;

struct Assessment {
  Standing standing = Standing::kNoPolicy;
  const PolicyEntry *policy = nullptr; // the policy applied (into the Policy assessed: lives as long as it)
  std::optional<std::size_t> stage;    // index in policy->stages, when kInStage
  bool by_installments = false;        // the stage is reached by its installments threshold
  bool by_days = false;                // ... by its days threshold (both may hold)
  // The next stage it reaches if nothing is paid (none past the last stage, none when excluded or
  // under the smallest balance).
  std::optional<std::size_t> next_stage;
  // The day (days since 1970-01-01) it reaches the next stage by days past due: as-of plus the
  // days remaining. Absent when the next stage has no days threshold: installments cannot be
  // dated here (they fall due as the plan bills, which the policy does not know). It may be
  // reached earlier, the day one more installment falls unpaid.
  std::optional<std::int64_t> next_stage_on;
  std::optional<std::int32_t> installments_to_next; // more unpaid installments that reach it
  // What the customer pays to leave arrears: the whole overdue balance (net, as given).
  std::int64_t amount_to_leave_arrears = 0;
};

// The stage a contract is in on as_of (days since 1970-01-01), and the next one. Throws
// std::invalid_argument for facts that cannot be (negative installments or days).
Assessment assess(const Policy &policy, const ContractFacts &facts, std::int64_t as_of);
// The assessment points into the policy: a temporary one would leave it dangling.
Assessment assess(Policy &&policy, const ContractFacts &facts, std::int64_t as_of) = delete;

// The first day a contract may be cancelled whose first notice was delivered on that day.
inline std::int64_t earliest_cancellation(const PolicyEntry &p, std::int64_t first_notice_delivered) noexcept {
  return first_notice_delivered + p.minimum_notice_days;
}
// Whether paying on paid_on reactivates a contract cancelled on cancelled_on: from the
// cancellation day through reactivation_days after it, both included.
inline bool within_reactivation(const PolicyEntry &p, std::int64_t cancelled_on, std::int64_t paid_on) noexcept {
  return paid_on >= cancelled_on && paid_on <= cancelled_on + p.reactivation_days;
}

} // namespace cartera::arrears
