// The `cartera` executable.
#include "cli/commands.hpp"

#include "base/failure.hpp"
#include "runtime/host/host.hpp"

#include <cartera/abi.h>
#include <cartera/sdk/text.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <unistd.h>

#ifndef CARTERA_VERSION
#define CARTERA_VERSION "0.0.0"
#endif

namespace {

// The first signal asks the running job to stop cleanly (is_cancelled); a second one ends
// the process at once.
void on_signal(int sig) {
  if (cartera::runtime::Host::cancel_flag().exchange(1) != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

// On the machines cartera is measured on, touching fresh memory costs more than the work done
// in it: a fault per 4 KB page, and a virtualised one at that (a third of a bank-file import's
// profile was the kernel's page faults). glibc backs large allocations with transparent huge
// pages only when the glibc.malloc.hugetlb tunable says so, and tunables are read once, at
// process start, from GLIBC_TUNABLES: so cartera sets it and starts itself again, once, before
// doing anything. Measured in bench/README.md (issue 5). Not under the sanitizers, whose
// allocator ignores it, and never twice (the variable is set the second time).
void use_huge_pages(char **argv) {
#if !defined(__SANITIZE_ADDRESS__)
  const char *tunables = std::getenv("GLIBC_TUNABLES");
  if (std::getenv("CARTERA_NO_HUGE_PAGES") != nullptr ||
      (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr)) {
    return;
  }
  const std::string value = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                                                     : "glibc.malloc.hugetlb=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) == 0) {
    ::execv("/proc/self/exe", argv);
  }
  // exec failed (no /proc): run as we are, with small pages.
#else
  (void)argv;
#endif
}

int dispatch(const cartera::cli::Args &args) {
  using namespace cartera::cli;
  if (args.version) {
    std::cout << "cartera " CARTERA_VERSION " (plugin ABI " << CARTERA_ABI_MAJOR << "." << CARTERA_ABI_MINOR << ")\n";
    return 0;
  }
  if (args.words.empty()) {
    print_main_help(args.help ? std::cout : std::cerr);
    return args.help ? 0 : 2;
  }
  const std::string &cmd = args.words[0];
  if (cmd == "help") {
    if (args.words.size() > 1 && print_command_help(args.words[1], std::cout)) {
      return 0;
    }
    print_main_help(std::cout);
    return 0;
  }
  if (args.help && print_command_help(cmd, std::cout)) {
    return 0;
  }
  if (cmd == "init") {
    return cmd_init(args);
  }
  if (cmd == "plugins") {
    return cmd_plugins(args);
  }
  if (cmd == "modules") {
    return cmd_modules(args);
  }
  if (cmd == "runs") {
    return cmd_runs(args);
  }
  if (cmd == "audit") {
    return cmd_audit(args);
  }
  if (cmd == "host") {
    return cmd_host(args);
  }
  if (cmd == "exchange") {
    return cmd_exchange(args);
  }
  if (cmd == "archive") {
    return cmd_archive(args);
  }
  if (cmd == "contacts") {
    return cmd_contacts(args);
  }
  if (cmd == "serve") {
    return cmd_serve(args);
  }
  return cmd_module_job(args);
}

} // namespace

int main(int argc, char **argv) {
  use_huge_pages(argv);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    return dispatch(cartera::cli::parse_args(argc, argv));
  } catch (const cartera::runtime::Failure &f) {
    // Messages quote values from files and databases: shown, never sent to the terminal raw.
    std::cerr << "cartera: error: " << cartera::sdk::printable(f.what(), true) << "\n";
    return static_cast<int>(f.code());
  } catch (const std::exception &e) {
    std::cerr << "cartera: error: " << cartera::sdk::printable(e.what(), true) << "\n";
    return 1;
  }
}
