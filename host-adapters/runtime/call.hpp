// cartera_call: one run of one job, as the host keeps it. Modules see it as an opaque
// pointer and reach it only through the host services (host_services()).
#pragma once

#include "runtime/data_access.hpp"
#include "runtime/manifest.hpp"

#include <cartera/abi.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
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

class DocumentChecker;

struct EmittedDocument {
  std::string type;
  std::string key;
  std::string content;
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

  // A deque: the checker validates documents in place while the module appends more.
  std::deque<cartera::runtime::EmittedDocument> documents;
  cartera::runtime::DocumentChecker *checker = nullptr; // owned by run_job
  std::vector<cartera::runtime::ResultColumn> columns;
  bool columns_declared = false;
  std::uint64_t rows = 0;
  // Operations the module prepared and has not finalized; freed with the call at the latest.
  std::map<cartera_op *, std::unique_ptr<cartera_op>> ops;

  cartera_status error_code = CARTERA_OK;
  std::string error_message;
  std::string error_detail;

  void record_error(cartera_status code, std::string message, std::string detail = {}) {
    error_code = code;
    error_message = std::move(message);
    error_detail = std::move(detail);
  }
};

namespace cartera::runtime {

// The table passed to every module's create(); static, valid for the process's life.
const cartera_host_services *host_services() noexcept;

} // namespace cartera::runtime
