// When a collector may contact a debtor: the hours and frequency rules of Ley 2300 de 2023
// ("dejen de fregar", colombia.md §4.1), as pure functions. Statements by e-mail, SMS and calls
// ask earliest_contact before they go out; queueing and the contact log are the caller's.
//
// Times are Bogotá wall-clock minutes, because the law speaks of local hours. Bogotá is UTC−5
// all year, so no time-zone database is needed; its one daylight-saving period (1992–93) is
// ignored, as no contact log reaches back that far. A LocalTime is a civil date (days since
// 1970-01-01, as in date.hpp) and a minute of that day.
//
// Everything that needs to know whether a day is a holiday throws std::out_of_range outside the
// years calendar.hpp covers (1984..2100), also when a search for the next window would step past
// 2100-12-31. A minute outside 0..1439 or a policy limit below 1 is a caller's bug:
// std::invalid_argument. All functions are safe to call from several threads at once and, except
// for a decision's reason text when a rule moved it, allocate nothing.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cartera::sdk {

inline constexpr std::int32_t kMinutesPerDay = 1440;
// Bogotá is UTC−5 with no daylight saving time.
inline constexpr std::int32_t kBogotaUtcOffsetMinutes = -300;

// Ordered by date, then minute.
struct LocalTime {
  std::int64_t date = 0;   // days since 1970-01-01
  std::int32_t minute = 0; // of the day, 0..1439
  friend constexpr bool operator==(const LocalTime &, const LocalTime &) = default;
  // Written out: clang-tidy 14 reads the 0 a defaulted <=> compares each member with as a null
  // pointer (modernize-use-nullptr).
  friend constexpr std::strong_ordering operator<=>(const LocalTime &a, const LocalTime &b) noexcept {
    return a.date != b.date ? a.date <=> b.date : a.minute <=> b.minute;
  }
};

// The Bogotá minute containing the instant utc_us (microseconds since the epoch, the run clock),
// seconds truncated towards the past: 04:59:59Z is 23:59 of the day before.
LocalTime bogota_from_utc_us(std::int64_t utc_us) noexcept;

// The instant at which the Bogotá minute t starts. Throws std::invalid_argument for a minute
// outside 0..1439 and std::out_of_range when the instant does not fit in 64-bit microseconds.
std::int64_t utc_us_from_bogota(LocalTime t);

// "2026-11-22 18:59". Throws std::invalid_argument for a minute outside 0..1439.
std::string format_local_time(LocalTime t);

// Ley 2300 art. 3: Monday to Friday 07:00-19:00, Saturday 08:00-15:00, never on a Sunday or a
// holiday (a holiday on a Saturday included).
//
// A minute is inside only when all of its sixty seconds are, so the window is [07:00, 19:00)
// and [08:00, 15:00): 18:59 is inside (it ends at 18:59:59), 19:00 is not. A message sent
// during the minute 19:00 can land at 19:00:59, after the hour the law names, and a queue that
// releases at 19:00 sharp would send most of its batch too late.
bool within_contact_hours(LocalTime t);

// t when it is within contact hours, else the first minute of the next window: Friday 19:00 →
// Saturday 08:00; Saturday 15:00 → Monday 07:00, or Tuesday 07:00 when that Monday is a holiday.
LocalTime next_contact_opening(LocalTime t);

struct ContactAttempt {
  LocalTime when;
  std::string channel; // compared exactly: the caller names each channel one way ("email", "sms", "call")
  // Direct contact achieved: a call answered, a message delivered. A bounced e-mail or an
  // unanswered call is an attempt, not a contact.
  bool reached = false;
};

struct ContactPolicy {
  // Ley 2300: once reached, not more than once the same day. Contacts (reached attempts) allowed
  // per calendar day over all channels; at least 1.
  int max_per_day = 1;
  // Ley 2300: once reached, not through several channels in the same week.
  bool one_channel_per_week = true;
  // Not the law, a product choice: attempts per calendar day through one channel, reached or
  // not, so that retrying a bouncing address or an unanswered phone does not hammer it. At least 1.
  int max_attempts_per_day = 3;
};

struct ContactDecision {
  bool allowed = false; // earliest == wanted
  LocalTime earliest;
  // Empty when allowed. Otherwise the rules that moved the time, as short English clauses joined
  // by "; " in the order they applied: "outside contact hours (Sunday)", "already reached today",
  // "reached through sms this week", "3 attempts through email today".
  std::string reason;
};

// The earliest minute ≥ wanted at which channel may be used, under the hours and the
// frequency rules.
//
// The law's frequency rules apply "once direct contact has been achieved", so for them only
// reached attempts count: a day is closed when it already holds policy.max_per_day contacts
// through any channel, and a week is closed to channel when the debtor was reached that week
// through another one. policy.max_attempts_per_day counts every attempt on channel, reached or
// not; for that cap alone do unreached attempts count.
//
// A week is Monday to Sunday. The law says "en la misma semana" without defining it; the
// calendar week is the plain meaning of the words and a rule a debtor and an auditor can check
// on a calendar. The other reading, any seven days in a row, is stricter: a debtor reached on a
// Friday would stay closed to other channels until the next Friday, where here Monday opens a
// new week. colombia.md §4.1 also flags that summaries of the frequency rule disagree; the
// official text should be read before relying on either.
//
// The rules do not depend on the order of history or on attempts being before wanted: an
// attempt dated after wanted (planning ahead, a log written late) closes its day and week just
// the same, because contacting at wanted would break the rule as much. The cost is
// O(history.size()) per day or week the search skips, small for a contact log of recent weeks.
ContactDecision earliest_contact(std::span<const ContactAttempt> history, std::string_view channel, LocalTime wanted,
                                 const ContactPolicy &p = {});

} // namespace cartera::sdk
