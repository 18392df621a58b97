// The `cartera` executable.
#include "cli/commands.hpp"

#include "runtime/failure.hpp"
#include "runtime/host.hpp"

#include <cartera/abi.h>

#include <csignal>
#include <cstring>
#include <iostream>

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
  if (cmd == "serve") {
    return cmd_serve(args);
  }
  return cmd_module_job(args);
}

} // namespace

int main(int argc, char **argv) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    return dispatch(cartera::cli::parse_args(argc, argv));
  } catch (const cartera::runtime::Failure &f) {
    std::cerr << "cartera: error: " << f.what() << "\n";
    return static_cast<int>(f.code());
  } catch (const std::exception &e) {
    std::cerr << "cartera: error: " << e.what() << "\n";
    return 1;
  }
}
