// contact_check (ABI 1.2) and the mailer's question, answered from the contact log: may this
// customer be contacted on this channel now, under Ley 2300 de 2023 (cartera/sdk/contact_rules.hpp)?
#pragma once

#include "runtime/call/call.hpp"
#include "runtime/store/store.hpp"

#include <cartera/sdk/contact_rules.hpp>

#include <map>
#include <string>
#include <vector>

namespace cartera::runtime {

// The log's rows as the rules read them: local minute, channel, reached.
sdk::ContactAttempt attempt_of(const ContactEntry &c);

// The Bogotá minute of a log row's local_at ("2026-11-23 09:15").
sdk::LocalTime parse_local_time(const std::string &text);

class StoreContactPolicy : public ContactChecker {
public:
  explicit StoreContactPolicy(RuntimeStore &store) : store_(store) {}
  int check(const std::string &customer, const std::string &channel, std::int64_t now_us,
            std::int64_t *earliest_us) override;
  // The decision itself, with its reason, for the mailer and call-list.
  sdk::ContactDecision decide(const std::string &customer, const std::string &channel, std::int64_t now_us);
  // A contact made during this process (the mailer's own sends) counts at once.
  void remember(const ContactEntry &c);

private:
  void load(std::int64_t now_us);

  RuntimeStore &store_;
  bool loaded_ = false;
  std::map<std::string, std::vector<sdk::ContactAttempt>> history_; // customer -> the last weeks
};

} // namespace cartera::runtime
