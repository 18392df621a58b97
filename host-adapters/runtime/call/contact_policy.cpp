#include "runtime/call/contact_policy.hpp"

#include <cartera/sdk/date.hpp>

#include <stdexcept>

namespace cartera::runtime {

namespace {

// A week closes a channel and a day closes all of them: the last 8 days of the log hold every
// contact the rules can ask about at the run's time (a later one is in the log already too).
constexpr std::int64_t kHistoryDays = 8;

bool is_channel(const std::string &channel) {
  return channel == "email" || channel == "sms" || channel == "phone";
}

} // namespace

sdk::LocalTime parse_local_time(const std::string &text) {
  const auto date = text.size() >= 16 ? sdk::parse_iso_date(std::string_view(text).substr(0, 10)) : std::nullopt;
  if (!date || text[10] != ' ' || text[13] != ':') {
    throw std::invalid_argument("contact log: '" + text + "' is not a local time (YYYY-MM-DD HH:MM)");
  }
  const int hour = std::stoi(text.substr(11, 2));
  const int minute = std::stoi(text.substr(14, 2));
  return sdk::LocalTime{*date, hour * 60 + minute};
}

sdk::ContactAttempt attempt_of(const ContactEntry &c) {
  return sdk::ContactAttempt{parse_local_time(c.local_at), c.channel, c.reached};
}

void StoreContactPolicy::load(std::int64_t now_us) {
  if (loaded_) {
    return;
  }
  const sdk::LocalTime now = sdk::bogota_from_utc_us(now_us);
  // local_at sorts as text the way it sorts in time; the UTC 'at' is compared with a margin.
  const std::string since = sdk::format_iso_date(now.date - kHistoryDays) + "T00:00:00Z";
  for (const ContactEntry &c : store_.contacts("", since)) {
    history_[c.customer_id].push_back(attempt_of(c));
  }
  loaded_ = true;
}

sdk::ContactDecision StoreContactPolicy::decide(const std::string &customer, const std::string &channel,
                                                std::int64_t now_us) {
  if (!is_channel(channel)) {
    throw std::invalid_argument("unknown contact channel '" + channel + "' (email, sms, phone)");
  }
  load(now_us);
  static const std::vector<sdk::ContactAttempt> kNone;
  const auto it = history_.find(customer);
  const std::vector<sdk::ContactAttempt> &h = it == history_.end() ? kNone : it->second;
  return sdk::earliest_contact(h, channel, sdk::bogota_from_utc_us(now_us));
}

int StoreContactPolicy::check(const std::string &customer, const std::string &channel, std::int64_t now_us,
                              std::int64_t *earliest_us) {
  if (!is_channel(channel)) {
    return -1;
  }
  const sdk::ContactDecision d = decide(customer, channel, now_us);
  if (!d.allowed && earliest_us != nullptr) {
    *earliest_us = sdk::utc_us_from_bogota(d.earliest);
  }
  return d.allowed ? 1 : 0;
}

void StoreContactPolicy::remember(const ContactEntry &c) {
  if (loaded_) {
    history_[c.customer_id].push_back(attempt_of(c));
  }
}

} // namespace cartera::runtime
