#include "runtime/run/job.hpp"

#include "runtime/archive/placement_log.hpp"
#include "runtime/call/contact_policy.hpp"
#include "runtime/call/module_instance.hpp"
#include "runtime/run/job_archive.hpp"
#include "runtime/run/job_params.hpp"
#include "runtime/run/published_job.hpp"

#include "base/failure.hpp"
#include "runtime/call/render.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/workers/document_work.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>

namespace cartera::runtime {

std::string status_words(cartera_status s) {
  switch (s) {
  case CARTERA_E_INVALID_ARGUMENT:
    return "invalid argument";
  case CARTERA_E_UNSUPPORTED:
    return "unsupported";
  case CARTERA_E_INPUT_REJECTED:
    return "input rejected";
  case CARTERA_E_DATABASE:
    return "database error";
  case CARTERA_E_TRANSIENT:
    return "transient error";
  case CARTERA_E_OUT_OF_MEMORY:
    return "out of memory";
  case CARTERA_E_ABI:
    return "ABI error";
  case CARTERA_E_CANCELLED:
    return "cancelled";
  case CARTERA_E_NOT_FOUND:
    return "not found";
  case CARTERA_E_NOT_PERMITTED:
    return "not permitted";
  default:
    return "internal error";
  }
}

namespace {

// A file written under a temporary name in its final folder, renamed into place by commit();
// removed if never committed.
class PendingFile {
public:
  explicit PendingFile(const std::filesystem::path &target)
      : target_(target),
        tmp_(target.parent_path() / std::string(".").append(target.filename().string()).append(".tmp")) {
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) {
      fail("cannot write " + tmp_.string());
    }
  }
  ~PendingFile() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }
  PendingFile(const PendingFile &) = delete;
  PendingFile &operator=(const PendingFile &) = delete;
  std::ostream &stream() noexcept { return out_; }
  void commit() {
    out_.close();
    if (!out_) {
      fail("cannot write " + tmp_.string());
    }
    std::filesystem::rename(tmp_, target_);
    committed_ = true;
  }

private:
  std::filesystem::path target_;
  std::filesystem::path tmp_;
  std::array<char, 1 << 16> buffer_{};
  std::ofstream out_;
  bool committed_ = false;
};

} // namespace

std::size_t flush_outbox(const std::filesystem::path &outbox, RuntimeStore &store) {
  const std::vector<DocumentEntry> docs = store.unwritten_documents();
  if (docs.empty()) {
    return 0;
  }
  std::error_code ec;
  std::filesystem::create_directories(outbox, ec);
  std::vector<std::string> ids;
  ids.reserve(docs.size());
  for (const auto &d : docs) {
    write_unsynced(outbox, d.file_name, d.content);
    ids.push_back(d.document_id);
  }
  sync_folder(outbox);
  store.mark_written(ids);
  return docs.size();
}

std::vector<bool> record_and_queue(Host &host, std::vector<DocumentEntry> &docs, const std::string &at,
                                   const std::string &skip_recipient) {
  const auto takers = [&](const DocumentEntry &d) {
    std::vector<const std::string *> ids;
    for (const auto &r : host.config().recipients) {
      if (r.id != skip_recipient && r.documents.count(d.doc_type) != 0) {
        ids.push_back(&r.id);
      }
    }
    return ids;
  };
  for (auto &d : docs) {
    d.to_outbox = d.to_outbox && takers(d).empty();
  }
  std::vector<bool> fresh = host.store().record_new_documents(docs);
  std::vector<std::pair<std::string, std::string>> owed; // document, recipient
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (fresh[i]) {
      for (const std::string *recipient : takers(docs[i])) {
        owed.emplace_back(docs[i].document_id, *recipient);
      }
    }
  }
  host.store().enqueue_deliveries(owed, at);
  return fresh;
}

ExitCode exit_code_for(cartera_status status) noexcept {
  switch (status) {
  case CARTERA_OK:
    return ExitCode::kOk;
  case CARTERA_E_INVALID_ARGUMENT:
    return ExitCode::kUsage;
  case CARTERA_E_INPUT_REJECTED:
    return ExitCode::kInputRefused;
  case CARTERA_E_NOT_PERMITTED:
    return ExitCode::kNotPermitted;
  default:
    return ExitCode::kFailure;
  }
}

namespace {

// The module and the job an invocation names: exit 2 for a name that is not there, exit 1 for a
// module the catalog refused.
struct JobTarget {
  const ModuleRecord *record = nullptr;
  const Manifest *manifest = nullptr;
  const JobSpec *job = nullptr;
};

JobTarget find_job(Host &host, const JobInvocation &inv) {
  const ModuleRecord *record = host.catalog().find(inv.module);
  if (record == nullptr) {
    usage_error("unknown command or module '" + inv.module + "' (see cartera --help and cartera plugins)");
  }
  if (!record->ok()) {
    const std::string why = record->label() + " refused: " + record->refusal;
    host.audit_refusal(inv.module + " " + inv.job, why);
    fail(why);
  }
  const Manifest &m = *record->manifest;
  const JobSpec *job = m.find_job(inv.job);
  if (job == nullptr) {
    std::string jobs;
    for (const auto &j : m.jobs) {
      jobs += (jobs.empty() ? "" : ", ") + j.name;
    }
    usage_error("module '" + m.name + "' has no job '" + inv.job + "'; its jobs are: " + jobs);
  }
  return JobTarget{record, &m, job};
}

// Permission: the department must have enabled the module, the user must hold a role the
// job asks for (exit 4, audited).
void check_permission(Host &host, const Manifest &m, const JobSpec &job) {
  const Identity &who = host.identity();
  if (!host.store().is_enabled(m.id, who.department)) {
    std::string it_users;
    for (const auto *u : host.config().users_with_role("it")) {
      it_users += (it_users.empty() ? "" : ", ") + u->id;
    }
    host.refuse(m.name + " " + job.name,
                "module '" + m.name + "' (" + m.id + ") is not enabled for department '" + who.department +
                    "'; a user with the 'it' role" + (it_users.empty() ? "" : " (" + it_users + ")") +
                    " can enable it: cartera modules enable " + m.name + " --department " + who.department);
  }
  if (!job.roles.empty()) {
    bool allowed = false;
    std::string list;
    for (const auto &r : job.roles) {
      allowed = allowed || who.has_role(r);
      list += (list.empty() ? "" : ", ") + r;
    }
    if (!allowed) {
      host.refuse(m.name + " " + job.name,
                  "user '" + who.user + "' may not run " + m.name + " " + job.name + ": it needs the role " + list);
    }
  }
}

// The run's journal row (running), once what an earlier run committed but did not live to write
// has reached the outbox and what a process that died left half written there is removed.
std::string begin_journal(Host &host, const Manifest &m, const JobSpec &job,
                          const std::map<std::string, OwnedValue> &params) {
  const Identity &who = host.identity();
  RunEntry start;
  start.module_id = m.id;
  start.module_version = m.version;
  start.job = job.name;
  start.parameters = canonical_params(job, params);
  start.user_id = who.user;
  start.department = who.department;
  start.started_at = host.now_iso();
  remove_dead_temporaries(host.config().outbox_dir, false);
  flush_outbox(host.config().outbox_dir, host.store());
  return host.store().begin_run(start);
}

// What the module reaches during the call, besides its parameters: settings, clock, run id,
// where results and log lines go, its data, the cancellation flag and the calendar.
void prepare_call(Host &host, const Manifest &m, const JobSpec &job, std::map<std::string, OwnedValue> params,
                  const std::string &run_id, ResultSink &sink, RunObserver &observer, DataAccess &data,
                  cartera_call &call) {
  call.manifest = &m;
  call.job = &job;
  call.params = std::move(params);
  auto settings = host.config().module_settings.find(m.id);
  call.settings = settings != host.config().module_settings.end() ? &settings->second : nullptr;
  call.now_us = host.now_us();
  call.request_id = run_id;
  call.sink = &sink;
  call.observer = &observer;
  call.data = &data;
  call.cancel_flag = &Host::cancel_flag();
  call.saturday_is_business_day = host.config().saturday_is_business_day;
}

// create, handle, destroy. A status other than OK fails the run with the module's message (or
// the status in words) and the exit code the status stands for.
void call_module(const LoadedModule &mod, cartera_call &call, const Manifest &m, const JobSpec &job,
                 const std::string &input) {
  cartera_status status = CARTERA_OK;
  {
    Instance instance(mod, call);
    status = instance.handle(call, job.name, input);
  }
  call.ops.clear();
  if (status != CARTERA_OK) {
    std::string message =
        m.name + " " + job.name + ": " + (call.error_message.empty() ? status_words(status) : call.error_message);
    if (!call.error_detail.empty()) {
      message += " [" + call.error_detail + "]";
    }
    throw Failure(exit_code_for(status), message);
  }
}

// The run's documents recorded in its transaction while the workers still validate and place
// files (a hundred thousand receipts take a second of their own): the content is copied,
// because they are still reading it. Every document validates, or the rollback takes these
// rows back and no file is indexed. An invalid one is the module's fault, not the caller's
// input: exit 1. The outbox files follow the commit (flush_outbox), for the types that have
// them. Returns the entries, in emission order, and sets fresh (whether each was new) and the
// outcome's counts.
std::vector<DocumentEntry> record_documents(Host &host, const Manifest &m, const std::deque<EmittedDocument> &docs,
                                            const std::string &run_id, std::vector<bool> &fresh, JobOutcome &outcome) {
  std::vector<DocumentEntry> entries;
  entries.reserve(docs.size());
  for (const auto &doc : docs) {
    const std::string id = document_id(m.id, doc.type, doc.key);
    entries.push_back(DocumentEntry{id, run_id, m.id, doc.type, doc.key, id + ".xml", sha256_hex(doc.content),
                                    static_cast<long long>(doc.content.size()), host.now_iso(), doc.content});
    entries.back().to_outbox = m.find_doc_type(doc.type)->outbox;
  }
  fresh = record_and_queue(host, entries, host.now_iso());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!fresh[i]) {
      ++outcome.documents_already_present;
      continue;
    }
    ++outcome.documents_emitted;
    const auto &recipients = host.config().recipients;
    const bool taken = std::any_of(recipients.begin(), recipients.end(),
                                   [&](const auto &r) { return r.documents.count(entries[i].doc_type) != 0; });
    ++(entries[i].to_outbox ? outcome.documents_to_outbox
       : taken              ? outcome.documents_for_recipients
                            : outcome.documents_kept);
  }
  return entries;
}

} // namespace

JobOutcome run_job(Host &host, const JobInvocation &inv, std::ostream &out, RunObserver &observer) {
  const JobTarget target = find_job(host, inv);
  const Manifest &m = *target.manifest;
  const JobSpec *job = target.job;
  std::map<std::string, OwnedValue> params = parse_job_params(m, *job, inv.options);
  const std::string format = chosen_format(m, *job, inv);
  params["format"] = OwnedValue{CARTERA_TYPE_TEXT, 0, format};
  read_file_params(host, *job, params);
  const std::string input = read_input(host, m, *job, inv);
  check_permission(host, m, *job);
  const Identity &who = host.identity();
  add_caller_params(who, params);

  host.check_operations(m, m.name + " " + job->name);
  DataAccess *data = &host.data_for(m);
  std::shared_ptr<const LoadedModule> mod;
  try {
    mod = load_module(*target.record, host.catalog().host_abi());
  } catch (const Failure &f) { // a binary its manifest does not describe, an ABI refused: audited
    host.audit_refusal(m.name + " " + job->name, f.what());
    throw;
  }
  RuntimeStore &store = host.store();
  const std::string run_id = begin_journal(host, m, *job, params);

  // Nothing reaches the caller unless the run commits: to standard output the result is
  // buffered; to --output FILE it streams into a temporary file beside FILE, renamed into
  // place at the commit and removed otherwise (a million-row export never sits in memory).
  std::ostringstream buffered;
  std::unique_ptr<PendingFile> pending;
  if (inv.output) {
    pending = std::make_unique<PendingFile>(*inv.output);
  }
  std::unique_ptr<ResultSink> sink =
      make_sink(format, pending ? pending->stream() : static_cast<std::ostream &>(buffered), m.name, job->name);

  cartera_call call;
  prepare_call(host, m, *job, std::move(params), run_id, *sink, observer, *data, call);

  // What earlier runs that did not commit placed in the customers' folders goes first; this
  // run's files are listed before they are placed, and the list dropped at its commit.
  sweep_unfinished_placements(host.config().archive_dir, store);
  PlacementLog placed(host.config().archive_dir, run_id);
  DocumentWork work(host.schemas(), m, call.documents, host.config().archive_dir, call.now_us, placed);
  call.work = &work;
  StoreContactPolicy contacts(store);
  call.contacts = &contacts;

  JobOutcome outcome;
  outcome.run_id = run_id;
  // A failure is thrown, and the journal row finished as failed by the handler below, after the
  // transaction has rolled back (inside it, the update would be rolled back too).
  // The run's own failure is what the caller reads: a journal that cannot be written then (the
  // database still locked) leaves the row running, which a later run marks interrupted.
  // What the run placed in the customers' folders goes with it (placement_log.hpp), once the
  // workers have stopped placing.
  // Operations the job reached for without declaring them (op_prepare refused them), audited
  // outside the transaction, whether the module went on or failed.
  const auto audit_undeclared = [&] {
    for (const auto &[object, reason] : call.refusals) {
      host.audit_refusal(object, reason);
    }
    call.refusals.clear();
    host.audit_deferred_refusals();
  };
  const auto finish_failed = [&](const std::string &message) {
    try {
      store.finish_run(run_id, "failed", message, host.now_iso());
    } catch (const Failure &) { // NOLINT(bugprone-empty-catch): see above
    }
    work.abandon();
    try {
      sweep_unfinished_placements(host.config().archive_dir, store);
    } catch (const std::exception &) { // NOLINT(bugprone-empty-catch): the next run sweeps it
    }
  };
  const ReaderObserverScope observing(observer);
  try {
    // A job that writes takes SQLite's write lock at its start and keeps it to its commit
    // (sql::WriteTransaction): a second writer queues behind it for the busy timeout instead of
    // failing. A job that only reads keeps a deferred transaction, which blocks nobody (WAL);
    // its journal row is finished after it, since a reader that turns writer fails at once when
    // another process has committed meanwhile.
    std::optional<sql::WriteTransaction> writing;
    std::optional<soci::transaction> reading;
    if (job->writes) {
      writing.emplace(store.session());
    } else {
      reading.emplace(store.session());
    }
    call_module(*mod, call, m, *job, input);
    sink->finish();

    std::vector<bool> fresh;
    const std::vector<DocumentEntry> entries = record_documents(host, m, call.documents, run_id, fresh, outcome);
    if (const std::string failure = work.finish(); !failure.empty()) {
      throw Failure(ExitCode::kFailure, failure);
    }
    call.documents.clear();
    const ArchiveOutcome archived =
        archive_and_queue(host, m, entries, fresh, work, call.renditions, call.messages, run_id, who.user);
    outcome.archived = archived.files_new;
    outcome.archive_deferred = archived.files_deferred;
    outcome.messages_queued = archived.messages_new;
    outcome.messages_offered = call.messages.size();
    call.renditions.clear();
    const std::string done = "documents: " + std::to_string(outcome.documents_emitted) + " emitted, " +
                             std::to_string(outcome.documents_already_present) + " already present";
    if (writing) {
      store.finish_run(run_id, "ok", done, host.now_iso());
      writing->commit();
    } else {
      reading->commit();
      store.finish_run(run_id, "ok", done, host.now_iso());
    }
    placed.committed();
  } catch (const Failure &f) {
    finish_failed(f.what());
    audit_undeclared();
    if (f.code() == ExitCode::kNotPermitted) { // the module refused (four eyes): audited as the host's are
      host.audit_refusal(m.name + " " + job->name, f.what());
    }
    throw;
  } catch (const soci::soci_error &e) {
    const std::string message = m.name + " " + job->name + ": database: " + e.get_error_message();
    finish_failed(message);
    audit_undeclared();
    throw Failure(ExitCode::kFailure, message);
  }
  audit_undeclared();
  outcome.rows = call.rows;
  if (outcome.documents_emitted > 0) {
    flush_outbox(host.config().outbox_dir, store);
  }
  if (pending) {
    pending->commit();
  } else {
    out << buffered.str();
  }
  return outcome;
}

} // namespace cartera::runtime
