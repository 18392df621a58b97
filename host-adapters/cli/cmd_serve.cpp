// serve: recipients' acknowledgements by HTTP POST, and the delivery loop on a schedule. The
// listener, the delivery timer and the signals all run on the one thread that runs the
// io_context, because the Host and its database session may only be used from one thread.
#include "cli/commands.hpp"

#include "base/failure.hpp"
#include "exchange/acknowledgement.hpp"
#include "exchange/delivery.hpp"
#include "exchange/http_listener.hpp"
#include "exchange/recipient_token.hpp"
#include "runtime/archive/archive_filing.hpp"
#include "runtime/files/outbox.hpp"
#include "runtime/host/host.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace cartera::cli {

namespace fs = std::filesystem;
using namespace cartera::runtime;

namespace {

namespace net = boost::asio;
using boost::system::error_code;

constexpr unsigned short kDefaultPort = 8470;
constexpr long long kDefaultDeliverEvery = 30;
// Requests accepted before a stop are still answered, but a client that stalls must not keep
// the process alive after SIGTERM for as long as the listener's read deadline.
constexpr std::chrono::seconds kStopGrace{5};

struct ListenAt {
  std::string address; // without brackets
  unsigned short port = 0;
};

bool all_digits(const std::string &s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:0". The address must be an IP address: binding to
// a host name would depend on name resolution at every start.
ListenAt parse_listen(const std::string &text) {
  const auto bad = [&](const std::string &why) {
    usage_error("serve: --listen " + text + ": " + why + " (ADDR:PORT, e.g. 127.0.0.1:8470 or [::1]:8470)");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    bad("no port");
  }
  ListenAt at;
  at.address = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (at.address.size() >= 2 && at.address.front() == '[' && at.address.back() == ']') {
    at.address = at.address.substr(1, at.address.size() - 2);
  } else if (at.address.find(':') != std::string::npos) {
    bad("an IPv6 address is written in brackets");
  }
  error_code ec;
  (void)net::ip::make_address(at.address, ec);
  if (at.address.empty() || ec) {
    bad("not an IP address");
  }
  if (!all_digits(port) || port.size() > 5 || std::stoul(port) > 65535) {
    bad("the port is a number from 0 to 65535");
  }
  at.port = static_cast<unsigned short>(std::stoul(port));
  return at;
}

std::string display(const std::string &address, unsigned short port) {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

exchange::HttpReply plain(unsigned status, const std::string &body) {
  exchange::HttpReply reply;
  reply.status = status;
  reply.body = body + "\n";
  return reply;
}

exchange::HttpReply method_not_allowed(const std::string &allow) {
  exchange::HttpReply reply = plain(405, "only " + allow + " is accepted here");
  reply.headers["Allow"] = allow;
  return reply;
}

class Server {
public:
  Server(Host &host, const ListenAt &at, std::chrono::seconds deliver_every, const exchange::ListenerTls &tls)
      : host_(host), deliver_every_(deliver_every),
        listener_(
            ioc_, at.address, at.port, [this](const exchange::HttpRequest &r) { return answer(r); },
            std::chrono::seconds(30), tls),
        timer_(ioc_), signals_(ioc_, SIGINT, SIGTERM) {}

  [[nodiscard]] unsigned short port() const { return listener_.port(); }

  void run() {
    signals_.async_wait([this](error_code ec, int signal) {
      if (!ec) {
        stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
      }
    });
    // A signal that came before the signal_set existed went to main's handler instead.
    if (Host::cancel_flag() != 0) {
      stop("a signal at start");
    }
    if (!stopping_ && deliver_every_.count() > 0) {
      if (host_.config().recipients.empty()) {
        info("cartera.xml names no recipient (<exchange>): nothing to deliver, only documents to file");
      }
      schedule_delivery(std::chrono::seconds(0));
    }
    // run() itself would return only once every connection has closed; the loop bounds that.
    while (!ioc_.stopped()) {
      ioc_.run_for(std::chrono::milliseconds(200));
      if (stopping_ && std::chrono::steady_clock::now() - stopped_at_ >= kStopGrace) {
        ioc_.stop();
      }
    }
  }

private:
  void info(const std::string &line) const {
    if (!host_.quiet()) {
      std::cerr << "cartera: serve: " << line << "\n";
    }
  }

  void stop(const std::string &why) {
    if (stopping_) {
      return;
    }
    stopping_ = true;
    stopped_at_ = std::chrono::steady_clock::now();
    info("stopping (" + why + ")");
    listener_.stop();
    timer_.cancel();
    signals_.cancel();
  }

  void schedule_delivery(std::chrono::seconds after) {
    timer_.expires_after(after);
    timer_.async_wait([this](error_code ec) {
      if (ec || stopping_) {
        return;
      }
      deliver();
      // From the end of a pass, so that a slow pass never makes them pile up.
      schedule_delivery(deliver_every_);
    });
  }

  void deliver() {
    try {
      // The customers' folders first, as cartera exchange deliver does; the count is one query
      // on an empty table when nothing waits.
      if (host_.store().count_pending_filings() > 0) {
        const FilingReport f = file_pending_documents(host_, nullptr);
        for (const std::string &line : f.refused) {
          std::cerr << "cartera: error: serve: archive: " << line << "\n";
        }
        if (!f.busy.empty()) {
          info("archive: left to another pass: " + f.busy);
        }
        info("filed " + std::to_string(f.filed) + " documents in the customers' folders, " + std::to_string(f.waiting) +
             " still waiting");
      }
      // A pass is a run in the journal: one every few seconds while nothing is owed would bury
      // the journal's real runs.
      if (host_.config().recipients.empty() || host_.store().count_deliveries("pending") == 0) {
        return;
      }
      const exchange::DeliveryReport r = exchange::deliver(host_, exchange::DeliveryOptions{});
      for (const std::string &busy : r.busy) {
        info("left to another pass: " + busy);
      }
      if (r.delivered + r.retries_scheduled + r.failed > 0) {
        info("delivered " + std::to_string(r.delivered) + ", retries scheduled " + std::to_string(r.retries_scheduled) +
             ", failed " + std::to_string(r.failed) + ", still pending " + std::to_string(r.pending));
      }
    } catch (const std::exception &e) {
      // The next pass tries again; a database that is away for a while must not end the service.
      std::cerr << "cartera: error: serve: delivery: " << e.what() << "\n";
    }
  }

  exchange::HttpReply answer(const exchange::HttpRequest &request) {
    const std::string path = request.target.substr(0, request.target.find('?'));
    if (path == "/health") {
      return request.method == "GET" ? plain(200, "ok") : method_not_allowed("GET");
    }
    if (path == "/acknowledgements") {
      return request.method == "POST" ? acknowledge(request) : method_not_allowed("POST");
    }
    return plain(404, "no such resource: " + path);
  }

  // A recipient's answer, accepted only from that recipient: its bearer token (cartera.xml
  // token-sha256) names it, and it answers only for documents sent to it. Browsers are kept
  // out: a request that carries an Origin or Sec-Fetch-Site header (any web page a clerk opens
  // could send one) and a body that is not declared XML are refused before anything is read.
  // Every refusal is audited, and changes nothing else.
  exchange::HttpReply acknowledge(const exchange::HttpRequest &request) {
    const std::string source = "HTTP POST from " + request.remote;
    const std::string origin = request.header("origin");
    const std::string fetch_site = request.header("sec-fetch-site");
    if (!origin.empty() || (!fetch_site.empty() && fetch_site != "none")) {
      return refused(403, "", source,
                     "a request from a web page (Origin '" + origin + "', Sec-Fetch-Site '" + fetch_site +
                         "') is refused: acknowledgements come from the recipients' systems");
    }
    const std::string type = request.header("content-type");
    const std::string media = type.substr(0, type.find(';'));
    if (media != "application/xml" && media != "text/xml") {
      exchange::HttpReply reply = refused(
          415, "", source, "Content-Type '" + type + "' is refused: an acknowledgement is sent as application/xml");
      reply.headers["Accept"] = "application/xml";
      return reply;
    }
    const runtime::Recipient *sender =
        exchange::authenticate_recipient(host_.config(), request.header("authorization"));
    if (sender == nullptr) {
      exchange::HttpReply reply = refused(
          401, "", source,
          request.header("authorization").empty()
              ? "no credential: a recipient sends Authorization: Bearer TOKEN (cartera exchange token RECIPIENT)"
              : "the credential matches no recipient's token-sha256 in cartera.xml");
      reply.headers["WWW-Authenticate"] = "Bearer realm=\"cartera\"";
      return reply;
    }
    try {
      const exchange::Answer a = exchange::receive_acknowledgement(host_, request.body, source, sender->id);
      const std::string state = a.accepted ? "acknowledged" : "rejected";
      const std::string outcome = a.already_recorded ? "already recorded" : "recorded";
      info(source + ": " + a.document + " from " + a.from + ": " + state +
           (a.accepted ? " as " + a.number : ": " + a.reason) + " (" + outcome + ")");
      return plain(200, outcome + " " + a.document + " " + state);
    } catch (const Failure &f) {
      if (f.code() == ExitCode::kInputRefused) {
        return refused(422, sender->id, source, f.what());
      }
      if (f.code() == ExitCode::kNotPermitted) {
        return refused(403, sender->id, source, f.what());
      }
      // Not the sender's to fix (the database, say): a 5xx tells it to send the answer again later.
      std::cerr << "cartera: error: serve: " << source << ": " << f.what() << "\n";
      return plain(500, f.what());
    } catch (const std::exception &e) {
      std::cerr << "cartera: error: serve: " << source << ": " << e.what() << "\n";
      return plain(500, e.what());
    }
  }

  // A refusal: logged, audited (who, if known; from where; why), answered with status.
  exchange::HttpReply refused(unsigned status, const std::string &recipient, const std::string &source,
                              const std::string &why) {
    info("refused (" + std::to_string(status) + "): " + why);
    try {
      host_.store().audit(runtime::AuditEntry{0, exchange::utc_now_iso(),
                                              recipient.empty() ? "(unauthenticated)" : "recipient:" + recipient, "",
                                              "refused", "POST /acknowledgements", source + ": " + why});
    } catch (const std::exception &e) {
      std::cerr << "cartera: error: serve: the refusal could not be audited: " << e.what() << "\n";
    }
    return plain(status, why);
  }

  Host &host_;
  std::chrono::seconds deliver_every_;
  net::io_context ioc_;
  exchange::HttpListener listener_;
  net::steady_timer timer_;
  net::signal_set signals_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point stopped_at_;
};

} // namespace

int cmd_serve(const Args &args) {
  args.only({"listen", "port-file", "deliver-every", "tls-cert", "tls-key"}, "serve");
  for (const char *name : {"listen", "port-file", "deliver-every", "tls-cert", "tls-key"}) {
    if (args.flag(name)) {
      usage_error(std::string("serve: --") + name + " needs a value (cartera serve --help)");
    }
  }
  if (args.words.size() > 1) {
    usage_error("serve: unexpected " + args.words[1] + " (cartera serve --help)");
  }
  const ListenAt at = parse_listen(args.option("listen").value_or("127.0.0.1:" + std::to_string(kDefaultPort)));
  exchange::ListenerTls tls;
  tls.certificate = args.option("tls-cert").value_or("");
  tls.key = args.option("tls-key").value_or("");
  if (tls.certificate.empty() != tls.key.empty()) {
    usage_error("serve: --tls-cert and --tls-key go together (the certificate chain and its private key, PEM)");
  }
  // Tokens and acknowledgements never cross a network in clear text: beyond this machine, serve
  // speaks TLS or does not listen.
  if (tls.certificate.empty() && !net::ip::make_address(at.address).is_loopback()) {
    usage_error("serve: --listen " + display(at.address, at.port) +
                " is not a loopback address: give --tls-cert and --tls-key, so that recipients' tokens and answers "
                "cross the network encrypted");
  }
  const std::string every = args.option("deliver-every").value_or(std::to_string(kDefaultDeliverEvery));
  if (!all_digits(every) || every.size() > 9) {
    usage_error("serve: --deliver-every " + every + ": a whole number of seconds (0: never)");
  }
  const std::optional<std::string> port_file = args.option("port-file");
  if (port_file && port_file->empty()) {
    usage_error("serve: --port-file needs a file name");
  }

  Host host(args.global);
  host.store(); // a database that cannot be opened fails now, not at the first request
  Server server(host, at, std::chrono::seconds(std::stoll(every)), tls);
  if (!host.quiet()) {
    std::cerr << "cartera: serve: listening on " << display(at.address, server.port())
              << (tls.certificate.empty() ? "" : " (TLS)") << "\n";
  }
  if (port_file) {
    const fs::path file = fs::absolute(*port_file);
    write_atomically(file.parent_path(), file.filename().string(), std::to_string(server.port()) + "\n");
  }
  server.run();
  return 0;
}

} // namespace cartera::cli
