#include "sql/catalog.hpp"

#include "base/failure.hpp"

#include <pugixml.hpp>

#include <algorithm>

namespace cartera::sql {

std::int32_t type_of(const std::string &word) {
  if (word == "text") {
    return CARTERA_TYPE_TEXT;
  }
  if (word == "integer") {
    return CARTERA_TYPE_INTEGER;
  }
  if (word == "centavos") {
    return CARTERA_TYPE_CENTAVOS;
  }
  if (word == "date") {
    return CARTERA_TYPE_DATE;
  }
  if (word == "boolean") {
    return CARTERA_TYPE_BOOLEAN;
  }
  runtime::fail("unknown operation type '" + word + "'");
}

const char *type_word(std::int32_t type) noexcept {
  switch (type) {
  case CARTERA_TYPE_TEXT:
    return "text";
  case CARTERA_TYPE_INTEGER:
    return "integer";
  case CARTERA_TYPE_CENTAVOS:
    return "centavos";
  case CARTERA_TYPE_DATE:
    return "date";
  case CARTERA_TYPE_BOOLEAN:
    return "boolean";
  case CARTERA_TYPE_NULL:
    return "null";
  default:
    return "unknown";
  }
}

const TypedName *OperationSpec::find_param(const std::string &n) const {
  for (const auto &p : params) {
    if (p.name == n) {
      return &p;
    }
  }
  return nullptr;
}

const OperationSpec *Catalog::find(const std::string &name) const {
  for (const auto &o : operations) {
    if (o.name == name) {
      return &o;
    }
  }
  return nullptr;
}

Catalog parse_catalog(const std::string &xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    runtime::fail("operation catalog is not well-formed XML");
  }
  const pugi::xml_node root = doc.document_element();
  Catalog c;
  c.adapter = root.attribute("adapter").value();
  c.reads_host_database = std::string(root.attribute("storage").as_string("cartera")) == "host";
  for (auto o : root.children("operation")) {
    OperationSpec op;
    op.name = o.attribute("name").value();
    op.writes = std::string(o.attribute("kind").value()) == "write";
    op.summary = o.child_value("summary");
    for (auto p : o.children("param")) {
      TypedName param{p.attribute("name").value(), type_of(p.attribute("type").value())};
      param.host_supplied = std::string(p.attribute("supplied-by").value()) == "host";
      if (param.host_supplied && std::find(std::begin(kHostSuppliedParams), std::end(kHostSuppliedParams),
                                           param.name) == std::end(kHostSuppliedParams)) {
        runtime::fail("operation " + op.name + ": the host supplies no parameter '" + param.name +
                      "' (it supplies: utc_shift)");
      }
      op.params.push_back(std::move(param));
    }
    for (auto col : o.children("column")) {
      op.columns.push_back(TypedName{col.attribute("name").value(), type_of(col.attribute("type").value())});
    }
    for (auto s : o.children("sql")) {
      const std::string d = s.attribute("dialect").value();
      op.sql[d == "sqlite" ? Dialect::kSqlite : Dialect::kPostgresql] = s.child_value();
    }
    op.publish = o.attribute("publish").value();
    op.gather = o.attribute("gather").value();
    if (!op.gather.empty() && (!op.sql.empty() || !op.publish.empty() || op.writes)) {
      runtime::fail("operation " + op.name + " gathers '" + op.gather +
                    "': it reads what modules publish, so it has no SQL, publishes nothing and writes nothing");
    }
    if (!op.publish.empty() && op.writes) {
      runtime::fail("operation " + op.name + " publishes '" + op.publish + "': only a read operation is published");
    }
    op.job = o.attribute("job").value();
    if (!op.job.empty() && (op.publish.empty() || !op.sql.empty())) {
      runtime::fail("operation " + op.name + " is answered by job " + op.job +
                    ": only a published operation is, and then it has no SQL");
    }
    if (op.gather.empty() && op.job.empty() && op.sql.empty()) {
      runtime::fail("operation " + op.name +
                    " has no SQL (only an operation that gathers a contract, or one a job publishes, has none)");
    }
    c.operations.push_back(std::move(op));
  }
  return c;
}

} // namespace cartera::sql
