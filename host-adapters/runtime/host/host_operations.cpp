// The host's own named operations (host-adapters/runtime/host/operations.xml, installed as
// share/cartera/adapters/operations.xml): what every host offers modules whatever its adapter,
// over cartera's database, so that no module reads the runtime's tables itself (the exchange's
// documents and deliveries). script/check-module-isolation holds modules to that.
#include "base/failure.hpp"
#include "runtime/host/host.hpp"

#include <fstream>
#include <sstream>

namespace cartera::runtime {

const sql::Catalog &Host::host_operation_catalog() {
  if (host_op_catalog_) {
    return *host_op_catalog_;
  }
  const std::filesystem::path path = install_.adapter_dir / "operations.xml";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail("the host's own operations are not installed (no " + path.string() + ")");
  }
  std::stringstream buf;
  buf << in.rdbuf();
  schemas_->validate(buf.str(), path.string(), "operation-catalog.xsd");
  sql::Catalog catalog = sql::parse_catalog(buf.str());
  for (const sql::OperationSpec &op : catalog.operations) {
    if (operation_catalog().find(op.name) != nullptr) {
      fail("the '" + config_.host_adapter + "' host adapter declares operation '" + op.name +
           "', which the host itself provides (" + path.string() + "); rename it in the adapter's catalog");
    }
  }
  host_op_catalog_ = std::move(catalog);
  return *host_op_catalog_;
}

DataAccess &Host::host_operations() {
  if (!host_ops_) {
    host_ops_ = std::make_unique<sql::CatalogDataAccess>(store().database(), host_operation_catalog());
  }
  return *host_ops_;
}

} // namespace cartera::runtime
