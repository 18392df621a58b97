// init, plugins, modules, runs, audit.
#include "cli/commands.hpp"
#include "cli/table.hpp"

#include "base/failure.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/host/host.hpp"
#include "runtime/loader/loader.hpp"

#include <cstring>
#include <fstream>
#include <iostream>
#include <sys/wait.h>
#include <unistd.h>

namespace cartera::cli {

namespace fs = std::filesystem;
using namespace cartera::runtime;

int cmd_init(const Args &args) {
  args.only({"force"}, "init");
  const fs::path target = args.global.config.value_or(fs::path("cartera.xml"));
  if (fs::exists(target) && !args.flag("force")) {
    std::cerr << "cartera: " << target.string() << " exists; keeping it (--force rewrites it)\n";
  } else {
    write_atomically(fs::absolute(target).parent_path(), target.filename().string(),
                     starter_config_text(os_account_name()));
    std::cout << "wrote " << target.string() << "\n";
  }
  GlobalOptions g = args.global;
  g.config = target;
  g.no_identity = true;
  Host host(g);
  host.store();
  fs::create_directories(host.config().outbox_dir);
  fs::create_directories(host.config().inbox_dir);
  std::cout << "database " << host.store().database().display_url << " is ready\n"
            << "outbox " << host.config().outbox_dir.string() << ", inbox " << host.config().inbox_dir.string() << "\n"
            << "modules are read from " << host.config().module_dir.string() << "\n";
  const auto it_users = host.config().users_with_role("it");
  std::cout << "next: cartera" << (it_users.empty() ? std::string() : " --user " + it_users.front()->id)
            << " modules enable MODULE --department DEPARTMENT\n";
  return 0;
}

namespace {

// Loads a module in a child process, so that a module that crashes in its constructors or
// entry cannot take the listing down (GStreamer's plugin scanner does the same). Started for
// every module before any is waited for: the children load side by side.
struct Probe {
  const ModuleRecord *record = nullptr;
  pid_t pid = -1;
  int fd = -1;
  std::string not_run; // why no child could be started
};

Probe start_probe(const ModuleRecord &record, HostAbi abi) {
  Probe p;
  p.record = &record;
  int fds[2];
  if (::pipe(fds) != 0) {
    p.not_run = std::string("no pipe: ") + std::strerror(errno);
    return p;
  }
  std::cout.flush();
  std::cerr.flush();
  p.pid = ::fork();
  if (p.pid == 0) {
    ::close(fds[0]);
    std::string result = "ok";
    try {
      load_module(record, abi);
    } catch (const std::exception &e) {
      result = e.what();
    }
    (void)!::write(fds[1], result.data(), result.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  if (p.pid < 0) {
    p.not_run = std::string("no child process: ") + std::strerror(errno);
    ::close(fds[0]);
    return p;
  }
  p.fd = fds[0];
  return p;
}

// The child's verdict: "ok" or the refusal; empty when the probe could not be run (not_run
// says why).
std::string finish_probe(Probe &p) {
  if (!p.not_run.empty()) {
    return {};
  }
  std::string result;
  char buf[512];
  for (ssize_t n; (n = ::read(p.fd, buf, sizeof buf)) > 0;) {
    result.append(buf, static_cast<std::size_t>(n));
  }
  ::close(p.fd);
  int status = 0;
  ::waitpid(p.pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return "crashed while loading (signal " + std::to_string(WTERMSIG(status)) + ")";
  }
  const std::string prefix = p.record->label() + " refused: ";
  if (result.rfind(prefix, 0) == 0) {
    result = result.substr(prefix.size());
  }
  return result;
}

// Every check `modules enable` applies, in its order: the scan's (manifest, library, the ABI
// the manifest claims), loading it in a child (the descriptor's id, size, major and minor,
// its callbacks), and the operations its manifest names against what the configured adapter,
// the host and its own catalog offer. "ok" when it passes them all, else "refused: reason"; a
// check that could not be run is named ("ok, but ...").
std::string module_state(Host &host, const ModuleRecord &r, Probe &probe) {
  if (!r.ok()) {
    return "refused: " + r.refusal;
  }
  const std::string loaded = finish_probe(probe);
  if (loaded.empty()) {
    return "ok, but it was not loaded to check it (" + probe.not_run + ")";
  }
  if (loaded != "ok") {
    return "refused: " + loaded;
  }
  try {
    const std::string why = host.operations_refusal(*r.manifest);
    return why.empty() ? "ok" : "refused: " + why;
  } catch (const std::exception &e) {
    return std::string("ok, but its operations were not checked: ") + e.what();
  }
}

} // namespace

int cmd_plugins(const Args &args) {
  args.only({"load"}, "plugins"); // --load: what the listing always does now, kept for scripts
  Host host(args.global);
  const ModuleCatalog &catalog = host.catalog();
  std::vector<Probe> probes(catalog.records().size());
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (catalog.records()[i].ok()) {
      probes[i] = start_probe(catalog.records()[i], catalog.host_abi());
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const ModuleRecord &r = catalog.records()[i];
    const std::string state = module_state(host, r, probes[i]);
    if (r.manifest) {
      const Manifest &m = *r.manifest;
      std::string jobs;
      for (const auto &j : m.jobs) {
        jobs += (jobs.empty() ? "" : " ") + j.name;
      }
      rows.push_back({m.name, m.id, m.version, std::to_string(m.abi_major) + "." + std::to_string(m.abi_minor_required),
                      state, jobs});
    } else {
      rows.push_back({r.manifest_path.filename().string(), "", "", "", state, ""});
    }
    for (const auto &w : r.warnings) {
      std::cerr << "cartera: warning: " << r.label() << ": " << w << "\n";
    }
  }
  if (rows.empty()) {
    std::cerr << "cartera: no modules in " << catalog.dir().string() << "\n";
  }
  print_rows(args.format.value_or("table"), "plugins", {"name", "id", "version", "abi", "state", "jobs"}, rows);
  return 0;
}

int cmd_modules(const Args &args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "list";
  // In this command --department names the department acted on, not the caller's.
  GlobalOptions g = args.global;
  const std::optional<std::string> target = g.department;
  g.department.reset();
  Host host(g);
  if (sub == "list") {
    args.only({}, "modules list");
    std::map<std::string, std::vector<Enablement>> by_module;
    for (auto &e : host.store().enablements()) {
      by_module[e.module_id].push_back(e);
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto &r : host.catalog().records()) {
      if (!r.manifest) {
        continue;
      }
      std::string deps;
      for (const auto &e : by_module[r.manifest->id]) {
        deps += (deps.empty() ? "" : " ") + e.department;
      }
      rows.push_back({r.manifest->name, r.manifest->id, r.ok() ? "ok" : "refused", deps.empty() ? "-" : deps});
    }
    print_rows(args.format.value_or("table"), "modules", {"name", "id", "state", "enabled_for"}, rows);
    return 0;
  }
  if (sub != "enable" && sub != "disable") {
    usage_error("modules: unknown subcommand '" + sub + "'; use list, enable or disable");
  }
  args.only({}, "modules " + sub);
  if (args.words.size() != 3) {
    usage_error("modules " + sub + ": name one module: cartera modules " + sub + " MODULE --department D");
  }
  if (!target) {
    usage_error("modules " + sub + ": --department D is required");
  }
  host.require_role("it", sub + " modules");
  if (host.config().find_department(*target) == nullptr) {
    usage_error("modules " + sub + ": department '" + *target + "' is not declared in the configuration");
  }
  const ModuleRecord *r = host.catalog().find(args.words[2]);
  if (r == nullptr || !r->manifest) {
    usage_error("modules " + sub + ": no module '" + args.words[2] + "' in " + host.catalog().dir().string());
  }
  if (sub == "enable") {
    // What `cartera plugins` checks, refused and audited here: the scan's refusal, a load in a
    // child process, the operations the configured adapter lacks (exit 1, as a refused module
    // always was).
    std::string why = r->ok() ? std::string() : "refused: " + r->refusal;
    if (why.empty()) {
      Probe probe = start_probe(*r, host.catalog().host_abi());
      const std::string loaded = finish_probe(probe);
      if (loaded.empty()) {
        why = "it could not be loaded to check it (" + probe.not_run + ")";
      } else if (loaded != "ok") {
        why = "refused: " + loaded;
      }
    }
    if (why.empty()) {
      why = host.operations_refusal(*r->manifest);
    }
    if (!why.empty()) {
      const std::string message = "cannot enable " + r->label() + ": " + why;
      host.audit_refusal("modules enable " + r->manifest->name, message);
      fail(message);
    }
  }
  const Identity &who = host.identity();
  const bool changed = sub == "enable"
                           ? host.store().enable(r->manifest->id, *target, who.user, who.department, host.now_iso())
                           : host.store().disable(r->manifest->id, *target, who.user, who.department, host.now_iso());
  std::cout << r->manifest->name
            << (changed ? (sub == "enable" ? " enabled" : " disabled")
                        : (sub == "enable" ? " was already enabled" : " was not enabled"))
            << " for department " << *target << "\n";
  return 0;
}

int cmd_runs(const Args &args) {
  args.only({"limit"}, "runs");
  Host host(args.global);
  if (args.words.size() == 2) {
    // One run: the documents it emitted, where they are, and their hashes.
    std::vector<std::vector<std::string>> rows;
    for (const auto &d : host.store().documents_of_run(args.words[1])) {
      rows.push_back({d.document_id, d.doc_type, d.doc_key, (host.config().outbox_dir / d.file_name).string(), d.sha256,
                      d.created_at});
    }
    print_rows(args.format.value_or("table"), "runs", {"document_id", "type", "key", "path", "sha256", "created_at"},
               rows);
    return 0;
  }
  if (args.words.size() > 2) {
    usage_error("runs: name at most one run");
  }
  const int limit = std::stoi(args.option("limit").value_or("50"));
  std::vector<std::vector<std::string>> rows;
  for (const auto &r : host.store().runs(limit)) {
    rows.push_back({r.run_id, r.module_id, r.job, r.user_id, r.department, r.started_at, r.finished_at, r.status,
                    r.parameters, r.message, r.os_account});
  }
  print_rows(args.format.value_or("table"), "runs",
             {"run_id", "module", "job", "user", "department", "started_at", "finished_at", "status", "parameters",
              "message", "os_account"},
             rows);
  return 0;
}

int cmd_audit(const Args &args) {
  args.only({"limit"}, "audit");
  Host host(args.global);
  const int limit = std::stoi(args.option("limit").value_or("100"));
  std::vector<std::vector<std::string>> rows;
  for (const auto &a : host.store().audit_trail(limit)) {
    rows.push_back({std::to_string(a.seq), a.at, a.user_id, a.department, a.action, a.object, a.detail, a.os_account});
  }
  print_rows(args.format.value_or("table"), "audit",
             {"seq", "at", "user", "department", "action", "object", "detail", "os_account"}, rows);
  return 0;
}

} // namespace cartera::cli
