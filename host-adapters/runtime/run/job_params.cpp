// A job's arguments: its options typed against the manifest's parameters, --format, the files
// a job takes read and checked here (a module never opens paths), --input, and who is acting.
#include "runtime/run/job_params.hpp"

#include "base/failure.hpp"
#include "runtime/call/render.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/run/job.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <filesystem>
#include <fstream>

namespace cartera::runtime {

namespace {

OwnedValue typed(const Manifest &m, const JobSpec &job, const ParamSpec &p, const std::string &raw) {
  const auto bad = [&](const std::string &why) {
    usage_error(m.name + " " + job.name + ": --" + p.name + " '" + raw + "': " + why);
  };
  if (!p.choices.empty()) {
    bool found = false;
    std::string list;
    for (const auto &c : p.choices) {
      found = found || c == raw;
      list += (list.empty() ? "" : ", ") + c;
    }
    if (!found) {
      bad("expected one of " + list);
    }
  }
  OwnedValue v;
  if (p.type == "date") {
    auto d = sdk::parse_iso_date(raw);
    if (!d) {
      bad("not a date (YYYY-MM-DD)");
    }
    v.type = CARTERA_TYPE_DATE;
    v.i = *d;
  } else if (p.type == "integer") {
    std::size_t used = 0;
    try {
      v.i = std::stoll(raw, &used);
    } catch (const std::exception &) {
      used = 0;
    }
    if (used != raw.size() || raw.empty()) {
      bad("not an integer");
    }
    v.type = CARTERA_TYPE_INTEGER;
  } else if (p.type == "amount") {
    auto a = sdk::parse_pesos(raw, true);
    if (!a.centavos) {
      bad(sdk::describe(a.error));
    }
    v.type = CARTERA_TYPE_CENTAVOS;
    v.i = *a.centavos;
  } else if (p.type == "boolean") {
    if (raw != "true" && raw != "false") {
      bad("expected true or false");
    }
    v.type = CARTERA_TYPE_BOOLEAN;
    v.i = raw == "true" ? 1 : 0;
  } else {
    v.type = CARTERA_TYPE_TEXT;
    v.s = raw;
  }
  return v;
}

constexpr std::uintmax_t kMaxFileBytes = 512ULL << 20;

// One allocation of the file's size and one read: a 90 MB bank statement is not copied
// through a growing stream buffer.
std::string read_file(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(p, ec);
  if (!in || ec) {
    refuse_input("cannot read input " + p.string());
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    refuse_input("cannot read input " + p.string());
  }
  return bytes;
}

} // namespace

std::map<std::string, OwnedValue> parse_job_params(const Manifest &m, const JobSpec &job,
                                                   const std::vector<std::pair<std::string, std::string>> &options) {
  std::map<std::string, OwnedValue> params;
  for (const auto &[name, raw] : options) {
    const ParamSpec *p = job.find_param(name);
    if (p == nullptr) {
      usage_error(m.name + " " + job.name + ": unknown option --" + name + " (see cartera " + m.name + " " + job.name +
                  " --help)");
    }
    if (params.count(name) != 0) {
      usage_error(m.name + " " + job.name + ": --" + name + " given twice");
    }
    params.emplace(name, typed(m, job, *p, raw));
  }
  for (const auto &p : job.params) {
    if (params.count(p.name) != 0) {
      continue;
    }
    if (p.default_value) {
      params.emplace(p.name, typed(m, job, p, *p.default_value));
    } else if (p.required) {
      usage_error(m.name + " " + job.name + ": --" + p.name + " is required (" + p.help + ")");
    }
  }
  return params;
}

std::string chosen_format(const Manifest &m, const JobSpec &job, const JobInvocation &inv) {
  std::string format = inv.format.value_or(job.formats.empty() ? "table" : job.formats.front());
  if (!job.has_format(format)) {
    std::string list;
    for (const auto &f : job.formats) {
      list += (list.empty() ? "" : ", ") + f;
    }
    usage_error(m.name + " " + job.name + ": --format " + format + " is not offered; choose one of " + list);
  }
  return format;
}

// Files: read here, so that a module never opens paths itself, the journal names what was
// read by digest, and an XML file meets its XSD before any module code sees it.
void read_file_params(Host &host, const JobSpec &job, std::map<std::string, OwnedValue> &params) {
  for (const auto &p : job.params) {
    auto found = params.find(p.name);
    if (p.type != "file" || found == params.end()) {
      continue;
    }
    const std::filesystem::path path = found->second.s;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || !std::filesystem::is_regular_file(path)) {
      refuse_input(path.string() + ": cannot read it (" + (ec ? ec.message() : "not a regular file") + ")");
    }
    if (size > kMaxFileBytes) {
      refuse_input(path.string() + ": " + std::to_string(size) + " bytes, above the " +
                   std::to_string(kMaxFileBytes >> 20) + " MB a file parameter may have");
    }
    std::string bytes = read_file(path);
    if (!p.schema.empty()) {
      host.schemas().validate(bytes, path.string(), p.schema);
    }
    params[p.name + "_name"] = OwnedValue{CARTERA_TYPE_TEXT, 0, path.string()};
    params[p.name + "_sha256"] = OwnedValue{CARTERA_TYPE_TEXT, 0, sha256_hex(bytes)};
    found->second.s = std::move(bytes);
  }
}

std::string read_input(Host &host, const Manifest &m, const JobSpec &job, const JobInvocation &inv) {
  std::string input;
  if (!job.input_doc_type.empty()) {
    if (!inv.input) {
      usage_error(m.name + " " + job.name + ": --input FILE is required (a '" + job.input_doc_type + "' document)");
    }
    input = read_file(*inv.input);
    const DocTypeSpec *spec = m.find_doc_type(job.input_doc_type);
    host.schemas().validate(input, inv.input->string(), spec->schema);
  } else if (inv.input) {
    usage_error(m.name + " " + job.name + ": this job reads no --input");
  }
  return input;
}

std::string canonical_params(const JobSpec &job, const std::map<std::string, OwnedValue> &params) {
  std::string out;
  for (const auto &[k, v] : params) {
    const ParamSpec *p = job.find_param(k);
    if ((p != nullptr && p->type == "file") || k.rfind("cartera.", 0) == 0) {
      continue; // a file: <name>_name and <name>_sha256 stand for it; who ran it has its own columns
    }
    out += (out.empty() ? "" : " ") + k + "=" + plain_text(v);
  }
  return out;
}

// Who is acting, for modules that must know (four eyes: the approver is not the proposer).
// Reserved names: a module's own parameters cannot contain a dot.
void add_caller_params(const Identity &who, std::map<std::string, OwnedValue> &params) {
  params["cartera.user"] = OwnedValue{CARTERA_TYPE_TEXT, 0, who.user};
  params["cartera.department"] = OwnedValue{CARTERA_TYPE_TEXT, 0, who.department};
  std::string roles;
  for (const auto &r : who.roles) {
    roles += (roles.empty() ? "" : " ") + r;
  }
  params["cartera.roles"] = OwnedValue{CARTERA_TYPE_TEXT, 0, roles};
}

} // namespace cartera::runtime
