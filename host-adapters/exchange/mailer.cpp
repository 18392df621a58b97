#include "exchange/mailer.hpp"

#include "exchange/mime_message.hpp"
#include "exchange/smtp_client.hpp"
#include "runtime/archive/archive.hpp"
#include "runtime/call/contact_policy.hpp"
#include "runtime/files/outbox.hpp"

#include <cartera/sdk/contact_rules.hpp>
#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cartera::exchange {

namespace {

constexpr int kMaxAttempts = 8;
constexpr std::int64_t kUsPerSecond = 1000000;

SmtpSettings smtp_settings(const runtime::MailConfig &c) {
  SmtpSettings s;
  s.host = c.smtp_host;
  s.port = c.smtp_port;
  s.tls = c.tls == "never"      ? SmtpSettings::Tls::never
          : c.tls == "required" ? SmtpSettings::Tls::required
                                : SmtpSettings::Tls::if_offered;
  s.ca_file = c.ca_file;
  s.username = c.username;
  if (!c.password_env.empty()) {
    if (const char *p = std::getenv(c.password_env.c_str())) {
      s.password = p;
    }
  }
  s.timeout = std::chrono::seconds(c.timeout_seconds);
  return s;
}

std::string media_type_of(const std::string &path) {
  if (path.ends_with(".pdf")) {
    return "application/pdf";
  }
  if (path.ends_with(".html")) {
    return "text/html";
  }
  return path.ends_with(".xml") ? "application/xml" : "application/octet-stream";
}

// Waits grow 1, 2, 4 ... minutes, up to a day.
std::int64_t retry_after_us(int attempts) {
  const int shift = std::min(attempts, 10);
  return std::min<std::int64_t>(60LL << shift, 86400) * kUsPerSecond;
}

} // namespace

MailReport send_due_messages(runtime::Host &host, const std::string &user,
                             const std::function<void(std::uint64_t, std::uint64_t)> &progress) {
  MailReport report;
  const runtime::MailConfig &mail = host.config().mail;
  runtime::RuntimeStore &store = host.store();
  const std::vector<runtime::MessageEntry> due = store.due_messages(host.now_iso());
  if (!mail.configured()) {
    report.configured = false;
    report.deferred = due.size();
    return report;
  }
  const SmtpSettings smtp = smtp_settings(mail);
  runtime::StoreContactPolicy policy(store);
  const std::int64_t now_us = host.now_us();
  const std::string local_now = sdk::format_local_time(sdk::bogota_from_utc_us(now_us));
  std::uint64_t done = 0;
  for (const runtime::MessageEntry &m : due) {
    if (progress) {
      progress(++done, due.size());
    }
    const sdk::ContactDecision decision = policy.decide(m.customer_id, m.channel, now_us);
    if (!decision.allowed) {
      store.defer_message(m.message_id, sdk::format_iso_instant_utc(sdk::utc_us_from_bogota(decision.earliest)),
                          "waiting until " + sdk::format_local_time(decision.earliest) + ": " + decision.reason);
      ++report.deferred;
      continue;
    }
    runtime::MessageEntry after = m;
    ++after.attempts;
    SmtpResult result;
    try {
      MailMessage msg;
      msg.from_address = mail.from_address;
      msg.from_name = mail.from_name;
      msg.reply_to = mail.reply_to;
      msg.to = {m.address};
      msg.subject = m.subject;
      msg.text_body = m.body;
      msg.message_id = m.message_id + "@cartera";
      msg.date_utc_us = now_us;
      if (!m.attachment.empty()) {
        msg.attachments.push_back(MailAttachment{runtime::unversioned_file_name(m.attachment),
                                                 media_type_of(m.attachment),
                                                 runtime::read_whole_file(host.config().archive_dir / m.attachment)});
      }
      result = send_mail(smtp, mail.from_address, msg.to, render_mime(msg));
    } catch (const std::exception &e) {
      // A message that cannot be built (an address that is not one) never will be.
      result.permanent = true;
      result.reply = e.what();
    }
    runtime::ContactEntry contact;
    contact.customer_id = m.customer_id;
    contact.channel = m.channel;
    contact.address = m.address;
    contact.at = host.now_iso();
    contact.local_at = local_now;
    contact.reached = result.delivered;
    // The server's reply as it came ("250 2.0.0 OK: queued as ..."), or the network error.
    const std::string code = std::to_string(result.code);
    contact.result = result.code > 0 && result.reply.rfind(code, 0) != 0 ? code + " " + result.reply : result.reply;
    contact.message_id = m.message_id;
    contact.user_id = user;
    after.last_result = contact.result;
    if (result.delivered) {
      after.state = "sent";
      after.sent_at = contact.at;
      ++report.sent;
    } else if (result.permanent || after.attempts >= kMaxAttempts) {
      after.state = "failed";
      ++report.failed;
    } else {
      after.not_before = sdk::format_iso_instant_utc(now_us + retry_after_us(after.attempts));
      ++report.retry;
    }
    store.record_message_attempt(after, &contact);
    policy.remember(contact);
  }
  return report;
}

} // namespace cartera::exchange
