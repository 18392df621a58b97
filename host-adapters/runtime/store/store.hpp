// The host's own tables (schemas/sql/runtime): which module each department has enabled,
// the audit trail, the run journal and the documents each run emitted.
#pragma once

#include "sql/database.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cartera::runtime {

struct Enablement {
  std::string module_id;
  std::string department;
  std::string enabled_by;
  std::string enabled_at;
};

struct AuditEntry {
  long long seq = 0;
  std::string at;
  std::string user_id;
  std::string department;
  std::string action;
  std::string object;
  std::string detail;
};

// An audit row as read back: with the operating-system account that wrote it (the store's
// caller, set_caller).
struct AuditRow : AuditEntry {
  std::string os_account;
};

struct RunEntry {
  std::string run_id;
  std::string module_id;
  std::string module_version;
  std::string job;
  std::string parameters;
  std::string user_id;
  std::string department;
  std::string started_at;
  std::string finished_at;
  std::string status;
  std::string message;
  std::string os_account; // read back; written from the store's caller (set_caller)
};

struct DocumentEntry {
  std::string document_id;
  std::string run_id;
  std::string module_id;
  std::string doc_type;
  std::string doc_key;
  std::string file_name;
  std::string sha256;
  long long size_bytes = 0;
  std::string created_at;
  std::string content; // the document itself; empty when listing
  // false when a recipient's transport takes it, or its type is kept out of the outbox
  // (manifest outbox="false"): no outbox file is owed
  bool to_outbox = true;
};

// An index row of the customers' folders (runtime/archive/archive.hpp): one file placed there.
struct ArchiveEntry {
  std::string path; // relative to the archive root: <customer>/<yyyy>/<mm>/<name>
  std::string customer_id;
  std::string doc_type;
  std::string period; // YYYY-MM
  std::string media_type;
  std::string document_id;
  std::string sha256;
  long long size_bytes = 0;
  std::string run_id;
  std::string created_by;
  std::string created_at;
};

// A module's document type whose documents are filed in their customers' folders after their
// run (manifest archive="deferred"), with the paths that find the customer and the period.
struct FilingRequest {
  std::string module_id;
  std::string doc_type;
  std::string customer_path;
  std::string period_path;
};

// One waiting: the document, who made it and when (the folder's month when the type has no
// period path), and the paths.
struct PendingFiling {
  std::string document_id;
  std::string doc_type;
  std::string doc_key;
  std::string sha256;
  std::string run_id;
  std::string created_by;
  std::string created_at;
  std::string content; // empty for a document recorded before contents were kept (in the outbox)
  std::string customer_path;
  std::string period_path;
};

// A document owed to a recipient (schemas/sql/runtime/*/003_exchange.sql), with what it is.
struct Delivery {
  std::string document_id;
  std::string recipient;
  long long seq = 0;
  std::string state;
  int attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
  std::string created_at;
  std::string delivered_at;
  std::string answered_at;
  std::string answer_number;
  std::string answer_reason;
  std::string doc_type;
  std::string file_name;
  std::string sha256;
};

// A message owed to a customer (cartera_message) and where it stands.
struct MessageEntry {
  std::string message_id;
  std::string module_id;
  std::string customer_id;
  std::string channel;
  std::string address;
  std::string key;
  std::string subject;
  std::string body;
  std::string attachment; // an archive path, or ''
  std::string state = "queued";
  int attempts = 0;
  std::string not_before; // UTC ISO instant; '' = at once
  std::string last_result;
  std::string run_id;
  std::string created_at;
  std::string sent_at;
};

// One attempt to reach a customer (cartera_contact): the planilla de control.
struct ContactEntry {
  long long seq = 0;
  std::string customer_id;
  std::string channel; // email | sms | phone
  std::string address;
  std::string at;       // UTC ISO instant
  std::string local_at; // "2026-11-23 09:15" in Bogota
  bool reached = false;
  std::string result;
  std::string message_id;
  std::string user_id;
  std::string note;
};

// Who claims work (store_claims.cpp): this process, unique even against an earlier process
// that had the same pid.
struct WorkClaimant {
  std::string holder; // host:pid:start
  std::string host_name;
  long long pid = 0;
  std::string run_id;
  static WorkClaimant this_process(const std::string &run_id);
};

// A claim on work, as the database holds it.
struct WorkClaim {
  std::string work;
  std::string holder;
  std::string host_name;
  long long pid = 0;
  std::string run_id;
  std::string claimed_at;
  std::string lease_until;
};

class RuntimeStore {
public:
  // Opens url and brings the runtime tables to this build's version.
  RuntimeStore(const std::string &url, const std::filesystem::path &sql_root, const std::string &now_iso,
               int sqlite_cache_mb = 64);

  sql::Database &database() noexcept { return db_; }
  // The operating-system account of the process (Host sets it once): every audit row and run
  // this store writes names it beside the cartera user.
  void set_caller(std::string os_account) { os_account_ = std::move(os_account); }
  soci::session &session() noexcept { return *db_.session; }

  [[nodiscard]] bool is_enabled(const std::string &module_id, const std::string &department);
  std::vector<Enablement> enablements();
  // Both return false when nothing changed (already enabled / not enabled). The audit row is
  // written in the same transaction as the change.
  bool enable(const std::string &module_id, const std::string &department, const std::string &user,
              const std::string &user_department, const std::string &at);
  bool disable(const std::string &module_id, const std::string &department, const std::string &user,
               const std::string &user_department, const std::string &at);
  void audit(const AuditEntry &e); // inside the caller's transaction, if any
  std::vector<AuditRow> audit_trail(int limit);

  // Assigns and returns run_id. Runs of this host still marked running whose process is gone
  // are marked interrupted first.
  std::string begin_run(const RunEntry &start);
  void mark_interrupted_runs(const std::string &at);
  void finish_run(const std::string &run_id, const std::string &status, const std::string &message,
                  const std::string &at);
  std::vector<RunEntry> runs(int limit);
  // A run's status ('running', 'ok', 'failed', 'interrupted'), or '' for a run never begun.
  std::string run_status(const std::string &run_id);

  [[nodiscard]] bool document_exists(const std::string &document_id);
  void record_document(const DocumentEntry &d);
  // Records each document not recorded before (by id), with its content and written = 0, in the
  // caller's transaction; returns whether each was new. One prepared statement for them all.
  std::vector<bool> record_new_documents(const std::vector<DocumentEntry> &docs);
  // Documents whose outbox file is not known to be on disk, with their content.
  std::vector<DocumentEntry> unwritten_documents();
  void mark_written(const std::vector<std::string> &document_ids);
  // A document's bytes: from the database, or from the outbox for one recorded before
  // documents were kept there. Empty when unknown.
  std::string document_content(const std::string &document_id, const std::filesystem::path &outbox);

  // The exchange (store_delivery.cpp). Owed deliveries are added in the caller's transaction,
  // due at once (next_attempt_at empty: the run's --now may be any time; retries use the clock).
  void enqueue_deliveries(const std::vector<std::pair<std::string, std::string>> &document_recipient,
                          const std::string &at);
  // A recipient's pending deliveries, in emission order.
  std::vector<Delivery> pending_deliveries(const std::string &recipient);
  // Every delivery in state (all when empty), oldest first.
  std::vector<Delivery> deliveries(const std::string &state);
  [[nodiscard]] long long count_deliveries(const std::string &state);
  std::optional<Delivery> find_delivery(const std::string &document_id, const std::string &recipient);
  // After an attempt: delivered, or the error with when to try again (state failed when
  // next_attempt_at is empty). One short transaction each (all of document_ids in one).
  void record_delivered(const std::vector<std::string> &document_ids, const std::string &recipient,
                        const std::string &at);
  void record_failed_attempt(const std::string &document_id, const std::string &recipient, const std::string &error,
                             const std::string &next_attempt_at);
  void record_answer(const std::string &document_id, const std::string &recipient, bool accepted,
                     const std::string &number, const std::string &reason, const std::string &at);
  // A failed delivery back to pending, due now; false when it was not failed.
  bool retry_delivery(const std::string &document_id, const std::string &recipient, const std::string &at);
  std::vector<DocumentEntry> documents_of_run(const std::string &run_id);

  // The archive index and the contact channels (store_contacts.cpp).
  // Index rows for files already placed, in the caller's transaction; a path indexed before
  // (the same bytes made again) is left as it was. Returns how many rows were new.
  std::size_t record_archive(const std::vector<ArchiveEntry> &entries);
  // The index, by customer (all when empty), then period and path.
  std::vector<ArchiveEntry> archive_entries(const std::string &customer_id);
  [[nodiscard]] bool archive_path_indexed(const std::string &path);
  // Documents of archive="deferred" types, filed after their run (store_deferred_archive.cpp):
  // the run's new documents of the type queued in its transaction, read a batch at a time in
  // document order, and indexed with their rows dropped from the queue in one transaction.
  void queue_filings(const std::string &run_id, const FilingRequest &request, const std::string &at);
  std::vector<PendingFiling> pending_filings(const std::string &after_document_id, std::size_t limit);
  [[nodiscard]] long long count_pending_filings();
  void record_filings(const std::vector<ArchiveEntry> &entries, const std::vector<std::string> &document_ids);
  // Messages not queued before (by message_id), in the caller's transaction; how many were new.
  std::size_t record_messages(const std::vector<MessageEntry> &messages);
  // Queued messages due at now_iso (not_before empty or not after it), oldest first.
  std::vector<MessageEntry> due_messages(const std::string &now_iso);
  std::vector<MessageEntry> messages(const std::string &state);
  // After an attempt (one short transaction with its contact row): state sent, failed, or
  // queued again with not_before.
  void record_message_attempt(const MessageEntry &after, const ContactEntry *contact);
  // A message that may not go yet: when it may, and why (no attempt, nothing logged).
  void defer_message(const std::string &message_id, const std::string &not_before, const std::string &why);
  void log_contact(const ContactEntry &c);
  // Contacts at or after since_iso (all when empty) of one customer (all when empty), oldest first.
  std::vector<ContactEntry> contacts(const std::string &customer_id, const std::string &since_iso);

  // Work one process at a time may do (cartera_work_claim): nullopt when me now holds it (it
  // was free, mine, expired, or held by a process of this machine that is gone), else the
  // claim that holds it. The lease is renewed by renew_work, which returns false when the
  // claim was lost (taken over after it expired): the holder must stop.
  std::optional<WorkClaim> claim_work(const std::string &work, const WorkClaimant &me, std::chrono::seconds lease);
  bool renew_work(const std::string &work, const WorkClaimant &me, std::chrono::seconds lease);
  void release_work(const std::string &work, const WorkClaimant &me);
  std::optional<WorkClaim> work_claim(const std::string &work);

private:
  sql::Database db_;
  std::string os_account_;
};

} // namespace cartera::runtime
