// cartera_call: one run of one job, as the host keeps it. Modules see it as an opaque
// pointer and reach it only through the host services (host_services()).
#pragma once

#include "base/data_access.hpp"
#include "runtime/loader/manifest.hpp"

#include <cartera/abi.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cartera::runtime {

struct ResultColumn {
  std::string name;
  std::int32_t type = CARTERA_TYPE_TEXT;
};

// Where results go as the module produces them (render.hpp has the formats).
class ResultSink {
public:
  virtual ~ResultSink() = default;
  virtual void columns(const std::vector<ResultColumn> &cols) = 0;
  virtual void row(const std::vector<OwnedValue> &values) = 0;
  virtual void raw(const std::string &media_type, std::string_view chunk) = 0;
  virtual void finish() = 0;
};

// Where log lines and progress go (the terminal, or nothing).
class RunObserver {
public:
  virtual ~RunObserver() = default;
  virtual void log(std::int32_t level, std::string_view module, std::string_view message) = 0;
  virtual void progress(std::uint64_t done, std::uint64_t total, std::string_view label) = 0;
};

class DocumentWork;

struct EmittedDocument {
  std::string type;
  std::string key;
  std::string content;
};

// A rendering of an emitted document (ABI 1.2 attach_rendition), placed in the customer's folder
// by the run's workers, who fill path and sha256 (a run of 100,000 PDFs does not hold them in
// memory); indexed at the commit.
struct Rendition {
  std::size_t document = 0; // index into cartera_call::documents
  std::string path;         // relative to the archive root
  std::string media_type;
  std::string sha256;
  long long size_bytes = 0;
};

// A message a module owes a customer (ABI 1.2 queue_message); attachment by rendition.
struct QueuedMessage {
  std::string customer;
  std::string channel;
  std::string address;
  std::string key;
  std::string subject;
  std::string body;
  std::ptrdiff_t rendition = -1; // index into cartera_call::renditions, or -1
};

// Whether a customer may be contacted on a channel at an instant: the host's answer to
// contact_check (runtime/call/contact_policy.hpp), kept behind an interface so that the call does
// not depend on the store.
class ContactChecker {
public:
  virtual ~ContactChecker() = default;
  // 1 allowed at now_us; 0 not (then *earliest_us the first instant allowed); -1 unknown channel.
  virtual int check(const std::string &customer, const std::string &channel, std::int64_t now_us,
                    std::int64_t *earliest_us) = 0;
};

} // namespace cartera::runtime

struct cartera_op {
  cartera_call *call = nullptr;
  std::unique_ptr<cartera::runtime::PreparedOperation> impl;
};

struct cartera_call {
  const cartera::runtime::Manifest *manifest = nullptr;
  const cartera::runtime::JobSpec *job = nullptr;
  std::map<std::string, cartera::runtime::OwnedValue> params;
  const std::map<std::string, std::string> *settings = nullptr;
  std::int64_t now_us = 0;
  std::string request_id;
  cartera::runtime::ResultSink *sink = nullptr;
  cartera::runtime::RunObserver *observer = nullptr;
  cartera::runtime::DataAccess *data = nullptr;
  const std::atomic<int> *cancel_flag = nullptr;
  bool saturday_is_business_day = false; // cartera.xml <calendar saturdays="business"/>
  // A job run to publish a contract inside another module's run (published_job.hpp): it
  // gives rows, and may neither emit documents nor queue messages.
  bool publishing = false;

  // Deques: the run's workers read documents and fill renditions in place while the module
  // appends more.
  std::deque<cartera::runtime::EmittedDocument> documents;
  // "type NUL key" -> index in documents, for attach_rendition and queue_message.
  std::unordered_map<std::string, std::size_t> document_index;
  std::deque<cartera::runtime::Rendition> renditions;
  std::vector<cartera::runtime::QueuedMessage> messages;
  cartera::runtime::ContactChecker *contacts = nullptr; // owned by run_job
  cartera::runtime::DocumentWork *work = nullptr;       // owned by run_job
  std::vector<cartera::runtime::ResultColumn> columns;
  bool columns_declared = false;
  std::uint64_t rows = 0;
  // Operations the module prepared and has not finalized; freed with the call at the latest.
  std::map<cartera_op *, std::unique_ptr<cartera_op>> ops;

  // Operations op_prepare refused because the running job does not list them in its <uses>:
  // (object, reason) pairs the runner audits once the run's transaction is over (a refusal
  // written inside it would be rolled back with the run).
  std::vector<std::pair<std::string, std::string>> refusals;

  cartera_status error_code = CARTERA_OK;
  std::string error_message;
  std::string error_detail;

  // Whether error_message is the host's (a service that failed said why) rather than the
  // module's own set_error.
  bool error_from_host = false;

  void record_error(cartera_status code, std::string message, std::string detail = {}) {
    error_code = code;
    error_message = std::move(message);
    error_detail = std::move(detail);
    error_from_host = true;
  }
};

namespace cartera::runtime {

// The table passed to every module's create(); static, valid for the process's life.
const cartera_host_services *host_services() noexcept;

} // namespace cartera::runtime
