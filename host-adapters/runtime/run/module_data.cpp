// What a module's run reaches through the host (runtime/host/host.hpp declares it, as members of
// Host, whose state it keeps): the adapter's operations and the module's own, the contracts it
// gathers from other modules, and the check that the adapter implements every operation the
// enabled modules name. It lives with the run because gathering a contract published by a job
// runs that job (published_job.hpp): the host's context stays below the run.
#include "runtime/host/host.hpp"

#include "runtime/run/gathered_operation.hpp"
#include "runtime/run/published_job.hpp"

#include "base/failure.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace cartera::runtime {

namespace fs = std::filesystem;

namespace {

// A module's run reaches the adapter's operations (on the host's database, or cartera's), the
// host's own and the module's own (both on cartera's database): each name is answered by
// whichever has it (names never collide: data_for and host_operation_catalog refuse that).
// Its own gathering operations are answered by gather (the publishers' rows, united).
class RoutedDataAccess : public DataAccess {
public:
  using Gather = std::function<std::unique_ptr<PreparedOperation>(const sql::OperationSpec &)>;
  RoutedDataAccess(DataAccess &adapter, DataAccess &host, const sql::Catalog &own_catalog,
                   std::unique_ptr<sql::CatalogDataAccess> own, Gather gather)
      : adapter_(adapter), host_(host), own_catalog_(own_catalog), own_(std::move(own)), gather_(std::move(gather)) {}
  [[nodiscard]] bool has_operation(const std::string &name) const override {
    return adapter_.has_operation(name) || host_.has_operation(name) || own_->has_operation(name) ||
           gathering(name) != nullptr;
  }
  std::unique_ptr<PreparedOperation> prepare(const std::string &name) override {
    if (const sql::OperationSpec *g = gathering(name)) {
      return gather_(*g);
    }
    if (own_->has_operation(name)) {
      return own_->prepare(name);
    }
    return host_.has_operation(name) ? host_.prepare(name) : adapter_.prepare(name);
  }

private:
  [[nodiscard]] const sql::OperationSpec *gathering(const std::string &name) const {
    const sql::OperationSpec *op = own_catalog_.find(name);
    return op != nullptr && !op->gather.empty() ? op : nullptr;
  }

  DataAccess &adapter_;
  DataAccess &host_;
  const sql::Catalog &own_catalog_;
  std::unique_ptr<sql::CatalogDataAccess> own_;
  Gather gather_;
};

} // namespace

const sql::Catalog &Host::own_catalog(const Manifest &m) {
  auto found = module_states_.find(m.id);
  if (found != module_states_.end()) {
    return found->second.catalog;
  }
  // A module without a catalog of its own reaches the adapter's and the host's operations.
  const fs::path catalog_path = config_.module_dir / (m.name + ".operations.xml");
  sql::Catalog catalog;
  catalog.adapter = m.name;
  if (fs::exists(catalog_path)) {
    std::ifstream in(catalog_path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    schemas_->validate(buf.str(), catalog_path.string(), "operation-catalog.xsd");
    catalog = sql::parse_catalog(buf.str());
  }
  for (const auto &op : catalog.operations) {
    const bool adapters = operation_catalog().find(op.name) != nullptr;
    if (adapters || host_operation_catalog().find(op.name) != nullptr) {
      fail("module '" + m.name + "' declares operation '" + op.name + "' in " + catalog_path.filename().string() +
           ", which " + (adapters ? "the '" + config_.host_adapter + "' host adapter" : std::string("the host")) +
           " already provides; rename it");
    }
  }
  auto &slot = module_states_[m.id];
  slot.catalog = std::move(catalog);
  slot.own_catalog_file = fs::exists(catalog_path);
  return slot.catalog;
}

DataAccess &Host::data_for(const Manifest &m) {
  DataAccess &adapter = data();
  DataAccess &host = host_operations();
  const sql::Catalog &own_ops = own_catalog(m);
  ModuleState &slot = module_states_.at(m.id);
  if (slot.data) {
    return *slot.data;
  }
  const bool own = slot.own_catalog_file;
  RuntimeStore &s = store();
  fs::path folder = install_.schema_dir / "sql" / m.name;
  if (!fs::is_directory(folder)) {
    folder = config_.module_dir / "sql" / m.name;
  }
  if (own && sql::shipped_version_in(folder, s.database().dialect) > 0) {
    sql::migrate_folder(s.database(), m.id, folder, now_iso());
  }
  const std::string consumer = m.id;
  slot.data = std::make_unique<RoutedDataAccess>(
      adapter, host, own_ops, std::make_unique<sql::CatalogDataAccess>(s.database(), slot.catalog),
      [this, consumer](const sql::OperationSpec &spec) { return gather(consumer, spec); });
  return *slot.data;
}

std::unique_ptr<PreparedOperation> Host::gather(const std::string &consumer_id, const sql::OperationSpec &spec) {
  // Every module enabled for some department publishes: the company's books are one, whichever
  // department runs the module that reads them.
  std::set<std::string> enabled;
  for (const auto &e : store().enablements()) {
    enabled.insert(e.module_id);
  }
  std::vector<std::unique_ptr<PreparedOperation>> parts;
  for (const auto &r : catalog().records()) {
    if (!r.manifest || r.manifest->id == consumer_id || enabled.count(r.manifest->id) == 0 ||
        !publishes(*r.manifest, spec.gather)) {
      continue;
    }
    // Its tables migrated, as when it runs (done before the run's transaction: migrate_publishers).
    DataAccess &publisher = data_for(*r.manifest);
    for (const sql::OperationSpec &op : own_catalog(*r.manifest).operations) {
      if (op.publish != spec.gather) {
        continue;
      }
      if (const std::string why = published_shape_mismatch(spec, op); !why.empty()) {
        fail("module '" + r.manifest->name + "' publishes '" + spec.gather + "' as operation " + op.name + " with " +
             why);
      }
      if (op.job.empty()) {
        parts.push_back(publisher.prepare(op.name));
        continue;
      }
      if (!r.ok()) {
        fail(r.label() + " publishes '" + spec.gather + "' by a job, and is refused: " + r.refusal);
      }
      const JobSpec *job = r.manifest->find_job(op.job);
      const std::string why =
          job == nullptr ? "no job " + op.job + " in its manifest" : published_job_mismatch(op, *job);
      if (!why.empty()) {
        fail("module '" + r.manifest->name + "' publishes '" + spec.gather + "' as operation " + op.name + " with " +
             why);
      }
      parts.push_back(std::make_unique<PublishedJobOperation>(*this, r, *job, op));
    }
  }
  return std::make_unique<GatheredOperation>(spec, std::move(parts));
}

sql::Dialect Host::cartera_dialect() {
  // Known from the URL without opening the database (a listing creates no database); ODBC
  // says only once connected.
  const std::string &url = config_.database_url;
  if (!store_ && url.rfind("sqlite3:", 0) == 0) {
    return sql::Dialect::kSqlite;
  }
  if (!store_ && (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)) {
    return sql::Dialect::kPostgresql;
  }
  return store().database().dialect;
}

std::vector<std::string> Host::missing_operations(const Manifest &m) {
  // What the module's run would reach (RoutedDataAccess), read from the catalogs: nothing is
  // migrated, so that a module refused leaves no tables behind, and an adapter that reads the
  // host's own database is not opened to enable a module (its operations count in any dialect
  // until it is; once open, in its database's).
  const sql::Dialect dialect = cartera_dialect();
  const sql::Catalog &adapter = operation_catalog();
  const sql::Catalog &host = host_operation_catalog();
  const sql::Catalog &own = own_catalog(m);
  const auto in_dialect = [&](const sql::OperationSpec *op) { return op != nullptr && op->sql.count(dialect) != 0; };
  std::vector<std::string> missing;
  for (const auto &name : m.operations) {
    const sql::OperationSpec *by_adapter = adapter.find(name);
    const sql::OperationSpec *own_op = own.find(name);
    bool offered = in_dialect(host.find(name)) || in_dialect(own_op) || (own_op != nullptr && !own_op->gather.empty());
    if (data_) {
      offered = offered || data_->has_operation(name);
    } else if (adapter.reads_host_database) {
      offered = offered || (by_adapter != nullptr && !by_adapter->sql.empty());
    } else {
      offered = offered || in_dialect(by_adapter);
    }
    if (!offered) {
      missing.push_back(name);
    }
  }
  return missing;
}

std::string Host::operations_refusal(const Manifest &m) {
  const std::vector<std::string> missing = missing_operations(m);
  if (missing.empty()) {
    return {};
  }
  std::string list;
  for (const auto &op : missing) {
    list += (list.empty() ? "" : " ") + op;
  }
  return "the '" + config_.host_adapter + "' host adapter lacks operations that module '" + m.name +
         "' needs: " + list + " (neither the adapter, the host's own operations nor " + m.name +
         ".operations.xml offers them)";
}

bool Host::publishes(const Manifest &m, const std::string &contract) {
  const sql::Catalog &own = own_catalog(m);
  return std::any_of(own.operations.begin(), own.operations.end(),
                     [&](const sql::OperationSpec &op) { return op.publish == contract; });
}

void Host::migrate_publishers(const Manifest &consumer, std::set<std::string> &seen) {
  if (!seen.insert(consumer.id).second) {
    return;
  }
  std::set<std::string> enabled;
  for (const auto &e : store().enablements()) {
    enabled.insert(e.module_id);
  }
  for (const sql::OperationSpec &wanted : own_catalog(consumer).operations) {
    if (wanted.gather.empty()) {
      continue;
    }
    for (const auto &r : catalog().records()) {
      if (r.manifest && r.manifest->id != consumer.id && enabled.count(r.manifest->id) != 0 &&
          publishes(*r.manifest, wanted.gather)) {
        data_for(*r.manifest);
        migrate_publishers(*r.manifest, seen); // a job it publishes by may gather in turn
      }
    }
  }
}

void Host::check_operations(const Manifest &m, const std::string &object) {
  // Only the module about to run: another enabled module's missing operations are its own
  // refusal, never this one's (issue 21 #6). The adapter is opened first: the run needs it.
  data();
  if (const std::string why = operations_refusal(m); !why.empty()) {
    audit_refusal(object, why);
    fail(why);
  }
  // The tables of the modules whose rows it gathers are migrated now, outside the run's
  // transaction (a migration is a transaction of its own), as when each of them runs.
  std::set<std::string> seen;
  migrate_publishers(m, seen);
}

} // namespace cartera::runtime
