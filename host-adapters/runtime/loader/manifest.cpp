#include "runtime/loader/manifest.hpp"

#include "base/failure.hpp"
#include "runtime/files/xml_schema.hpp"

#include <cartera/abi.h>

#include <pugixml.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace cartera::runtime {

namespace {

struct CapabilityName {
  const char *word;
  std::uint64_t bit;
};

constexpr CapabilityName kCapabilities[] = {
    {"collections", CARTERA_CAP_COLLECTIONS},
    {"payments", CARTERA_CAP_PAYMENTS},
    {"receipts", CARTERA_CAP_RECEIPTS},
    {"credit-note-requests", CARTERA_CAP_CREDIT_NOTE_REQUESTS},
    {"interest", CARTERA_CAP_INTEREST},
    {"statements", CARTERA_CAP_STATEMENTS},
    {"arrears-cancellation", CARTERA_CAP_ARREARS_CANCELLATION},
    {"ombudsman-responses", CARTERA_CAP_OMBUDSMAN_RESPONSES},
    {"tariffs", CARTERA_CAP_TARIFFS},
    {"reports", CARTERA_CAP_REPORTS},
};

std::vector<std::string> words(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    out.push_back(w);
  }
  return out;
}

std::string trimmed(const std::string &s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

} // namespace

std::uint64_t capability_bit(const std::string &word) noexcept {
  for (const auto &c : kCapabilities) {
    if (word == c.word) {
      return c.bit;
    }
  }
  return 0;
}

std::string capability_words(std::uint64_t bits) {
  std::string out;
  for (const auto &c : kCapabilities) {
    if ((bits & c.bit) != 0) {
      out += out.empty() ? "" : " ";
      out += c.word;
    }
  }
  return out;
}

const ParamSpec *JobSpec::positional_param() const {
  for (const auto &p : params) {
    if (p.positional) {
      return &p;
    }
  }
  return nullptr;
}

const ParamSpec *JobSpec::find_param(const std::string &n) const {
  for (const auto &p : params) {
    if (p.name == n) {
      return &p;
    }
  }
  return nullptr;
}

bool JobSpec::has_format(const std::string &f) const {
  for (const auto &x : formats) {
    if (x == f) {
      return true;
    }
  }
  return false;
}

const JobSpec *Manifest::find_job(const std::string &n) const {
  for (const auto &j : jobs) {
    if (j.name == n) {
      return &j;
    }
  }
  return nullptr;
}

const DocTypeSpec *Manifest::find_doc_type(const std::string &n) const {
  for (const auto &d : doc_types) {
    if (d.name == n) {
      return &d;
    }
  }
  return nullptr;
}

Manifest read_manifest(const std::filesystem::path &path, SchemaSet &schemas) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse_input("cannot read manifest " + path.string());
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  schemas.validate(text, path.string(), "plugin-manifest.xsd");

  pugi::xml_document doc;
  doc.load_buffer(text.data(), text.size());
  const pugi::xml_node root = doc.document_element();
  Manifest m;
  m.path = path;
  m.id = root.attribute("id").value();
  m.name = root.attribute("name").value();
  m.version = root.attribute("version").value();
  m.display_name = trimmed(root.child_value("display-name"));
  m.description = trimmed(root.child_value("description"));
  const auto abi = root.child("abi");
  m.abi_major = static_cast<std::uint16_t>(abi.attribute("major").as_uint());
  m.abi_minor_built = static_cast<std::uint16_t>(abi.attribute("minor-built").as_uint());
  m.abi_minor_required = static_cast<std::uint16_t>(abi.attribute("minor-required").as_uint());
  m.library_file = root.child("library").attribute("file").value();
  m.library_sha256 = root.child("library").attribute("sha256").value();
  for (auto c : root.child("capabilities").children("capability")) {
    m.capabilities.emplace_back(trimmed(c.child_value()));
    m.capability_bits |= capability_bit(m.capabilities.back());
  }
  for (auto d : root.child("document-types").children("document-type")) {
    const std::string dir = d.attribute("direction").value();
    m.doc_types.push_back(DocTypeSpec{
        d.attribute("name").value(), d.attribute("namespace").value(), d.attribute("schema").value(),
        dir == "out" ? CARTERA_DOC_OUT : CARTERA_DOC_IN, d.attribute("customer").value(), d.attribute("period").value(),
        d.attribute("outbox").as_bool(true), std::string_view(d.attribute("archive").value()) == "deferred"});
    if (m.doc_types.back().archive_deferred && m.doc_types.back().customer_path.empty()) {
      refuse_input(path.string() + ":" + std::to_string(line_of_offset(text, d.offset_debug())) + ": document type '" +
                   m.doc_types.back().name + "' says archive=\"deferred\" but names no customer to file it under");
    }
  }
  for (auto o : root.child("operations").children("operation")) {
    m.operations.emplace_back(o.attribute("name").value());
  }
  for (auto j : root.child("jobs").children("job")) {
    JobSpec job;
    job.name = j.attribute("name").value();
    job.summary = trimmed(j.child_value("summary"));
    job.formats = words(j.attribute("formats") ? j.attribute("formats").value() : "table csv xml json");
    job.input_doc_type = j.attribute("input").value();
    job.writes = j.attribute("writes").as_bool(false);
    for (auto &r : words(j.attribute("roles").value())) {
      job.roles.insert(r);
    }
    for (auto p : j.children("param")) {
      ParamSpec spec;
      spec.name = p.attribute("name").value();
      spec.type = p.attribute("type").value();
      spec.help = trimmed(p.child_value());
      spec.required = p.attribute("required").as_bool(false);
      if (p.attribute("default")) {
        spec.default_value = p.attribute("default").value();
      }
      spec.choices = words(p.attribute("choices").value());
      // The command line gives these words to the host, never to a job.
      static const std::set<std::string> kReserved = {"format", "input", "output", "help",       "version", "config",
                                                      "db",     "host",  "user",   "department", "now",     "quiet"};
      if (kReserved.count(spec.name) != 0) {
        refuse_input(path.string() + ":" + std::to_string(line_of_offset(text, p.offset_debug())) + ": parameter " +
                     spec.name + " of job " + job.name + " has the name of a global option; rename it");
      }
      spec.positional = p.attribute("positional").as_bool(false);
      spec.schema = p.attribute("schema").value();
      if (spec.positional && job.positional_param() != nullptr) {
        refuse_input(path.string() + ":" + std::to_string(line_of_offset(text, p.offset_debug())) + ": job " +
                     job.name + " has two positional parameters (" + job.positional_param()->name + ", " + spec.name +
                     "); a job takes at most one");
      }
      if (!spec.schema.empty() && spec.type != "file") {
        refuse_input(path.string() + ":" + std::to_string(line_of_offset(text, p.offset_debug())) + ": parameter " +
                     spec.name + " names a schema but is not a file");
      }
      job.params.push_back(std::move(spec));
    }
    const auto line = std::to_string(line_of_offset(text, j.offset_debug()));
    for (auto u : j.children("uses")) {
      const std::string op = u.attribute("operation").value();
      bool declared = false;
      for (const auto &o : m.operations) {
        declared = declared || o == op;
      }
      if (!declared) {
        refuse_input(path.string() + ":" + line + ": job '" + job.name + "' uses operation '" + op +
                     "', which is not declared in <operations>");
      }
      job.operations.push_back(op);
    }
    if (!job.input_doc_type.empty() && m.find_doc_type(job.input_doc_type) == nullptr) {
      refuse_input(path.string() + ":" + line + ": job '" + job.name + "' reads document type '" + job.input_doc_type +
                   "', which is not declared in <document-types>");
    }
    m.jobs.push_back(std::move(job));
  }
  return m;
}

} // namespace cartera::runtime
