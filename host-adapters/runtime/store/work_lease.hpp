// A claim on work held for as long as this object lives (store_claims.cpp): taken at
// construction, renewed by keep() while the work goes on, released at destruction. The
// exchange's delivery passes and the archive's filing take one, so that two processes at once
// never do the same work twice.
#pragma once

#include "runtime/store/store.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace cartera::runtime {

class WorkLease {
public:
  WorkLease(RuntimeStore &store, std::string work, const std::string &run_id, std::chrono::seconds lease);
  ~WorkLease();
  WorkLease(const WorkLease &) = delete;
  WorkLease &operator=(const WorkLease &) = delete;

  // false: another process holds the work (other() says which).
  [[nodiscard]] bool held() const noexcept { return held_; }
  [[nodiscard]] const WorkClaim &other() const { return *other_; }
  // Renews the lease once a third of it has passed; false when the claim was lost (another
  // process took it over after this one let it expire): stop before doing more.
  bool keep();
  // "deliver:tesoreria is being done by run R0000012 (host pid 4242) until 2026-…"
  [[nodiscard]] std::string busy_message() const;

private:
  RuntimeStore &store_;
  std::string work_;
  WorkClaimant me_;
  std::chrono::seconds lease_;
  bool held_ = false;
  std::optional<WorkClaim> other_;
  std::chrono::steady_clock::time_point renewed_;
};

} // namespace cartera::runtime
