#include "runtime/run/job.hpp"

#include "runtime/archive/placement_log.hpp"
#include "runtime/call/contact_policy.hpp"
#include "runtime/call/module_instance.hpp"
#include "runtime/run/job_archive.hpp"
#include "runtime/run/published_job.hpp"

#include "base/failure.hpp"
#include "runtime/call/render.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/workers/document_work.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <sstream>

namespace cartera::runtime {

namespace {

OwnedValue typed(const Manifest &m, const JobSpec &job, const ParamSpec &p, const std::string &raw) {
  const auto bad = [&](const std::string &why) {
    usage_error(m.name + " " + job.name + ": --" + p.name + " '" + raw + "': " + why);
  };
  if (!p.choices.empty()) {
    bool found = false;
    std::string list;
    for (const auto &c : p.choices) {
      found = found || c == raw;
      list += (list.empty() ? "" : ", ") + c;
    }
    if (!found) {
      bad("expected one of " + list);
    }
  }
  OwnedValue v;
  if (p.type == "date") {
    auto d = sdk::parse_iso_date(raw);
    if (!d) {
      bad("not a date (YYYY-MM-DD)");
    }
    v.type = CARTERA_TYPE_DATE;
    v.i = *d;
  } else if (p.type == "integer") {
    std::size_t used = 0;
    try {
      v.i = std::stoll(raw, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used != raw.size() || raw.empty()) {
      bad("not an integer");
    }
    v.type = CARTERA_TYPE_INTEGER;
  } else if (p.type == "amount") {
    auto a = sdk::parse_pesos(raw, true);
    if (!a.centavos) {
      bad(sdk::describe(a.error));
    }
    v.type = CARTERA_TYPE_CENTAVOS;
    v.i = *a.centavos;
  } else if (p.type == "boolean") {
    if (raw != "true" && raw != "false") {
      bad("expected true or false");
    }
    v.type = CARTERA_TYPE_BOOLEAN;
    v.i = raw == "true" ? 1 : 0;
  } else {
    v.type = CARTERA_TYPE_TEXT;
    v.s = raw;
  }
  return v;
}

// The parameters as the journal records them: a file by its name and digest, not its bytes.
std::string canonical_params(const JobSpec &job, const std::map<std::string, OwnedValue> &params) {
  std::string out;
  for (const auto &[k, v] : params) {
    const ParamSpec *p = job.find_param(k);
    if ((p != nullptr && p->type == "file") || k.rfind("cartera.", 0) == 0) {
      continue; // a file: <name>_name and <name>_sha256 stand for it; who ran it has its own columns
    }
    out += (out.empty() ? "" : " ") + k + "=" + plain_text(v);
  }
  return out;
}

constexpr std::uintmax_t kMaxFileBytes = 512ULL << 20;

// One allocation of the file's size and one read: a 90 MB bank statement is not copied
// through a growing stream buffer.
std::string read_file(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  if (!in || ec) {
    refuse_input("cannot read input " + p.string());
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    refuse_input("cannot read input " + p.string());
  }
  return bytes;
}

} // namespace

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

std::map<std::string, OwnedValue> parse_job_params(const Manifest &m, const JobSpec &job,
                                                   const std::vector<std::pair<std::string, std::string>> &options) {
  std::map<std::string, OwnedValue> params;
  for (const auto &[name, raw] : options) {
    const ParamSpec *p = job.find_param(name);
    if (p == nullptr) {
      usage_error(m.name + " " + job.name + ": unknown option --" + name + " (see cartera " + m.name + " " + job.name +
                  " --help)");
    }
    if (params.count(name) != 0) {
      usage_error(m.name + " " + job.name + ": --" + name + " given twice");
    }
    params.emplace(name, typed(m, job, *p, raw));
  }
  for (const auto &p : job.params) {
    if (params.count(p.name) != 0) {
      continue;
    }
    if (p.default_value) {
      params.emplace(p.name, typed(m, job, p, *p.default_value));
    } else if (p.required) {
      usage_error(m.name + " " + job.name + ": --" + p.name + " is required (" + p.help + ")");
    }
  }
  return params;
}

JobOutcome run_job(Host &host, const JobInvocation &inv, std::ostream &out, RunObserver &observer) {
  const ModuleRecord *record = host.catalog().find(inv.module);
  if (record == nullptr) {
    usage_error("unknown command or module '" + inv.module + "' (see cartera --help and cartera plugins)");
  }
  if (!record->ok()) {
    fail(record->label() + " refused: " + record->refusal);
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
  std::map<std::string, OwnedValue> params = parse_job_params(m, *job, inv.options);
  const std::string format = inv.format.value_or(job->formats.empty() ? "table" : job->formats.front());
  if (!job->has_format(format)) {
    std::string list;
    for (const auto &f : job->formats) {
      list += (list.empty() ? "" : ", ") + f;
    }
    usage_error(m.name + " " + job->name + ": --format " + format + " is not offered; choose one of " + list);
  }
  params["format"] = OwnedValue{CARTERA_TYPE_TEXT, 0, format};

  // Files: read here, so that a module never opens paths itself, the journal names what was
  // read by digest, and an XML file meets its XSD before any module code sees it.
  for (const auto &p : job->params) {
    auto found = params.find(p.name);
    if (p.type != "file" || found == params.end()) {
      continue;
    }
    const std::filesystem::path path = found->second.s;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || !std::filesystem::is_regular_file(path)) {
      refuse_input(path.string() + ": cannot read it (" + (ec ? ec.message() : "not a regular file") + ")");
    }
    if (size > kMaxFileBytes) {
      refuse_input(path.string() + ": " + std::to_string(size) + " bytes, above the " +
                   std::to_string(kMaxFileBytes >> 20) + " MB a file parameter may have");
    }
    std::string bytes = read_file(path);
    if (!p.schema.empty()) {
      host.schemas().validate(bytes, path.string(), p.schema);
    }
    params[p.name + "_name"] = OwnedValue{CARTERA_TYPE_TEXT, 0, path.string()};
    params[p.name + "_sha256"] = OwnedValue{CARTERA_TYPE_TEXT, 0, sha256_hex(bytes)};
    found->second.s = std::move(bytes);
  }

  std::string input;
  if (!job->input_doc_type.empty()) {
    if (!inv.input) {
      usage_error(m.name + " " + job->name + ": --input FILE is required (a '" + job->input_doc_type + "' document)");
    }
    input = read_file(*inv.input);
    const DocTypeSpec *spec = m.find_doc_type(job->input_doc_type);
    host.schemas().validate(input, inv.input->string(), spec->schema);
  } else if (inv.input) {
    usage_error(m.name + " " + job->name + ": this job reads no --input");
  }

  // Permission: the department must have enabled the module, the user must hold a role the
  // job asks for.
  const Identity &who = host.identity();
  RuntimeStore &store = host.store();
  if (!store.is_enabled(m.id, who.department)) {
    std::string it_users;
    for (const auto *u : host.config().users_with_role("it")) {
      it_users += (it_users.empty() ? "" : ", ") + u->id;
    }
    host.refuse(m.name + " " + job->name,
                "module '" + m.name + "' (" + m.id + ") is not enabled for department '" + who.department +
                    "'; a user with the 'it' role" + (it_users.empty() ? "" : " (" + it_users + ")") +
                    " can enable it: cartera modules enable " + m.name + " --department " + who.department);
  }
  if (!job->roles.empty()) {
    bool allowed = false;
    std::string list;
    for (const auto &r : job->roles) {
      allowed = allowed || who.has_role(r);
      list += (list.empty() ? "" : ", ") + r;
    }
    if (!allowed) {
      host.refuse(m.name + " " + job->name,
                  "user '" + who.user + "' may not run " + m.name + " " + job->name + ": it needs the role " + list);
    }
  }

  // Who is acting, for modules that must know (four eyes: the approver is not the proposer).
  // Reserved names: a module's own parameters cannot contain a dot.
  params["cartera.user"] = OwnedValue{CARTERA_TYPE_TEXT, 0, who.user};
  params["cartera.department"] = OwnedValue{CARTERA_TYPE_TEXT, 0, who.department};
  std::string roles;
  for (const auto &r : who.roles) {
    roles += (roles.empty() ? "" : " ") + r;
  }
  params["cartera.roles"] = OwnedValue{CARTERA_TYPE_TEXT, 0, roles};

  host.check_operations(&m);
  DataAccess *data = &host.data_for(m);
  std::shared_ptr<const LoadedModule> mod = load_module(*record, host.catalog().host_abi());

  RunEntry start;
  start.module_id = m.id;
  start.module_version = m.version;
  start.job = job->name;
  start.parameters = canonical_params(*job, params);
  start.user_id = who.user;
  start.department = who.department;
  start.started_at = host.now_iso();
  // What an earlier run committed but did not live to write reaches the outbox first; what a
  // process that died left half written there is removed.
  remove_dead_temporaries(host.config().outbox_dir, false);
  flush_outbox(host.config().outbox_dir, store);
  const std::string run_id = store.begin_run(start);

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
  call.manifest = &m;
  call.job = job;
  call.params = std::move(params);
  auto settings = host.config().module_settings.find(m.id);
  call.settings = settings != host.config().module_settings.end() ? &settings->second : nullptr;
  call.now_us = host.now_us();
  call.request_id = run_id;
  call.sink = sink.get();
  call.observer = &observer;
  call.data = data;
  call.cancel_flag = &Host::cancel_flag();
  call.saturday_is_business_day = host.config().saturday_is_business_day;

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
  // The journal row is finished as failed by the handler below, after the transaction has
  // rolled back (inside it, the update would be rolled back too).
  const auto failed = [](ExitCode code, const std::string &message) { throw Failure(code, message); };
  // The run's own failure is what the caller reads: a journal that cannot be written then (the
  // database still locked) leaves the row running, which a later run marks interrupted.
  // What the run placed in the customers' folders goes with it (placement_log.hpp), once the
  // workers have stopped placing.
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
    cartera_status status = CARTERA_OK;
    {
      Instance instance(*mod, call);
      status = instance.handle(call, job->name, input);
    }
    call.ops.clear();
    if (status != CARTERA_OK) {
      std::string message =
          m.name + " " + job->name + ": " + (call.error_message.empty() ? status_words(status) : call.error_message);
      if (!call.error_detail.empty()) {
        message += " [" + call.error_detail + "]";
      }
      failed(exit_code_for(status), message);
    }
    sink->finish();

    // Recorded in the run's transaction while the workers still validate and place files (a
    // hundred thousand receipts take a second of their own): the content is copied, because
    // they are still reading it. Every document validates, or the rollback below takes
    // these rows back and no file is indexed. An invalid one is the module's fault, not the
    // caller's input: exit 1. The outbox files follow the commit (flush_outbox), for the
    // types that have them.
    std::vector<DocumentEntry> entries;
    entries.reserve(call.documents.size());
    for (const auto &doc : call.documents) {
      const std::string id = document_id(m.id, doc.type, doc.key);
      entries.push_back(DocumentEntry{id, run_id, m.id, doc.type, doc.key, id + ".xml", sha256_hex(doc.content),
                                      static_cast<long long>(doc.content.size()), host.now_iso(), doc.content});
      entries.back().to_outbox = m.find_doc_type(doc.type)->outbox;
    }
    const std::vector<bool> fresh = record_and_queue(host, entries, host.now_iso());
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
    if (const std::string failure = work.finish(); !failure.empty()) {
      failed(ExitCode::kFailure, failure);
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
    if (f.code() == ExitCode::kNotPermitted) { // the module refused (four eyes): audited as the host's are
      host.audit_refusal(m.name + " " + job->name, f.what());
    }
    throw;
  } catch (const soci::soci_error &e) {
    const std::string message = m.name + " " + job->name + ": database: " + e.get_error_message();
    finish_failed(message);
    throw Failure(ExitCode::kFailure, message);
  }
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
