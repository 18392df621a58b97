// A module instance for the length of one call: create() on construction, destroy() on
// destruction, even when handle() failed (ABI: every create has its destroy).
#pragma once

#include "runtime/call/call.hpp"
#include "runtime/loader/loader.hpp"

namespace cartera::runtime {

class Instance {
public:
  Instance(const LoadedModule &mod, cartera_call &call) : mod_(mod) {
    const cartera_status s = mod.descriptor.create(host_services(), &call, &instance_);
    if (s != CARTERA_OK) {
      instance_ = nullptr;
      status_ = s;
    }
  }
  ~Instance() {
    if (instance_ != nullptr) {
      mod_.descriptor.destroy(instance_);
    }
  }
  Instance(const Instance &) = delete;
  Instance &operator=(const Instance &) = delete;
  [[nodiscard]] cartera_status create_status() const noexcept { return status_; }
  [[nodiscard]] void *get() const noexcept { return instance_; }

  // create(), then handle(job, input) when create succeeded; the status of whichever failed.
  cartera_status handle(cartera_call &call, std::string_view job, std::string_view input) {
    if (status_ != CARTERA_OK) {
      return status_;
    }
    return mod_.descriptor.handle(instance_, &call, cartera_str{job.data(), job.size()},
                                  cartera_str{input.data(), input.size()});
  }

private:
  const LoadedModule &mod_;
  void *instance_ = nullptr;
  cartera_status status_ = CARTERA_OK;
};

} // namespace cartera::runtime
