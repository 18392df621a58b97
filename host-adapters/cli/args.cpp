#include "cli/args.hpp"

#include "base/failure.hpp"

namespace cartera::cli {

using runtime::usage_error;

std::optional<std::string> Args::option(const std::string &name) const {
  for (const auto &[k, v] : options) {
    if (k == name) {
      return v;
    }
  }
  return std::nullopt;
}

bool Args::flag(const std::string &name) const {
  for (const auto &f : flags) {
    if (f == name) {
      return true;
    }
  }
  return false;
}

void Args::only(const std::vector<std::string> &allowed, const std::string &command) const {
  const auto ok = [&](const std::string &n) {
    for (const auto &a : allowed) {
      if (a == n) {
        return true;
      }
    }
    return false;
  };
  for (const auto &[k, v] : options) {
    if (!ok(k)) {
      usage_error(command + ": unknown option --" + k + " (see cartera " + command + " --help)");
    }
  }
  for (const auto &f : flags) {
    if (!ok(f)) {
      usage_error(command + ": unknown option --" + f + " (see cartera " + command + " --help)");
    }
  }
}

namespace {
// Options that never take a value.
bool is_global_flag(const std::string &n) {
  return n == "help" || n == "version" || n == "quiet";
}
} // namespace

Args parse_args(int argc, char **argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w == "-h") {
      a.help = true;
      continue;
    }
    if (w.rfind("--", 0) != 0 || w == "--") {
      if (w.size() > 1 && w[0] == '-' && w != "-") {
        usage_error("unknown option " + w + " (options are written --name)");
      }
      a.words.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (!is_global_flag(name) && i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      value = argv[++i];
    }
    const auto need = [&](const char *what) -> std::string {
      if (!value) {
        usage_error("--" + name + " needs " + what);
      }
      return *value;
    };
    if (name == "help") {
      a.help = true;
    } else if (name == "version") {
      a.version = true;
    } else if (name == "quiet") {
      a.global.quiet = true;
    } else if (name == "config") {
      a.global.config = need("a file");
    } else if (name == "db") {
      a.global.database = need("a database URL");
    } else if (name == "host") {
      a.global.host = need("a host adapter name");
    } else if (name == "user") {
      a.global.user = need("a user id");
    } else if (name == "department") {
      a.global.department = need("a department id");
    } else if (name == "now") {
      a.global.now = need("a date or time");
    } else if (name == "format") {
      a.format = need("a format");
    } else if (name == "input") {
      a.input = need("a file");
    } else if (name == "output") {
      a.output = need("a file");
    } else if (value) {
      a.options.emplace_back(name, *value);
    } else {
      a.flags.push_back(name);
    }
  }
  for (std::size_t i = 0; i < a.words.size() && i < 2; ++i) {
    a.global.command += (i > 0 ? " " : "") + a.words[i];
  }
  return a;
}

} // namespace cartera::cli
