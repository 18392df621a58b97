// A contract published by a module's job instead of SQL (operation-catalog.xsd, publish="C"
// job="J"): when what a module offers others is computed, not stored (interest to date is a
// day-by-day liquidation at certified rates), the gathering module still reads it as rows of
// an operation. Executing the operation runs job J of the publisher, nested in the consumer's
// run and transaction, with the bound values as its parameters; its result rows are the
// operation's rows. The job must be read-only: a nested call may not emit documents or queue
// messages, and its columns must be the contract's, in order, with the same types.
#pragma once

#include "base/data_access.hpp"
#include "runtime/call/call.hpp"
#include "runtime/loader/loader.hpp"
#include "sql/catalog.hpp"

#include <cartera/abi.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cartera::runtime {

class Host;

// The publisher's job failed: carries the job's own status, so that the consumer fails as
// the publisher did (an input refused stays an input refused).
class PublishedJobError : public std::runtime_error {
public:
  PublishedJobError(cartera_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
  [[nodiscard]] cartera_status status() const noexcept { return status_; }

private:
  cartera_status status_;
};

// The observer of the job running on this thread, while the scope lives (run_job opens one):
// a published job's warnings reach the person who ran the reader; its info lines and progress
// do not.
class ReaderObserverScope {
public:
  explicit ReaderObserverScope(RunObserver &observer);
  ~ReaderObserverScope();
  ReaderObserverScope(const ReaderObserverScope &) = delete;
  ReaderObserverScope &operator=(const ReaderObserverScope &) = delete;

private:
  RunObserver *previous_;
};

// "" when job can publish spec (the contract's params, exactly, with matching types; a job
// that writes nothing); else why not.
std::string published_job_mismatch(const sql::OperationSpec &spec, const JobSpec &job);

class PublishedJobOperation : public PreparedOperation {
public:
  // spec: the publisher's operation (publish= and job=), its shape already checked against
  // the contract's.
  PublishedJobOperation(Host &host, const ModuleRecord &publisher, const JobSpec &job, const sql::OperationSpec &spec);
  void bind(const std::string &name, const OwnedValue &value) override;
  void add_row() override;
  std::int64_t execute() override;
  bool step() override;
  [[nodiscard]] std::uint32_t column_count() const override;
  [[nodiscard]] const std::string &column_name(std::uint32_t index) const override;
  [[nodiscard]] cartera_value column(std::uint32_t index) const override;

private:
  Host &host_;
  const ModuleRecord &publisher_;
  const JobSpec &job_;
  const sql::OperationSpec &spec_;
  std::map<std::string, OwnedValue> bound_;
  std::vector<std::vector<OwnedValue>> rows_;
  std::size_t next_ = 0; // rows_[next_ - 1] is the current row
};

} // namespace cartera::runtime
