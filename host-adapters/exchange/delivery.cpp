#include "exchange/delivery.hpp"

#include "base/failure.hpp"
#include "exchange/http_post.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/run/job.hpp"
#include "runtime/store/work_lease.hpp"
#include "sql/database.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/text.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <optional>
#include <thread>

namespace cartera::exchange {

namespace {

using runtime::Delivery;
using runtime::Recipient;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The wait before attempt n + 1 after n failures: retry-after doubled n - 1 times, at most an hour.
std::chrono::seconds backoff(const Recipient &r, int failures) {
  long long s = r.retry_after_seconds;
  for (int i = 1; i < failures && s < 3600; ++i) {
    s *= 2;
  }
  return std::chrono::seconds(std::min(s, 3600LL));
}

std::string iso_after(std::chrono::seconds later) {
  return sdk::format_iso_instant_utc(now_us() + std::chrono::duration_cast<std::chrono::microseconds>(later).count());
}

// One attempt; empty when delivered, else what went wrong. table is the interface table's
// connection, opened at the first document of a pass and kept for the rest. A folder drop is
// written without flushes: the pass flushes a batch of them with one sync_folder before it
// records them delivered.
std::string send(const Recipient &r, const Delivery &d, const std::string &content,
                 std::optional<sql::Database> &table) {
  switch (r.transport) {
  case Recipient::Transport::kFolder:
    try {
      runtime::write_unsynced(r.dir, d.file_name, content);
      return "";
    } catch (const runtime::Failure &f) {
      return f.what();
    }
  case Recipient::Transport::kHttp: {
    HttpTarget target = parse_http_url(r.url);
    target.ca_file = r.ca_file.string();
    const HttpResult res =
        post_document(target, content, {{"Idempotency-Key", d.document_id}, {"X-Cartera-Document-Type", d.doc_type}},
                      std::chrono::seconds(r.timeout_seconds));
    if (!res.ok()) {
      return res.error;
    }
    if (res.status < 200 || res.status > 299) {
      return "POST " + r.url + ": HTTP " + std::to_string(res.status) +
             (res.body.empty() ? "" : ": " + res.body.substr(0, 300));
    }
    return "";
  }
  case Recipient::Transport::kTable:
    try {
      if (!table) {
        table = sql::open_database(r.database_url);
      }
      soci::session &s = *table->session;
      // The table name comes from cartera.xml, checked against config.xsd's identifier pattern;
      // every value is bound.
      const std::string at = utc_now_iso();
      s << "INSERT INTO " + r.table +
               " (document_id, doc_type, content, created_at) VALUES (:i, :t, :c, :a) ON CONFLICT (document_id) DO "
               "NOTHING",
          soci::use(d.document_id), soci::use(d.doc_type), soci::use(content), soci::use(at);
      return "";
    } catch (const std::exception &e) {
      table.reset(); // a broken connection is not reused
      return "table " + r.table + ": " + e.what();
    }
  }
  return "unknown transport";
}

void raise_alert(runtime::Host &host, const std::string &run_id, const Recipient &r, const Delivery &d,
                 const std::string &error) {
  const auto attr = [](const char *name, const std::string &v) {
    return std::string(" ") + name + "=\"" + sdk::xml_escape(v) + "\"";
  };
  const std::string content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<delivery-alert "
                              "xmlns=\"urn:cartera:delivery-alert:1\"" +
                              attr("document", d.document_id) + attr("document-type", d.doc_type) +
                              attr("recipient", r.id) + attr("attempts", std::to_string(d.attempts + 1)) +
                              attr("first-queued-at", d.created_at) + attr("failed-at", utc_now_iso()) +
                              ">\n  <last-error>" + sdk::xml_escape(error) + "</last-error>\n</delivery-alert>\n";
  host.schemas().validate(content, "delivery alert for " + d.document_id, "delivery-alert.xsd");
  auto &store = host.store();
  const std::string key = d.document_id + "/" + r.id;
  const std::string id = runtime::document_id("cartera.exchange", "delivery-alert", key);
  {
    sql::WriteTransaction tr(store.session());
    std::vector<runtime::DocumentEntry> alert{runtime::DocumentEntry{
        id, run_id, "cartera.exchange", "delivery-alert", key, id + ".xml", runtime::sha256_hex(content),
        static_cast<long long>(content.size()), utc_now_iso(), content}};
    runtime::record_and_queue(host, alert, utc_now_iso(), r.id);
    tr.commit();
  }
  runtime::flush_outbox(host.config().outbox_dir, store);
}

// Documents sent but not yet recorded as delivered. A folder's files are flushed first: a
// crash before the record makes the next pass write the same files again (same names, same
// content), never lose one the queue says was delivered.
class Delivered {
public:
  Delivered(runtime::RuntimeStore &store, const Recipient &r) : store_(store), r_(r) {}
  void add(const std::string &document_id) {
    ids_.push_back(document_id);
    // Files are batched; a POST or a row is recorded at once (the receiver already has it,
    // and a crash should resend as little as possible).
    if (r_.transport != Recipient::Transport::kFolder || ids_.size() >= 1000) {
      flush();
    }
  }
  void flush() {
    if (ids_.empty()) {
      return;
    }
    if (r_.transport == Recipient::Transport::kFolder) {
      runtime::sync_folder(r_.dir);
    }
    store_.record_delivered(ids_, r_.id, utc_now_iso());
    ids_.clear();
  }

private:
  runtime::RuntimeStore &store_;
  const Recipient &r_;
  std::vector<std::string> ids_;
};

// How long a pass's claim on a recipient lasts without renewal: longer than any one attempt
// (an HTTP POST waits at most the recipient's timeout, twice over for connect and answer), so
// that a live pass renews it in time, short enough that a pass that died on another machine
// holds nothing for long (one of this machine is seen gone at once).
std::chrono::seconds lease_for(const Recipient &r) {
  return std::chrono::seconds(120 + 2 * r.timeout_seconds);
}

// One pass over a recipient's due documents, in order; stops at the first that fails (its
// successors wait behind it) unless it has just failed for good. The recipient is claimed
// first (cartera_work_claim): another pass at the same time, in this process's stead or on
// another machine, leaves it to the one that holds it, so each document is sent once.
void pass(runtime::Host &host, const std::string &run_id, const Recipient &r, const DeliveryOptions &options,
          DeliveryReport &report) {
  auto &store = host.store();
  runtime::WorkLease lease(store, "deliver:" + r.id, run_id, lease_for(r));
  if (!lease.held()) {
    report.busy.push_back(lease.busy_message());
    return;
  }
  std::optional<sql::Database> table;
  if (r.transport == Recipient::Transport::kFolder) {
    std::error_code ec; // a folder that cannot be made fails the first write, with its reason
    std::filesystem::create_directories(r.dir, ec);
  }
  Delivered delivered(store, r);
  for (const Delivery &d : store.pending_deliveries(r.id)) {
    if (d.next_attempt_at > utc_now_iso()) {
      break; // waiting out its back-off; those behind it wait too, to keep the order
    }
    if (!lease.keep()) {
      report.busy.push_back(lease.busy_message()); // taken over after this pass stalled: stop
      break;
    }
    const std::string content = store.document_content(d.document_id, host.config().outbox_dir);
    std::string error;
    if (content.empty()) {
      error = "document " + d.document_id + " has no content (outbox file " + d.file_name + " missing?)";
    } else if (runtime::sha256_hex(content) != d.sha256) {
      error = "document " + d.document_id + " does not match its recorded sha256";
    } else {
      error = send(r, d, content, table);
    }
    if (error.empty()) {
      delivered.add(d.document_id);
      ++report.delivered;
      if (options.on_event) {
        options.on_event(r.id, d.document_id, "delivered");
      }
      continue;
    }
    delivered.flush();
    if (d.attempts + 1 >= r.max_attempts) {
      store.record_failed_attempt(d.document_id, r.id, error, "");
      raise_alert(host, run_id, r, d, error);
      ++report.failed;
      if (options.on_event) {
        options.on_event(r.id, d.document_id, "failed: " + error);
      }
      continue;
    }
    store.record_failed_attempt(d.document_id, r.id, error, iso_after(backoff(r, d.attempts + 1)));
    ++report.retries_scheduled;
    if (options.on_event) {
      options.on_event(r.id, d.document_id, "will retry: " + error);
    }
    break;
  }
  delivered.flush();
}

} // namespace

std::string utc_now_iso() {
  return sdk::format_iso_instant_utc(now_us());
}

DeliveryReport deliver(runtime::Host &host, const DeliveryOptions &options) {
  DeliveryReport report;
  auto &store = host.store();
  runtime::flush_outbox(host.config().outbox_dir, store);
  // A pass is a run in the journal, so that its alerts have one to belong to.
  runtime::RunEntry start;
  start.module_id = "cartera.exchange";
  start.module_version.assign(1, '1'); // not = "1": g++ 12 at -O3 warns (-Wrestrict, a false positive)
  start.job = "deliver";
  start.parameters = "wait=" + std::to_string(options.wait.count());
  start.user_id = host.identity().user;
  start.department = host.identity().department;
  start.started_at = utc_now_iso();
  const std::string run_id = store.begin_run(start);
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  try {
    for (;;) {
      for (const auto &r : host.config().recipients) {
        pass(host, run_id, r, options, report);
      }
      report.pending = static_cast<std::size_t>(store.count_deliveries("pending"));
      if (report.pending == 0 || std::chrono::steady_clock::now() >= deadline || runtime::Host::cancel_flag() != 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  } catch (const std::exception &e) {
    store.finish_run(run_id, "failed", e.what(), utc_now_iso());
    throw;
  }
  store.finish_run(run_id, "ok",
                   "delivered " + std::to_string(report.delivered) + ", retries scheduled " +
                       std::to_string(report.retries_scheduled) + ", failed " + std::to_string(report.failed) +
                       ", pending " + std::to_string(report.pending),
                   utc_now_iso());
  return report;
}

} // namespace cartera::exchange
