// Review: the jobs review (what waits for the lead), approve and reject. Four eyes: nobody
// approves what they proposed. What an approval completes is done by the files of each seam:
// the corrections it decides (corrections.cpp) and the cash-receipt requests it owes treasury
// (receipt_request.cpp).
#include "job_support.hpp"
#include "payments.hpp"

#include <cartera/plugin.hpp>
#include <cartera/sdk/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartera::payments {

using cartera::sdk::column;
using support::copy_rows;
using support::iso_now;

namespace {

// "a,b c" -> {"a", "b", "c"}: lists typed on a command line, commas or spaces.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  for (const char c : text) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!item.empty()) {
        items.push_back(std::move(item));
        item.clear();
      }
    } else {
      item += c;
    }
  }
  if (!item.empty()) {
    items.push_back(std::move(item));
  }
  return items;
}

void decide(Context &ctx, bool approve) {
  const std::string batch = ctx.text_param("batch").value_or("");
  const std::string application = ctx.text_param("application").value_or("");
  const std::vector<std::string> lines = split_list(ctx.text_param("lines").value_or(""));
  const bool all = ctx.flag("all");
  if ((batch.empty() ? 0 : 1) + (application.empty() ? 0 : 1) + (lines.empty() ? 0 : 1) + (all ? 1 : 0) != 1) {
    throw Error(CARTERA_E_INVALID_ARGUMENT, "give exactly one of --batch B, --application A, --lines E1,E2 or --all");
  }
  const std::string user = ctx.text_param("cartera.user").value_or("");
  std::vector<std::string> chosen;
  std::vector<std::string> own;
  const auto select = [&](const std::string &entry) {
    cartera::Operation op = ctx.operation("pay_selection");
    const auto [application_id, proposed_by] = op.columns<Text, Text>("application_id", "proposed_by");
    op.bind("batch_id", std::string_view(batch))
        .bind("application_id", std::string_view(application))
        .bind("entry_key", std::string_view(entry))
        .execute();
    bool any = false;
    while (op.step()) {
      any = true;
      chosen.emplace_back(op[application_id]);
      if (op[proposed_by] == user) {
        own.emplace_back(op[application_id]);
      }
    }
    return any;
  };
  if (lines.empty()) {
    select("");
  }
  for (const auto &entry : lines) {
    // A movement named by mistake must not pass silently while the others are decided.
    if (!select(entry)) {
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "movement '" + entry + "' has no proposal waiting (cartera payments review --detail)");
    }
  }
  if (chosen.empty()) {
    // Nothing waits. A rerun of a decision that committed (killed while its documents were
    // being written, say) must succeed: --all, or the named batch or application already
    // decided the same way, is done, exit 0. Anything else names what is not there: usage.
    const std::string status = approve ? "approved" : "rejected";
    if (!all && lines.empty()) {
      cartera::Operation op = ctx.operation("pay_selection_decided");
      const auto [decided, reviewed_by] = op.columns<Text, Text>("status", "reviewed_by");
      op.bind("batch_id", std::string_view(batch)).bind("application_id", std::string_view(application)).execute();
      std::size_t same = 0;
      std::size_t other = 0;
      std::string by;
      while (op.step()) {
        // Reversed was approved first (a returned check, a correction undid it since).
        ++(op[decided] == status || (approve && op[decided] == "reversed") ? same : other);
        by = op[reviewed_by];
      }
      const std::string what = batch.empty() ? "application " + application : "batch " + batch;
      if (same == 0 || other > 0) {
        throw Error(CARTERA_E_INVALID_ARGUMENT, "no proposal is waiting in " + what +
                                                    (same + other == 0 ? std::string(": there is no such ") +
                                                                             (batch.empty() ? "application" : "batch")
                                                                       : ": it was decided otherwise") +
                                                    " (cartera payments review)");
      }
      ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
      ctx.info("no proposal is waiting: " + what + " was already " + status + " by " + by);
      return;
    }
    if (!all) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "no proposal is waiting (cartera payments review)");
    }
    ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
    ctx.info("no proposal is waiting: nothing to " + std::string(approve ? "approve" : "reject"));
    return;
  }
  if (approve && !own.empty()) {
    throw Error(CARTERA_E_NOT_PERMITTED, "four eyes: user '" + user + "' proposed " + std::to_string(own.size()) +
                                             " of these " + std::to_string(chosen.size()) + " (first " + own.front() +
                                             "); another lead must approve them");
  }
  const std::string status = approve ? "approved" : "rejected";
  const std::string reason = ctx.text_param("reason").value_or("");
  const std::string now = iso_now(ctx);
  // One statement per selection made above (the same run, so the same proposals): a
  // hundred thousand decisions are one UPDATE, not a hundred thousand.
  cartera::Operation op = ctx.operation("pay_decide_selection");
  for (const auto &entry : lines.empty() ? std::vector<std::string>{std::string()} : lines) {
    op.bind("batch_id", std::string_view(batch))
        .bind("application_id", std::string_view(application))
        .bind("entry_key", std::string_view(entry))
        .bind("status", std::string_view(status))
        .bind("reviewed_by", std::string_view(user))
        .bind("reviewed_at", std::string_view(now))
        .bind("review_reason", std::string_view(reason))
        .add_row();
  }
  op.execute();
  const std::vector<std::pair<std::string, Moved>> corrected = settle_corrections(ctx, user, now);
  ctx.operation("pay_settle_entries").execute();
  if (approve) {
    request_cash_receipts(ctx, user, now);
  } else {
    ctx.operation("pay_reopen_entries").execute();
  }
  ctx.columns({column("application", CARTERA_TYPE_TEXT), column("decision", CARTERA_TYPE_TEXT)});
  for (const auto &id : chosen) {
    ctx.row({cartera::make_value(std::string_view(id)), cartera::make_value(std::string_view(status))});
  }
  // The applications the approved corrections reversed.
  for (const auto &[id, moved] : corrected) {
    ctx.row({cartera::make_value(std::string_view(id)), cartera::make_value(std::string_view("reversed"))});
  }
  ctx.info(std::to_string(chosen.size()) + " proposals " + status + " by " + user);
}

} // namespace

void Payments::review(Context &ctx) {
  const std::string batch = ctx.text_param("batch").value_or("");
  if (ctx.flag("detail")) {
    cartera::Operation op = ctx.operation("pay_proposals");
    op.bind("batch_id", std::string_view(batch)).execute();
    copy_rows(ctx, op,
              {column("application", CARTERA_TYPE_TEXT), column("batch", CARTERA_TYPE_TEXT),
               column("entry", CARTERA_TYPE_TEXT), column("booking_date", CARTERA_TYPE_DATE),
               column("payer_id", CARTERA_TYPE_TEXT), column("payer_name", CARTERA_TYPE_TEXT),
               column("movement", CARTERA_TYPE_CENTAVOS), column("customer_id", CARTERA_TYPE_TEXT),
               column("invoice_id", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
               column("amount", CARTERA_TYPE_CENTAVOS), column("rule", CARTERA_TYPE_TEXT),
               column("proposed_by", CARTERA_TYPE_TEXT)});
    return;
  }
  cartera::Operation op = ctx.operation("pay_review");
  op.bind("batch_id", std::string_view(batch)).execute();
  copy_rows(ctx, op,
            {column("batch", CARTERA_TYPE_TEXT), column("rule", CARTERA_TYPE_TEXT), column("kind", CARTERA_TYPE_TEXT),
             column("movements", CARTERA_TYPE_INTEGER), column("applications", CARTERA_TYPE_INTEGER),
             column("amount", CARTERA_TYPE_CENTAVOS), column("proposed_by", CARTERA_TYPE_TEXT)});
}

void Payments::approve(Context &ctx) {
  decide(ctx, true);
}

void Payments::reject(Context &ctx) {
  decide(ctx, false);
}

} // namespace cartera::payments
