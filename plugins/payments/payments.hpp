// The payments module inside (README.md "Files"): the module class, each job one member function
// defined in the file of its seam, and the steps that more than one of those files take.
// Internal to the module; nothing here crosses the ABI.
#pragma once

#include "matcher.hpp"

#include <cartera/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments {

class Payments {
public:
  explicit Payments(Context &) {}

  // The jobs (payments.plugin.xml.in), by the file that holds each.
  void import(Context &ctx); // intake.cpp

  void match(Context &ctx); // matching.cpp
  void assign(Context &ctx);

  void return_check(Context &ctx); // returned_checks.cpp

  void reclassify(Context &ctx); // corrections.cpp
  void offset(Context &ctx);

  void review(Context &ctx); // review.cpp
  void approve(Context &ctx);
  void reject(Context &ctx);

  void entries(Context &ctx); // reports.cpp
  void files(Context &ctx);
  void unidentified(Context &ctx);
  void open_items(Context &ctx);
  void report(Context &ctx);
  void returned_checks(Context &ctx);

  // The job table: the host's job name to its member function above. The CARTERA_PLUGIN
  // trampoline (plugin.hpp) dispatches through it; a name not here is refused as
  // "payments has no job 'x'" (CARTERA_E_UNSUPPORTED).
  static constexpr cartera::Job<Payments> kJobs[] = {{"import", &Payments::import},
                                                     {"entries", &Payments::entries},
                                                     {"files", &Payments::files},
                                                     {"match", &Payments::match},
                                                     {"review", &Payments::review},
                                                     {"approve", &Payments::approve},
                                                     {"reject", &Payments::reject},
                                                     {"unidentified", &Payments::unidentified},
                                                     {"assign", &Payments::assign},
                                                     {"return-check", &Payments::return_check},
                                                     {"reclassify", &Payments::reclassify},
                                                     {"offset", &Payments::offset},
                                                     {"report", &Payments::report},
                                                     {"open-items", &Payments::open_items},
                                                     {"returned-checks", &Payments::returned_checks}};
};

// ---- matching.cpp ----

// Open invoices as of date, less what cartera already proposed or approved against them
// (not free to apply again), oldest due first per customer as open_items gives them.
std::vector<OpenInvoice> open_invoices(Context &ctx, std::int64_t date, const std::string &freed = "",
                                       std::int64_t freed_amount = 0);

// Stores proposals of one batch (the run) and marks their movements proposed; returns their ids.
// seq numbers the run's proposals: a cruce de cuentas proposes for several credits in one
// batch, each call going on from where the last stopped.
std::vector<std::string> propose(Context &ctx, const std::vector<Application> &applications,
                                 const std::string &correction_id = "", std::uint64_t *seq = nullptr);

void set_status(Context &ctx, const std::vector<std::string> &entries, std::string_view status);

// amount of movement key, by hand: to an open invoice (the rest to its customer's credit), or
// to a customer's open invoices oldest due first (the rest to its credit).
// freed: an invoice whose open balance counts freed_amount more (what a correction's
// application holds of it, released once the correction is approved).
std::vector<Application> allocate(Context &ctx, const std::string &key, std::int64_t amount, const std::string &invoice,
                                  const std::string &customer, const std::string &rule, const std::string &freed = "",
                                  std::int64_t freed_amount = 0);

// ---- returned_checks.cpp ----

// Reversals the bank reported: each finds the credit it takes back, or waits in the queue.
struct ReversalsHandled {
  std::int64_t returned = 0; // paired with their credit: returned checks
  std::int64_t returned_amount = 0;
  std::int64_t unpaired = 0; // no credit to pair: in the unidentified queue, apart from credits
  std::int64_t unpaired_amount = 0;
};

ReversalsHandled handle_reversals(Context &ctx);

// ---- corrections.cpp ----

// A correction: the approved application it reverses, and the applications (with their ids)
// that take its amount instead.
struct Moved {
  Application old;
  std::vector<std::string> ids;
  std::vector<Application> fresh;
};

// The corrections a decision completed: approved ones reverse their old application and owe
// the officer an adjustment request (the approver's run emits it); rejected ones change
// nothing. A decision that would leave a correction half decided is refused whole.
std::vector<std::pair<std::string, Moved>> settle_corrections(Context &ctx, const std::string &user,
                                                              const std::string &now);

// ---- offset_request.cpp ----

// The host's own advances (payments it holds unapplied, like GnuCash's Pre-Payment) are the
// host's to apply: cartera plans the offset, oldest invoice first, and asks the officer to
// record it. Nothing changes here until the host does, so the key is the plan itself: the
// same plan asked again on another day is the same request, never a second offset.
void offset_host_advances(Context &ctx, const std::string &customer, const std::string &invoice);

// ---- receipt_request.cpp ----

// Treasury's cash receipts for the movements this run's approvals settled (every proposal of
// a movement decided, some approved; one still waiting holds its receipt until it is
// decided). Read in one query; the key is the movement: one receipt per payment, whatever run
// settles it.
void request_cash_receipts(Context &ctx, const std::string &user, const std::string &now);

} // namespace cartera::payments
