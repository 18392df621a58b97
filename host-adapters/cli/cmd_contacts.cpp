// contacts: the contact log (planilla de control) and the messages owed to customers. Calls are
// recorded by the analyst; e-mails are sent and recorded by cartera (exchange/mailer.hpp), each
// only inside the hours and frequency limits of Ley 2300 de 2023.
#include "cli/commands.hpp"
#include "cli/table.hpp"

#include "base/failure.hpp"
#include "exchange/mailer.hpp"
#include "runtime/call/contact_policy.hpp"
#include "runtime/host/host.hpp"

#include <cartera/sdk/contact_rules.hpp>
#include <cartera/sdk/date.hpp>
#include <cartera/sdk/text.hpp>

#include <iostream>

namespace cartera::cli {

using namespace cartera::runtime;

namespace {

void require_any_role(Host &host, const std::string &action) {
  const Identity &who = host.identity();
  if (!who.has_role("analyst") && !who.has_role("lead")) {
    host.require_role("analyst", action); // names who may
  }
}

std::string required(const Args &args, const std::string &name, const std::string &command) {
  const auto v = args.option(name);
  if (!v || v->empty()) {
    usage_error(command + ": --" + name + " is required");
  }
  if (sdk::first_invalid_utf8(*v) != std::string::npos) {
    refuse_input(command + ": --" + name + " is not UTF-8 text");
  }
  return *v;
}

// The analyst records a call (or a message sent outside cartera). A contact the law did not
// allow is still recorded, because it happened; the warning says which rule it broke.
int log(const Args &args) {
  const std::string command = "contacts log";
  args.only({"customer", "channel", "address", "result", "note", "reached"}, command);
  Host host(args.global);
  require_any_role(host, "record contacts");
  ContactEntry c;
  c.customer_id = required(args, "customer", command);
  c.channel = args.option("channel").value_or("phone");
  if (c.channel != "phone" && c.channel != "email" && c.channel != "sms") {
    usage_error(command + ": --channel is phone, email or sms");
  }
  c.address = required(args, "address", command);
  c.result = required(args, "result", command);
  c.note = args.option("note").value_or("");
  c.reached = args.flag("reached");
  c.at = host.now_iso();
  c.local_at = sdk::format_local_time(sdk::bogota_from_utc_us(host.now_us()));
  c.user_id = host.identity().user;
  StoreContactPolicy policy(host.store());
  const sdk::ContactDecision d = policy.decide(c.customer_id, c.channel, host.now_us());
  if (!d.allowed) {
    c.note += (c.note.empty() ? "" : "; ") + std::string("not allowed by Ley 2300: ") + d.reason;
    std::cerr << "cartera: warning: " << c.customer_id << " could not be contacted by " << c.channel << " at "
              << c.local_at << " (" << d.reason << "; next allowed " << sdk::format_local_time(d.earliest)
              << "); recorded as it happened\n";
  }
  host.store().log_contact(c);
  std::cout << "recorded: " << c.customer_id << " " << c.channel << " " << c.address << " at " << c.local_at << " ("
            << (c.reached ? "reached" : "not reached") << ")\n";
  return 0;
}

int list_contacts(const Args &args) {
  args.only({"customer", "since"}, "contacts list");
  Host host(args.global);
  std::string since;
  if (const auto s = args.option("since")) {
    if (!sdk::parse_iso_date(*s)) {
      usage_error("contacts list: --since is a date (YYYY-MM-DD), not '" + *s + "'");
    }
    // A Bogotá day starts at 05:00 UTC.
    since = *s + "T05:00:00Z";
  }
  std::vector<std::vector<std::string>> rows;
  for (const ContactEntry &c : host.store().contacts(args.option("customer").value_or(""), since)) {
    rows.push_back({c.local_at, c.customer_id, c.channel, c.address, c.reached ? "yes" : "no", c.result, c.user_id,
                    c.message_id, c.note});
  }
  print_rows(args.format.value_or("table"), "contacts",
             {"local_time", "customer", "channel", "address", "reached", "result", "user", "message", "note"}, rows);
  return 0;
}

int messages(const Args &args) {
  args.only({"state"}, "contacts messages");
  Host host(args.global);
  const std::string state = args.option("state").value_or("");
  if (!state.empty() && state != "queued" && state != "sent" && state != "failed") {
    usage_error("contacts messages: --state is queued, sent or failed");
  }
  std::vector<std::vector<std::string>> rows;
  for (const MessageEntry &m : host.store().messages(state)) {
    rows.push_back({m.message_id, m.customer_id, m.channel, m.address, m.subject, m.attachment, m.state,
                    std::to_string(m.attempts), m.not_before, m.last_result, m.sent_at});
  }
  print_rows(args.format.value_or("table"), "contacts",
             {"message", "customer", "channel", "address", "subject", "attachment", "state", "attempts", "not_before",
              "last_result", "sent_at"},
             rows);
  return 0;
}

int send(const Args &args) {
  args.only({}, "contacts send");
  Host host(args.global);
  require_any_role(host, "send messages to customers");
  const exchange::MailReport r = exchange::send_due_messages(host, host.identity().user);
  print_mail_report(r, std::cout);
  return r.failed > 0 ? static_cast<int>(ExitCode::kFailure) : 0;
}

} // namespace

// Shared with the module jobs: what a run queued goes out at once when the law allows.
void print_mail_report(const exchange::MailReport &r, std::ostream &out) {
  if (!r.configured) {
    out << "cartera: mail: " << r.deferred << " messages wait: cartera.xml has no <mail> server\n";
    return;
  }
  out << "cartera: mail: sent " << r.sent << ", waiting for a contact window or limit " << r.deferred << ", to retry "
      << r.retry << ", failed " << r.failed << "\n";
}

int cmd_contacts(const Args &args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "log") {
    return log(args);
  }
  if (sub == "list") {
    return list_contacts(args);
  }
  if (sub == "messages") {
    return messages(args);
  }
  if (sub == "send") {
    return send(args);
  }
  usage_error("contacts: say log, list, messages or send (cartera contacts --help)");
}

} // namespace cartera::cli
