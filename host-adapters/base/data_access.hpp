// What a host adapter implements so that modules can run named operations (cartera/abi.h
// "Data access"). host-adapters/sql provides the SOCI implementation; the runtime only sees
// this interface.
#pragma once

#include <cartera/abi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cartera::runtime {

// A value the host owns (the ABI's cartera_value borrows its text).
struct OwnedValue {
  std::int32_t type = CARTERA_TYPE_NULL;
  std::int64_t i = 0;
  std::string s;
  static OwnedValue from(const cartera_value &v) {
    OwnedValue o;
    o.type = v.type;
    o.i = v.i;
    if (v.type == CARTERA_TYPE_TEXT && v.s.ptr != nullptr) {
      o.s.assign(v.s.ptr, v.s.len);
    }
    return o;
  }
  [[nodiscard]] cartera_value view() const noexcept {
    return cartera_value{type, 0, i, cartera_str{s.data(), s.size()}};
  }
};

// One prepared operation and its cursor. Methods throw on failure (the host services turn
// that into a status and a message for the module).
class PreparedOperation {
public:
  virtual ~PreparedOperation() = default;
  virtual void bind(const std::string &name, const OwnedValue &value) = 0;
  virtual void add_row() = 0;
  virtual std::int64_t execute() = 0;
  virtual bool step() = 0;
  virtual std::uint32_t column_count() const = 0;
  virtual const std::string &column_name(std::uint32_t index) const = 0;
  // Text stays valid until the next step.
  virtual cartera_value column(std::uint32_t index) const = 0;
};

class DataAccess {
public:
  virtual ~DataAccess() = default;
  [[nodiscard]] virtual bool has_operation(const std::string &name) const = 0;
  virtual std::unique_ptr<PreparedOperation> prepare(const std::string &name) = 0;
};

} // namespace cartera::runtime
