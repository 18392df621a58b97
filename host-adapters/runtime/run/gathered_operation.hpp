// An operation that gathers a contract (operation-catalog.xsd, gather="C"): the rows of every
// enabled module's operation published as C, one publisher after another, in module order.
// What one module may read of another's tables is only what that module publishes, under a
// contract whose shape the reader declares and the runtime checks.
#pragma once

#include "base/data_access.hpp"
#include "sql/catalog.hpp"

#include <memory>
#include <string>
#include <vector>

namespace cartera::runtime {

// "" when publisher (a module's published operation) has the shape gatherer declares: the
// same params (any order) and the same columns in order, with the same types; else why not.
std::string published_shape_mismatch(const sql::OperationSpec &gatherer, const sql::OperationSpec &publisher);

class GatheredOperation : public PreparedOperation {
public:
  GatheredOperation(const sql::OperationSpec &spec, std::vector<std::unique_ptr<PreparedOperation>> parts);
  void bind(const std::string &name, const OwnedValue &value) override;
  void add_row() override;
  std::int64_t execute() override;
  bool step() override;
  [[nodiscard]] std::uint32_t column_count() const override;
  [[nodiscard]] const std::string &column_name(std::uint32_t index) const override;
  [[nodiscard]] cartera_value column(std::uint32_t index) const override;

private:
  const sql::OperationSpec &spec_;
  std::vector<std::unique_ptr<PreparedOperation>> parts_;
  std::size_t current_ = 0;
};

} // namespace cartera::runtime
