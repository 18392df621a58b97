// exchange: deliver what recipients are owed, take their acknowledgements, show where each stands.
#include "cli/commands.hpp"
#include "cli/table.hpp"

#include "base/failure.hpp"
#include "exchange/acknowledgement.hpp"
#include "exchange/delivery.hpp"
#include "exchange/recipient_token.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/host/host.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace cartera::cli {

namespace fs = std::filesystem;
using namespace cartera::runtime;

namespace {

int deliver(const Args &args) {
  args.only({"wait"}, "exchange deliver");
  Host host(args.global);
  if (host.config().recipients.empty()) {
    usage_error("exchange deliver: cartera.xml names no recipient (<exchange>)");
  }
  exchange::DeliveryOptions options;
  options.wait = std::chrono::seconds(std::stoi(args.option("wait").value_or("0")));
  if (!args.global.quiet) {
    options.on_event = [](const std::string &recipient, const std::string &document, const std::string &outcome) {
      std::cerr << "cartera: exchange: " << document << " to " << recipient << ": " << outcome << "\n";
    };
  }
  // Filed first: the customer's folder holds a request from the moment it is delivered.
  const std::size_t refused = file_waiting_documents(host);
  const exchange::DeliveryReport r = exchange::deliver(host, options);
  std::cout << "delivered " << r.delivered << ", retries scheduled " << r.retries_scheduled << ", failed " << r.failed
            << ", still pending " << r.pending << "\n";
  for (const std::string &busy : r.busy) {
    std::cerr << "cartera: exchange: left to another pass: " << busy << "\n";
  }
  return r.failed > 0 || refused > 0 ? static_cast<int>(ExitCode::kFailure) : 0;
}

std::string read_bytes(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    refuse_input("cannot read " + p.string());
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Files named on the command line are refused or recorded, and stay where they are; the inbox
// folder's are moved to processed/ or refused/ (with a .error beside), so each is read once.
int receive(const Args &args) {
  args.only({}, "exchange receive");
  Host host(args.global);
  std::vector<std::vector<std::string>> rows;
  int refused = 0;
  const auto take = [&](const fs::path &file, bool move) {
    try {
      const exchange::Answer a = exchange::receive_acknowledgement(host, read_bytes(file), file.string());
      rows.push_back({file.filename().string(), a.document, a.from, a.accepted ? "acknowledged" : "rejected",
                      a.accepted ? a.number : a.reason, a.already_recorded ? "already recorded" : "recorded"});
      if (move) {
        fs::create_directories(file.parent_path() / "processed");
        fs::rename(file, file.parent_path() / "processed" / file.filename());
      }
    } catch (const Failure &f) {
      if (!move) {
        throw;
      }
      ++refused;
      std::cerr << "cartera: error: " << f.what() << "\n";
      fs::create_directories(file.parent_path() / "refused");
      fs::rename(file, file.parent_path() / "refused" / file.filename());
      std::ofstream(file.parent_path() / "refused" / (file.filename().string() + ".error")) << f.what() << "\n";
    }
  };
  if (args.words.size() > 2) {
    for (std::size_t i = 2; i < args.words.size(); ++i) {
      take(args.words[i], false);
    }
  } else if (fs::is_directory(host.config().inbox_dir)) {
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(host.config().inbox_dir)) {
      if (e.is_regular_file() && e.path().extension() == ".xml" && e.path().filename().string()[0] != '.') {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto &f : files) {
      take(f, true);
    }
  }
  print_rows(args.format.value_or("table"), "exchange",
             {"file", "document", "from", "state", "number_or_reason", "outcome"}, rows);
  return refused > 0 ? static_cast<int>(ExitCode::kInputRefused) : 0;
}

int status(const Args &args) {
  args.only({"state"}, "exchange status");
  Host host(args.global);
  const std::string state = args.option("state").value_or("");
  if (!state.empty() && state != "pending" && state != "delivered" && state != "acknowledged" && state != "rejected" &&
      state != "failed") {
    usage_error("exchange status: --state is one of pending, delivered, acknowledged, rejected, failed");
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto &d : host.store().deliveries(state)) {
    rows.push_back({d.document_id, d.doc_type, d.recipient, d.state, std::to_string(d.attempts), d.created_at,
                    d.delivered_at, d.answered_at, d.answer_number, d.answer_reason, d.last_error});
  }
  print_rows(args.format.value_or("table"), "exchange",
             {"document", "type", "recipient", "state", "attempts", "queued_at", "delivered_at", "answered_at",
              "number", "reason", "last_error"},
             rows);
  return 0;
}

int retry(const Args &args) {
  args.only({"recipient"}, "exchange retry");
  if (args.words.size() != 3 || !args.option("recipient")) {
    usage_error("exchange retry: name the document and --recipient R (cartera exchange status --state failed)");
  }
  Host host(args.global);
  if (!host.store().retry_delivery(args.words[2], *args.option("recipient"), exchange::utc_now_iso())) {
    usage_error("exchange retry: " + args.words[2] + " to " + *args.option("recipient") + " is not failed");
  }
  std::cout << args.words[2] << " to " << *args.option("recipient") << ": pending again\n";
  return 0;
}

// A new bearer token for a recipient's acknowledgements over `cartera serve`: printed once,
// for IT to hand to the recipient's system; cartera.xml keeps its SHA-256 only.
int token(const Args &args) {
  args.only({}, "exchange token");
  if (args.words.size() != 3) {
    usage_error("exchange token: name the recipient (cartera.xml <exchange>)");
  }
  Host host(args.global);
  host.require_role("it", "issue a recipient's token");
  const std::string &id = args.words[2];
  if (host.config().find_recipient(id) == nullptr) {
    usage_error("exchange token: cartera.xml names no recipient '" + id + "'");
  }
  const std::string secret = exchange::new_recipient_token();
  const std::string digest = sha256_hex(secret);
  host.store().audit(AuditEntry{0, host.now_iso(), host.identity().user, host.identity().department, "exchange.token",
                                id, "new token issued; sha256 " + digest.substr(0, 12) + "…"});
  std::cout << "token for " << id << " (give it to the recipient's system; it is not kept):\n  " << secret
            << "\nin cartera.xml, on <recipient id=\"" << id << "\">:\n  token-sha256=\"" << digest
            << "\"\nthe recipient sends it as: Authorization: Bearer " << secret << "\n";
  return 0;
}

} // namespace

int cmd_exchange(const Args &args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "deliver") {
    return deliver(args);
  }
  if (sub == "receive") {
    return receive(args);
  }
  if (sub == "status") {
    return status(args);
  }
  if (sub == "retry") {
    return retry(args);
  }
  if (sub == "token") {
    return token(args);
  }
  usage_error("exchange: say deliver, receive, status, retry or token (cartera exchange --help)");
}

} // namespace cartera::cli
