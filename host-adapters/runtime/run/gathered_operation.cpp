#include "runtime/run/gathered_operation.hpp"

#include <algorithm>
#include <stdexcept>

namespace cartera::runtime {

namespace {

std::string shape(const std::vector<sql::TypedName> &names) {
  std::string out;
  for (const auto &n : names) {
    out += (out.empty() ? "" : ", ") + n.name + " " + sql::type_word(n.type);
  }
  return "(" + out + ")";
}

bool same(const sql::TypedName &a, const sql::TypedName &b) {
  return a.name == b.name && a.type == b.type;
}

} // namespace

std::string published_shape_mismatch(const sql::OperationSpec &gatherer, const sql::OperationSpec &publisher) {
  const auto by_name = [](std::vector<sql::TypedName> v) {
    std::sort(v.begin(), v.end(), [](const sql::TypedName &a, const sql::TypedName &b) { return a.name < b.name; });
    return v;
  };
  const std::vector<sql::TypedName> want = by_name(gatherer.params);
  const std::vector<sql::TypedName> have = by_name(publisher.params);
  if (!std::equal(want.begin(), want.end(), have.begin(), have.end(), same)) {
    return "params " + shape(have) + ", where " + gatherer.name + " declares " + shape(want);
  }
  if (!std::equal(gatherer.columns.begin(), gatherer.columns.end(), publisher.columns.begin(), publisher.columns.end(),
                  same)) {
    return "columns " + shape(publisher.columns) + ", where " + gatherer.name + " declares " + shape(gatherer.columns);
  }
  return {};
}

GatheredOperation::GatheredOperation(const sql::OperationSpec &spec,
                                     std::vector<std::unique_ptr<PreparedOperation>> parts)
    : spec_(spec), parts_(std::move(parts)) {}

void GatheredOperation::bind(const std::string &name, const OwnedValue &value) {
  if (spec_.find_param(name) == nullptr) {
    throw std::invalid_argument("operation " + spec_.name + " has no parameter '" + name + "'");
  }
  for (auto &p : parts_) {
    p->bind(name, value);
  }
}

void GatheredOperation::add_row() {
  throw std::invalid_argument("operation " + spec_.name + " gathers rows; it takes no rows to write");
}

std::int64_t GatheredOperation::execute() {
  current_ = 0;
  for (auto &p : parts_) {
    p->execute();
  }
  return 0;
}

bool GatheredOperation::step() {
  while (current_ < parts_.size()) {
    if (parts_[current_]->step()) {
      return true;
    }
    ++current_;
  }
  return false;
}

std::uint32_t GatheredOperation::column_count() const {
  return static_cast<std::uint32_t>(spec_.columns.size());
}

const std::string &GatheredOperation::column_name(std::uint32_t index) const {
  return spec_.columns.at(index).name;
}

cartera_value GatheredOperation::column(std::uint32_t index) const {
  if (current_ >= parts_.size()) {
    throw std::out_of_range("operation " + spec_.name + ": no current row");
  }
  return parts_[current_]->column(index);
}

} // namespace cartera::runtime
