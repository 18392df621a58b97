// The exchange's HTTP transport: URL parsing, post_document against the in-process HttpListener,
// against a port nobody listens on and a listener that never answers, and against
// tests/exchange/receiver.py as a real process (retries, idempotency, a restart, HTTPS).
#include "base/failure.hpp"
#include "exchange/http_listener.hpp"
#include "exchange/http_post.hpp"
#include "json.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ; // NOLINT(readability-identifier-naming): POSIX's name

namespace {

namespace net = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using cartera::exchange::HttpListener;
using cartera::exchange::HttpReply;
using cartera::exchange::HttpRequest;
using cartera::exchange::HttpResult;
using cartera::exchange::HttpTarget;
using cartera::exchange::ListenerTls;
using cartera::exchange::parse_http_url;
using cartera::exchange::post_document;
using Clock = std::chrono::steady_clock;

const char *const kPython = "/usr/bin/python3";
const char *const kOpenssl = "/usr/bin/openssl";
const std::map<std::string, std::string> kNoHeaders;

class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "cartera-exchange-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  [[nodiscard]] const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

std::string read_file(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// An HttpListener on 127.0.0.1, an ephemeral port, its io_context run on a thread of its own.
class Served {
public:
  explicit Served(HttpListener::Handler handler, std::chrono::milliseconds read_timeout = 30s,
                  const ListenerTls &tls = {})
      : listener_(ioc_, "127.0.0.1", 0, std::move(handler), read_timeout, tls), thread_([this] { ioc_.run(); }) {}
  ~Served() {
    net::post(ioc_, [this] { listener_.stop(); });
    thread_.join(); // returns once the connections still open have been answered and closed
  }
  Served(const Served &) = delete;
  Served &operator=(const Served &) = delete;

  [[nodiscard]] std::string url(const std::string &path = "/") const {
    return "http://127.0.0.1:" + std::to_string(listener_.port()) + path;
  }
  [[nodiscard]] unsigned short port() const { return listener_.port(); }

private:
  net::io_context ioc_;
  HttpListener listener_;
  std::thread thread_;
};

// Sends bytes on a raw connection and returns everything the server sends back until it closes.
std::string raw_exchange(unsigned short port, const std::string &bytes) {
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(socket, net::buffer(bytes));
  std::string reply;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(reply), ec);
  return reply;
}

// --- URLs ------------------------------------------------------------------------------------

TEST(ExchangeHttpUrl, ParsesSchemeHostPortAndTarget) {
  HttpTarget t = parse_http_url("http://example.com");
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.host, "example.com");
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.target, "/");

  t = parse_http_url("HTTPS://Receiver.Example.CO:8443/api/v1/documents?tenant=9001#top");
  EXPECT_EQ(t.scheme, "https");
  EXPECT_EQ(t.host, "receiver.example.co");
  EXPECT_EQ(t.port, 8443);
  EXPECT_EQ(t.target, "/api/v1/documents?tenant=9001");

  t = parse_http_url("https://10.0.0.7");
  EXPECT_EQ(t.port, 443);
  EXPECT_EQ(t.target, "/");

  t = parse_http_url("http://[::1]:8080/x");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.target, "/x");

  t = parse_http_url("http://127.0.0.1?q=1");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.target, "/?q=1");

  EXPECT_EQ(parse_http_url("http://h:65535/").port, 65535);
  EXPECT_TRUE(parse_http_url("http://h/").ca_file.empty());
}

std::string url_refusal(const std::string &url) {
  try {
    parse_http_url(url);
  } catch (const cartera::runtime::Failure &f) {
    EXPECT_EQ(f.code(), cartera::runtime::ExitCode::kInputRefused) << url;
    return f.what();
  }
  ADD_FAILURE() << url << " was accepted";
  return {};
}

TEST(ExchangeHttpUrl, RefusesWhatItCannotPostTo) {
  EXPECT_EQ(url_refusal("ftp://files.example/in"),
            "URL \"ftp://files.example/in\": the scheme \"ftp\" is not supported; use http:// or https://");
  EXPECT_NE(url_refusal("example.com/documents").find("not an http:// or https:// URL"), std::string::npos);
  EXPECT_NE(url_refusal("file:///etc/passwd").find("scheme \"file\""), std::string::npos);

  const std::string user_info = url_refusal("https://cartera:s3cret@receiver.example/");
  EXPECT_NE(user_info.find("user information"), std::string::npos);
  EXPECT_EQ(user_info.find("s3cret"), std::string::npos) << "the password is repeated: " << user_info;

  EXPECT_NE(url_refusal("http:///documents").find("the host is empty"), std::string::npos);
  EXPECT_NE(url_refusal("http://:8080/").find("the host is empty"), std::string::npos);
  EXPECT_NE(url_refusal("http://[]:8080/").find("the host is empty"), std::string::npos);
  for (const char *bad : {"http://h:0/", "http://h:65536/", "http://h:99999999/", "http://h:8o/", "http://h:/",
                          "http://h:-1/", "http://[::1]:/"}) {
    EXPECT_NE(url_refusal(bad).find("is not a number from 1 to 65535"), std::string::npos) << bad;
  }
  EXPECT_NE(url_refusal("http://::1/").find("in brackets"), std::string::npos);
  EXPECT_NE(url_refusal("http://[::1/").find("no closing ']'"), std::string::npos);
  EXPECT_NE(url_refusal("http://[example.com]/").find("is not an IPv6 address"), std::string::npos);
  EXPECT_NE(url_refusal("http://ho st/").find("not a host name"), std::string::npos);
  EXPECT_NE(url_refusal("http://h/a b").find("percent-encode"), std::string::npos);
  EXPECT_NE(url_refusal("http://h/a\r\nX-Injected: 1").find("percent-encode"), std::string::npos);
}

TEST(ExchangeHttpPost, RefusesProgrammingErrors) {
  EXPECT_THROW(post_document(HttpTarget{}, "", kNoHeaders, 100ms), std::invalid_argument);
  const HttpTarget t = parse_http_url("http://127.0.0.1:9/");
  EXPECT_THROW(post_document(t, "", {{"X-Bad", "a\r\nInjected: yes"}}, 100ms), std::invalid_argument);
  EXPECT_THROW(post_document(t, "", {{"Bad Name", "x"}}, 100ms), std::invalid_argument);
}

// --- post_document against HttpListener --------------------------------------------------------

TEST(ExchangeHttpPost, PostsTheDocumentWithItsHeaders) {
  HttpRequest seen;
  int calls = 0;
  Served served([&](const HttpRequest &r) {
    seen = r;
    ++calls;
    HttpReply reply;
    reply.body = "received " + r.header("idempotency-key");
    return reply;
  });
  const std::string xml = "<?xml version=\"1.0\"?><receipt id=\"cash-receipt-1\">ñ</receipt>";
  const HttpResult result = post_document(parse_http_url(served.url("/documents?tenant=9001")), xml,
                                          {{"Idempotency-Key", "cash-receipt-1"}}, 2s);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "received cash-receipt-1");
  EXPECT_FALSE(result.body_truncated);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/documents?tenant=9001");
  EXPECT_EQ(seen.body, xml);
  EXPECT_EQ(seen.header("Idempotency-Key"), "cash-receipt-1");
  EXPECT_EQ(seen.headers.at("content-type"), "application/xml; charset=utf-8");
  EXPECT_EQ(seen.header("Host"), "127.0.0.1:" + std::to_string(served.port()));
  EXPECT_EQ(seen.header("Content-Length"), std::to_string(xml.size()));
  EXPECT_EQ(seen.header("connection"), "close");
  EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u) << seen.remote;
  EXPECT_EQ(seen.header("X-Absent"), "");
}

TEST(ExchangeHttpPost, SurfacesTheHandlersStatus) {
  Served served([](const HttpRequest &) {
    HttpReply reply;
    reply.status = 503;
    reply.body = "treasury is closing the day";
    reply.headers["Retry-After"] = "120";
    return reply;
  });
  const HttpResult result = post_document(parse_http_url(served.url()), "<x/>", kNoHeaders, 2s);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(result.body, "treasury is closing the day");
}

TEST(ExchangeHttpPost, ABodyOverTheListenersLimitGets413) {
  int calls = 0;
  Served served([&](const HttpRequest &) {
    ++calls;
    return HttpReply{};
  });
  const std::string big(cartera::exchange::kMaxRequestBody + 1, 'x');
  const HttpResult result = post_document(parse_http_url(served.url()), big, kNoHeaders, 10s);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(calls, 0);

  const std::string exactly(cartera::exchange::kMaxRequestBody, 'x');
  const HttpResult fits = post_document(parse_http_url(served.url()), exactly, kNoHeaders, 10s);
  ASSERT_TRUE(fits.ok()) << fits.error;
  EXPECT_EQ(fits.status, 200);
  EXPECT_EQ(calls, 1);
}

TEST(ExchangeHttpPost, KeepsTheFirst64KiBOfALongReply) {
  Served served([](const HttpRequest &) {
    HttpReply reply;
    reply.status = 500;
    reply.body = std::string(std::size_t{1024} * 1024, 'e');
    return reply;
  });
  const HttpResult result = post_document(parse_http_url(served.url()), "<x/>", kNoHeaders, 5s);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body, std::string(cartera::exchange::kMaxResponseBody, 'e'));
  EXPECT_TRUE(result.body_truncated);
}

TEST(ExchangeHttpPost, AConnectionRefusedIsAnErrorAtOnce) {
  unsigned short port = 0;
  {
    net::io_context ioc;
    net::ip::tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port(); // free again once probe closes
  }
  const auto start = Clock::now();
  const HttpResult result =
      post_document(parse_http_url("http://127.0.0.1:" + std::to_string(port) + "/in"), "<x/>", kNoHeaders, 5s);
  const auto elapsed = ms_since(start);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "POST http://127.0.0.1:" + std::to_string(port) + "/in: cannot connect: Connection refused");
  EXPECT_LT(elapsed, 500);
  std::cout << "[ measured ] connection refused after " << elapsed << " ms\n";
}

TEST(ExchangeHttpPost, APeerThatNeverAnswersTimesOutAtTheDeadline) {
  // The kernel completes the handshake for a listening socket, so connect and write succeed;
  // nobody ever reads or answers, as with a receiver that hangs.
  net::io_context never_run;
  net::ip::tcp::acceptor silent(never_run, {net::ip::make_address("127.0.0.1"), 0});
  const std::string port = std::to_string(silent.local_endpoint().port());

  auto start = Clock::now();
  HttpResult result = post_document(parse_http_url("http://127.0.0.1:" + port + "/"), "<x/>", kNoHeaders, 300ms);
  auto elapsed = ms_since(start);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "POST http://127.0.0.1:" + port + "/: timed out after 300 ms waiting for the response");
  EXPECT_GE(elapsed, 295);
  EXPECT_LT(elapsed, 800); // slack for a loaded CI machine
  std::cout << "[ measured ] silent peer: error after " << elapsed << " ms (deadline 300 ms)\n";

  start = Clock::now();
  result = post_document(parse_http_url("https://127.0.0.1:" + port + "/"), "<x/>", kNoHeaders, 300ms);
  elapsed = ms_since(start);
  EXPECT_EQ(result.error, "POST https://127.0.0.1:" + port + "/: timed out after 300 ms in the TLS handshake");
  EXPECT_LT(elapsed, 800); // slack for a loaded CI machine
  std::cout << "[ measured ] silent peer over TLS: error after " << elapsed << " ms (deadline 300 ms)\n";
}

TEST(ExchangeHttpPost, AnUnreadableCaFileIsAnErrorNotAnException) {
  HttpTarget t = parse_http_url("https://127.0.0.1:9/");
  t.ca_file = "/nonexistent/ca.pem";
  const HttpResult result = post_document(t, "<x/>", kNoHeaders, 1s);
  EXPECT_NE(result.error.find("cannot load the trusted certificates from /nonexistent/ca.pem"), std::string::npos)
      << result.error;
}

// --- HttpListener's own answers ----------------------------------------------------------------

TEST(ExchangeHttpListener, AnswersWhatItDoesNotServe) {
  int calls = 0;
  Served served(
      [&](const HttpRequest &r) {
        ++calls;
        if (r.target == "/throw") {
          throw std::runtime_error("the database is locked");
        }
        HttpReply reply;
        reply.status = r.target == "/bad-status" ? 1000 : 200;
        reply.body = r.method + " " + r.target;
        return reply;
      },
      300ms);
  const auto port = served.port();

  std::string reply = raw_exchange(port, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n\r\nGET /status"), std::string::npos) << reply;

  reply = raw_exchange(port, "DELETE /documents/1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 405 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("Allow: GET, POST\r\n"), std::string::npos) << reply;

  reply = raw_exchange(port, "POST /throw HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 500 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("the database is locked"), std::string::npos) << reply;

  reply = raw_exchange(port, "GET /bad-status HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 500 ", 0), 0u) << reply;
  EXPECT_NE(reply.find("the handler answered with status 1000"), std::string::npos) << reply;

  reply = raw_exchange(port, "this is not HTTP\r\n\r\n");
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 ", 0), 0u) << reply;

  const auto start = Clock::now();
  reply = raw_exchange(port, "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
  EXPECT_EQ(reply.rfind("HTTP/1.1 408 ", 0), 0u) << reply;
  EXPECT_LT(ms_since(start), 1000);
  EXPECT_EQ(calls, 3);
}

TEST(ExchangeHttpListener, RefusesAnAddressItCannotUse) {
  net::io_context ioc;
  const auto handler = [](const HttpRequest &) { return HttpReply{}; };
  EXPECT_THROW(HttpListener(ioc, "localhost", 0, handler), cartera::runtime::Failure);
  HttpListener first(ioc, "127.0.0.1", 0, handler);
  try {
    HttpListener second(ioc, "127.0.0.1", first.port(), handler);
    FAIL() << "two listeners on one port";
  } catch (const cartera::runtime::Failure &f) {
    EXPECT_EQ(std::string(f.what()),
              "cannot listen on 127.0.0.1:" + std::to_string(first.port()) + ": Address already in use");
  }
}

// --- against receiver.py, a separate process ---------------------------------------------------

class Receiver {
public:
  Receiver(const fs::path &dir, std::vector<std::string> extra) : port_file_(dir / "port") {
    fs::remove(port_file_);
    std::vector<std::string> args = {kPython,       std::string(CARTERA_SOURCE_DIR) + "/tests/exchange/receiver.py",
                                     "--port",      "0",
                                     "--port-file", port_file_.string(),
                                     "--log",       (dir / "received.jsonl").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char *> argv;
    argv.reserve(args.size() + 1);
    for (auto &a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, kPython, nullptr, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start receiver.py");
    }
    for (const auto start = Clock::now(); !fs::exists(port_file_); std::this_thread::sleep_for(10ms)) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_ || Clock::now() - start > 10s) {
        pid_ = 0;
        throw std::runtime_error("receiver.py did not start");
      }
    }
    port_ = static_cast<unsigned short>(std::stoi(read_file(port_file_)));
  }
  ~Receiver() { stop(); }
  Receiver(const Receiver &) = delete;
  Receiver &operator=(const Receiver &) = delete;

  // SIGTERM, then the exit status (-1 when it had already been stopped).
  int stop() {
    if (pid_ == 0) {
      return -1;
    }
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  [[nodiscard]] unsigned short port() const { return port_; }

private:
  fs::path port_file_;
  pid_t pid_ = 0;
  unsigned short port_ = 0;
};

std::vector<std::string> lines_of(const fs::path &p) {
  std::vector<std::string> lines;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

TEST(ExchangeHttpReceiver, RetriesMeet503sThenOneAcceptanceThenAlreadyHaveIt) {
  if (access(kPython, X_OK) != 0) {
    GTEST_SKIP() << kPython << " is missing";
  }
  TempDir dir;
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "credit-note-7f3a"}};
  const std::string xml = "<creditNoteRequest id=\"credit-note-7f3a\"/>";
  {
    Receiver receiver(dir.path(), {"--fail-first", "2"});
    const HttpTarget target = parse_http_url("http://127.0.0.1:" + std::to_string(receiver.port()) + "/accounting");
    std::vector<int> statuses;
    for (int attempt = 0; attempt < 3; ++attempt) {
      const HttpResult r = post_document(target, xml, key, 5s);
      ASSERT_TRUE(r.ok()) << r.error;
      statuses.push_back(r.status);
      if (attempt == 2) {
        EXPECT_NE(r.body.find("\"new\": true"), std::string::npos) << r.body;
      }
    }
    EXPECT_EQ(statuses, (std::vector<int>{503, 503, 200}));
    const HttpResult again = post_document(target, xml, key, 5s);
    ASSERT_TRUE(again.ok()) << again.error;
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body.find("\"new\": false"), std::string::npos) << again.body;
    EXPECT_EQ(receiver.stop(), 0) << "SIGTERM should end receiver.py cleanly";

    // Stopped: the sender sees the connection refused, and retries later.
    const HttpResult down = post_document(target, xml, key, 2s);
    EXPECT_NE(down.error.find("Connection refused"), std::string::npos) << down.error;
  }
  {
    // Started again on the same log, it still has the key.
    Receiver receiver(dir.path(), {});
    const HttpTarget target = parse_http_url("http://127.0.0.1:" + std::to_string(receiver.port()) + "/accounting");
    const HttpResult r = post_document(target, xml, key, 5s);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"new\": false"), std::string::npos) << r.body;
    const HttpResult other = post_document(target, "<other/>", {{"Idempotency-Key", "credit-note-80b1"}}, 5s);
    EXPECT_NE(other.body.find("\"new\": true"), std::string::npos) << other.body;
  }
  const auto lines = lines_of(dir.path() / "received.jsonl");
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("\"status\": 503"), std::string::npos) << lines[0];
  EXPECT_NE(lines[2].find("\"new\": true"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("\"path\": \"/accounting\""), std::string::npos) << lines[2];
  EXPECT_NE(lines[5].find("\"seq\": 6"), std::string::npos) << lines[5];
  // The same lines read back as JSON.
  using cartera::testing::parse_json;
  EXPECT_EQ(parse_json(lines[0])["status"].text, "503") << lines[0];
  EXPECT_EQ(parse_json(lines[2])["new"].kind, cartera::testing::Json::Kind::kBool) << lines[2];
  EXPECT_TRUE(parse_json(lines[2])["new"].boolean) << lines[2];
  EXPECT_EQ(parse_json(lines[2])["path"].text, "/accounting") << lines[2];
  EXPECT_TRUE(parse_json(lines[5])["seq"].is_number()) << lines[5];
  EXPECT_EQ(parse_json(lines[5])["seq"].text, "6") << lines[5];
}

// A self-signed certificate and its key, dir/name.pem and dir/name.key, made by the openssl command.
bool make_certificate(const fs::path &dir, const std::string &name, const std::string &subject_alt_names) {
  const std::string command = std::string(kOpenssl) +
                              " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "
                              "/CN=cartera-test -addext subjectAltName=" +
                              subject_alt_names + " -keyout " + (dir / (name + ".key")).string() + " -out " +
                              (dir / (name + ".pem")).string() + " 2>/dev/null";
  return std::system(command.c_str()) == 0; // NOLINT(cert-env33-c): a test's own fixed command
}

// serve's listener over TLS (issue 20: a recipient elsewhere answers over HTTPS): the client
// that trusts the certificate is answered; plain HTTP to the same port gets no answer; a key
// that does not open is refused before anything listens.
TEST(ExchangeHttpListener, SpeaksTlsWithTheConfiguredCertificate) {
  if (access(kOpenssl, X_OK) != 0) {
    GTEST_SKIP() << kOpenssl << " is missing";
  }
  TempDir dir;
  ASSERT_TRUE(make_certificate(dir.path(), "serve", "IP:127.0.0.1"));
  const ListenerTls tls{(dir.path() / "serve.pem").string(), (dir.path() / "serve.key").string()};
  Served served(
      [](const HttpRequest &r) {
        HttpReply reply;
        reply.body = "over TLS: " + r.body;
        return reply;
      },
      2s, tls);
  HttpTarget target = parse_http_url("https://127.0.0.1:" + std::to_string(served.port()) + "/acknowledgements");
  target.ca_file = tls.certificate;
  const HttpResult result = post_document(target, "<ack/>", kNoHeaders, 2s);
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "over TLS: <ack/>");
  const HttpResult plain = post_document(parse_http_url(served.url()), "<ack/>", kNoHeaders, 2s);
  EXPECT_FALSE(plain.ok() && plain.status == 200) << "plain HTTP was answered on a TLS port";
  net::io_context ioc;
  EXPECT_THROW(HttpListener(
                   ioc, "127.0.0.1", 0, [](const HttpRequest &) { return HttpReply{}; }, 1s,
                   ListenerTls{tls.certificate, (dir.path() / "missing.key").string()}),
               cartera::runtime::Failure);
}

TEST(ExchangeHttpReceiver, HttpsVerifiesTheCertificateAndTheHost) {
  if (access(kPython, X_OK) != 0 || access(kOpenssl, X_OK) != 0) {
    GTEST_SKIP() << kPython << " or " << kOpenssl << " is missing";
  }
  TempDir dir;
  ASSERT_TRUE(make_certificate(dir.path(), "good", "IP:127.0.0.1,DNS:localhost"));
  ASSERT_TRUE(make_certificate(dir.path(), "other", "DNS:elsewhere.example"));
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "statement-1"}};
  {
    Receiver receiver(dir.path(), {"--tls-cert", (dir.path() / "good.pem").string(), "--tls-key",
                                   (dir.path() / "good.key").string()});
    const std::string port = std::to_string(receiver.port());

    HttpTarget target = parse_http_url("https://127.0.0.1:" + port + "/statements");
    target.ca_file = (dir.path() / "good.pem").string();
    HttpResult r = post_document(target, "<statement/>", key, 5s);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("\"new\": true"), std::string::npos) << r.body;

    HttpTarget by_name = parse_http_url("https://localhost:" + port + "/statements"); // SNI, DNS name check
    by_name.ca_file = target.ca_file;
    r = post_document(by_name, "<statement/>", key, 5s);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_NE(r.body.find("\"new\": false"), std::string::npos) << r.body;

    target.ca_file.clear(); // the system's CAs do not know a self-signed certificate
    r = post_document(target, "<statement/>", key, 5s);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("TLS handshake failed: certificate verify failed"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("(self-signed certificate)"), std::string::npos) << r.error;
    std::cout << "[ message  ] " << r.error << "\n";
  }
  {
    Receiver receiver(dir.path(), {"--tls-cert", (dir.path() / "other.pem").string(), "--tls-key",
                                   (dir.path() / "other.key").string()});
    HttpTarget target = parse_http_url("https://127.0.0.1:" + std::to_string(receiver.port()) + "/");
    target.ca_file = (dir.path() / "other.pem").string(); // trusted, but for another host
    const HttpResult r = post_document(target, "<statement/>", key, 5s);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("(IP address mismatch)"), std::string::npos) << r.error;
    std::cout << "[ message  ] " << r.error << "\n";
  }
  // Only the two verified connections reached the receiver; the refused handshakes never did.
  EXPECT_EQ(lines_of(dir.path() / "received.jsonl").size(), 2u);
}

} // namespace
