#include "runtime/store/work_lease.hpp"

#include <iostream>

namespace cartera::runtime {

WorkLease::WorkLease(RuntimeStore &store, std::string work, const std::string &run_id, std::chrono::seconds lease)
    : store_(store), work_(std::move(work)), me_(WorkClaimant::this_process(run_id)), lease_(lease) {
  other_ = store_.claim_work(work_, me_, lease_);
  held_ = !other_;
  renewed_ = std::chrono::steady_clock::now();
}

WorkLease::~WorkLease() {
  if (!held_) {
    return;
  }
  try {
    store_.release_work(work_, me_);
  } catch (const std::exception &e) {
    // Not fatal: the lease expires by itself, or the next pass of this machine sees the
    // process gone.
    std::cerr << "cartera: warning: " << e.what() << "\n";
  }
}

bool WorkLease::keep() {
  if (!held_) {
    return false;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - renewed_ < lease_ / 3) {
    return true;
  }
  if (!store_.renew_work(work_, me_, lease_)) {
    held_ = false;
    other_ = store_.work_claim(work_);
    if (!other_) {
      other_ = WorkClaim{work_, "", "", 0, "", "", ""};
    }
    return false;
  }
  renewed_ = now;
  return true;
}

std::string WorkLease::busy_message() const {
  if (!other_) {
    return "";
  }
  return work_ + " is being done by run " + (other_->run_id.empty() ? "(unknown)" : other_->run_id) + " (" +
         other_->host_name + ", pid " + std::to_string(other_->pid) + ") until " + other_->lease_until;
}

} // namespace cartera::runtime
