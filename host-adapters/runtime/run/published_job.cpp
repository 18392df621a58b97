#include "runtime/run/published_job.hpp"

#include "runtime/call/call.hpp"
#include "runtime/call/module_instance.hpp"
#include "runtime/host/host.hpp"
#include "runtime/run/job.hpp"

#include <set>
#include <stdexcept>

namespace cartera::runtime {

namespace {

std::int32_t value_type_of(const std::string &param_type) {
  if (param_type == "date") {
    return CARTERA_TYPE_DATE;
  }
  if (param_type == "integer") {
    return CARTERA_TYPE_INTEGER;
  }
  if (param_type == "amount") {
    return CARTERA_TYPE_CENTAVOS;
  }
  if (param_type == "boolean") {
    return CARTERA_TYPE_BOOLEAN;
  }
  return param_type == "text" ? CARTERA_TYPE_TEXT : CARTERA_TYPE_NULL; // a file is never published
}

// The nested job's rows, kept until the consumer steps through them (they are what a
// publisher offers one run: a module publishes by job what it computes, not a table).
class RowBuffer : public ResultSink {
public:
  explicit RowBuffer(std::vector<std::vector<OwnedValue>> &rows) : rows_(rows) {}
  void columns(const std::vector<ResultColumn> &) override {}
  void row(const std::vector<OwnedValue> &values) override { rows_.push_back(values); }
  void raw(const std::string &media_type, std::string_view) override {
    throw std::invalid_argument("a published job gives rows, not " + media_type + " output");
  }
  void finish() override {}

private:
  std::vector<std::vector<OwnedValue>> &rows_;
};

thread_local RunObserver *reader_observer = nullptr;

// What a published job may say to the reader's person: warnings and errors.
class WarningsOnly : public RunObserver {
public:
  void log(std::int32_t level, std::string_view module, std::string_view message) override {
    if (reader_observer != nullptr && level >= CARTERA_LOG_WARNING) {
      reader_observer->log(level, module, message);
    }
  }
  void progress(std::uint64_t, std::uint64_t, std::string_view) override {}
};

// The publishers whose jobs are running on this thread: a published job may gather a contract
// that another module publishes by a job, but never back into one already running (a cycle
// would recurse until the stack ran out).
thread_local std::set<std::string> running_publishers;

class Running {
public:
  explicit Running(const std::string &id) : id_(id) { running_publishers.insert(id_); }
  ~Running() { running_publishers.erase(id_); }
  Running(const Running &) = delete;
  Running &operator=(const Running &) = delete;

private:
  std::string id_;
};

} // namespace

ReaderObserverScope::ReaderObserverScope(RunObserver &observer) : previous_(reader_observer) {
  reader_observer = &observer;
}

ReaderObserverScope::~ReaderObserverScope() {
  reader_observer = previous_;
}

std::string published_job_mismatch(const sql::OperationSpec &spec, const JobSpec &job) {
  if (job.writes) {
    return "job " + job.name + " writes; only a read-only job is published";
  }
  if (!job.input_doc_type.empty()) {
    return "job " + job.name + " reads an --input document; a published job takes only parameters";
  }
  for (const ParamSpec &p : job.params) {
    const sql::TypedName *wanted = spec.find_param(p.name);
    if (wanted == nullptr) {
      return "job " + job.name + " has the parameter --" + p.name + ", which " + spec.name + " does not declare";
    }
    if (value_type_of(p.type) != wanted->type) {
      return "job " + job.name + "'s --" + p.name + " is " + p.type + ", where " + spec.name + " declares " +
             sql::type_word(wanted->type);
    }
  }
  for (const sql::TypedName &p : spec.params) {
    if (job.find_param(p.name) == nullptr) {
      return "job " + job.name + " has no parameter --" + p.name + ", which " + spec.name + " declares";
    }
  }
  return {};
}

PublishedJobOperation::PublishedJobOperation(Host &host, const ModuleRecord &publisher, const JobSpec &job,
                                             const sql::OperationSpec &spec)
    : host_(host), publisher_(publisher), job_(job), spec_(spec) {}

void PublishedJobOperation::bind(const std::string &name, const OwnedValue &value) {
  if (spec_.find_param(name) == nullptr) {
    throw std::invalid_argument("operation " + spec_.name + " has no parameter '" + name + "'");
  }
  bound_[name] = value;
}

void PublishedJobOperation::add_row() {
  throw std::invalid_argument("operation " + spec_.name + " is published by a job; it takes no rows to write");
}

std::int64_t PublishedJobOperation::execute() {
  const Manifest &m = *publisher_.manifest;
  const std::string who = m.name + " " + job_.name;
  for (const sql::TypedName &p : spec_.params) {
    if (bound_.count(p.name) == 0) {
      throw std::invalid_argument("operation " + spec_.name + ": parameter '" + p.name + "' was not bound");
    }
  }
  if (running_publishers.count(m.id) != 0) {
    throw PublishedJobError(CARTERA_E_INTERNAL,
                            who + " publishes '" + spec_.publish + "' through a contract that leads back to itself");
  }
  const Running running(m.id);
  rows_.clear();
  next_ = 0;
  std::shared_ptr<const LoadedModule> mod = load_module(publisher_, host_.catalog().host_abi());
  RowBuffer sink(rows_);
  WarningsOnly observer;

  cartera_call call;
  call.manifest = &m;
  call.job = &job_;
  call.params = bound_;
  const Identity &identity = host_.identity();
  call.params["cartera.user"] = OwnedValue{CARTERA_TYPE_TEXT, 0, identity.user};
  call.params["cartera.department"] = OwnedValue{CARTERA_TYPE_TEXT, 0, identity.department};
  const auto settings = host_.config().module_settings.find(m.id);
  call.settings = settings != host_.config().module_settings.end() ? &settings->second : nullptr;
  call.now_us = host_.now_us();
  call.request_id = "published/" + m.id + "/" + job_.name;
  call.sink = &sink;
  call.observer = &observer;
  call.data = &host_.data_for(m);
  call.cancel_flag = &Host::cancel_flag();
  call.saturday_is_business_day = host_.config().saturday_is_business_day;
  call.publishing = true;

  cartera_status status = CARTERA_OK;
  {
    Instance instance(*mod, call);
    status = instance.handle(call, job_.name, {});
  }
  call.ops.clear();
  for (const auto &[object, reason] : call.refusals) {
    host_.defer_refusal_audit(object, reason); // the consumer's run audits it after its transaction
  }
  if (status != CARTERA_OK) {
    std::string message = who + ": " + (call.error_message.empty() ? status_words(status) : call.error_message);
    if (!call.error_detail.empty()) {
      message += " [" + call.error_detail + "]";
    }
    throw PublishedJobError(status, message);
  }
  bool same = call.columns.size() == spec_.columns.size();
  for (std::size_t i = 0; same && i < call.columns.size(); ++i) {
    same = call.columns[i].name == spec_.columns[i].name && call.columns[i].type == spec_.columns[i].type;
  }
  if (!same) {
    std::string gave;
    for (const ResultColumn &c : call.columns) {
      gave += (gave.empty() ? "" : ", ") + c.name + " " + sql::type_word(c.type);
    }
    throw PublishedJobError(CARTERA_E_INTERNAL, who + " publishes '" + spec_.publish + "' with the columns (" + gave +
                                                    "), not those " + spec_.name + " declares");
  }
  return static_cast<std::int64_t>(rows_.size());
}

bool PublishedJobOperation::step() {
  if (next_ >= rows_.size()) {
    return false;
  }
  ++next_;
  return true;
}

std::uint32_t PublishedJobOperation::column_count() const {
  return static_cast<std::uint32_t>(spec_.columns.size());
}

const std::string &PublishedJobOperation::column_name(std::uint32_t index) const {
  return spec_.columns.at(index).name;
}

cartera_value PublishedJobOperation::column(std::uint32_t index) const {
  if (next_ == 0) {
    throw std::out_of_range("operation " + spec_.name + ": no current row");
  }
  return rows_[next_ - 1].at(index).view();
}

} // namespace cartera::runtime
