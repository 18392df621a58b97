// `cartera serve` as a process: its timer delivers what the lead's approval owes treasury, a
// recipient's acknowledgement POSTed to it is recorded (a bad one is refused with 422 and
// changes nothing), and SIGTERM or SIGINT ends it with exit 0.
#include "cartera_process.hpp"
#include "exchange/http_post.hpp"
#include "module_dir.hpp"
#include "runtime/files/sha256.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <optional>
#include <sys/wait.h>
#include <thread>

namespace fs = std::filesystem;
namespace net = boost::asio;
using cartera::testing::acknowledgement_xml;
using cartera::testing::contains;
using cartera::testing::count_lines;
using cartera::testing::kTestData;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;
using Clock = std::chrono::steady_clock;

namespace {

const char *const kNow = "2026-11-22T18:00:00";
// Treasury's and accounting's bearer tokens; cartera.xml holds their SHA-256 only.
const std::string kTreasuryToken = "tesoreria-9f1c2d7e4b8a6350e1f2a3b4c5d6e7f8";
const std::string kAccountingToken = "contabilidad-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const std::string kTreasuryHead = "Content-Type: application/xml\r\nAuthorization: Bearer " + kTreasuryToken + "\r\n";

// The exit code of pid once it ends, or nothing if it is still running after timeout.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  do {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (Clock::now() < deadline);
  return std::nullopt;
}

// `cartera serve` in the background, started in the work folder; killed if a test leaves it running.
class Served {
public:
  Served(const fs::path &dir, const std::vector<std::string> &options) : dir_(dir) {
    const fs::path port_file = dir_ / "serve.port";
    fs::remove(port_file);
    std::vector<std::string> args = {"--user",      "sistemas",    "--now",           kNow, "serve", "--listen",
                                     "127.0.0.1:0", "--port-file", port_file.string()};
    args.insert(args.end(), options.begin(), options.end());
    pid_ = cartera::testing::spawn_cartera(dir_, args);
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (!fs::exists(port_file) && Clock::now() < deadline) {
      if (const auto code = wait_for_exit(pid_, std::chrono::milliseconds(0))) {
        pid_ = -1;
        exit_code_ = *code;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (fs::exists(port_file)) {
      port_ = static_cast<unsigned short>(std::stoi(read_text(port_file)));
    }
  }
  ~Served() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  Served(const Served &) = delete;
  Served &operator=(const Served &) = delete;

  [[nodiscard]] bool up() const { return port_ != 0; }
  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] std::string log() const { return read_text(dir_ / ".bg-stderr"); }

  // Sends signal and returns the exit code, or -1 if it did not end within timeout (then it is killed).
  int stop(int signal = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    if (pid_ <= 0) {
      return exit_code_;
    }
    ::kill(pid_, signal);
    const auto code = wait_for_exit(pid_, timeout);
    if (!code) {
      return -1; // the destructor kills it
    }
    pid_ = -1;
    exit_code_ = *code;
    return exit_code_;
  }

private:
  fs::path dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  int exit_code_ = -1;
};

struct Reply {
  int status = 0;
  std::string body;
};

// One request on its own connection, as a recipient's ERP would send it; status 0 when no reply
// came within five seconds.
// head: the request's own header lines (for a POST, by default treasury's: XML with its token).
Reply http(unsigned short port, const std::string &method, const std::string &target, const std::string &body = "",
           const std::optional<std::string> &head = std::nullopt) {
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                              head.value_or(method == "POST" ? kTreasuryHead : "") +
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  net::write(socket, net::buffer(request));
  std::string raw;
  net::async_read(socket, net::dynamic_buffer(raw), [](boost::system::error_code, std::size_t) {});
  ioc.run_for(std::chrono::seconds(5));
  Reply reply;
  const auto end_of_head = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end_of_head == std::string::npos) {
    return reply;
  }
  reply.status = std::stoi(raw.substr(9, 3));
  reply.body = raw.substr(end_of_head + 4);
  return reply;
}

class Serve : public ::testing::Test {
protected:
  void SetUp() override {
    std::ofstream(work_.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:cartera.db"/>
  <exchange>
    <recipient id="tesoreria" documents="cash-receipt-request" token-sha256=")" +
                                                       cartera::runtime::sha256_hex(kTreasuryToken) +
                                                       R"("><folder dir="tesoreria-entrada"/></recipient>
    <recipient id="contabilidad" documents="credit-note-request" token-sha256=")" +
                                                       cartera::runtime::sha256_hex(kAccountingToken) +
                                                       R"("><folder dir="contabilidad-entrada"/></recipient>
  </exchange>
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users>
    <user id="analista" name="Analista" departments="cartera" roles="analyst"/>
    <user id="coordinador" name="Coordinador" departments="cartera" roles="lead"/>
    <user id="sistemas" name="Sistemas" departments="sistemas cartera" roles="it"/>
)" + cartera::testing::runner_acts_for_everyone() + R"(  </users>
</cartera>
)";
  }

  Outcome as(const std::string &user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user, "--quiet", "--now", kNow});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  // The small company's differences statement, matched and approved: five payments, five
  // cash receipts owed to treasury.
  void approve_the_day() {
    ASSERT_EQ(as("sistemas",
                 {"host", "import", (fs::path(CARTERA_SOURCE_DIR) / "tests/integration/data/small-company").string()})
                  .code,
              0);
    ASSERT_EQ(as("sistemas", {"modules", "enable", "payments", "--department", "cartera"}).code, 0);
    const Outcome i =
        as("analista", {"payments", "import", (kTestData / "camt053/small-company-differences.xml").string()});
    ASSERT_EQ(i.code, 0) << i.err;
    ASSERT_EQ(
        as("analista", {"payments", "match", "--rules", (kTestData / "rules/differences-by-size.xml").string()}).code,
        0);
    const Outcome a = as("coordinador", {"payments", "approve", "--all"});
    ASSERT_EQ(a.code, 0) << a.err;
  }

  std::string status(const std::string &state = "") {
    std::vector<std::string> args = {"exchange", "status", "--format", "csv"};
    if (!state.empty()) {
      args.insert(args.end(), {"--state", state});
    }
    return as("sistemas", args).out;
  }

  std::string first_document(const std::string &of_state) {
    const std::string s = status(of_state);
    const auto nl = s.find('\n');
    return s.substr(nl + 1, s.find(',', nl) - nl - 1);
  }

  ModuleDir work_;
};

} // namespace

TEST_F(Serve, ItsTimerDeliversThePendingReceiptsAndAnAcknowledgementPostedToItIsRecorded) {
  approve_the_day();
  ASSERT_EQ(count_lines(status("pending")), 6U); // header + 5
  Served served(work_.path(), {"--deliver-every", "1"});
  ASSERT_TRUE(served.up()) << served.log();
  EXPECT_TRUE(contains(served.log(), "cartera: serve: listening on 127.0.0.1:" + std::to_string(served.port())))
      << served.log();

  // The first pass runs at start; a delivery is recorded after the file is in place.
  std::string delivered;
  for (const auto deadline = Clock::now() + std::chrono::seconds(10);
       count_lines(delivered = status("delivered")) < 6U && Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(count_lines(delivered), 6U) << delivered << served.log();
  EXPECT_EQ(count_lines(status("pending")), 1U);
  std::size_t files = 0;
  for (const auto &e : fs::directory_iterator(work_.path() / "tesoreria-entrada")) {
    EXPECT_TRUE(contains(read_text(e.path()), "<cash-receipt-request")) << e.path();
    ++files;
  }
  EXPECT_EQ(files, 5U);
  EXPECT_TRUE(contains(served.log(), "cartera: serve: delivered 5, retries scheduled 0, failed 0, still pending 0\n"))
      << served.log();
  // Filed in the payers' folders by the same pass, before it delivered them.
  EXPECT_TRUE(contains(served.log(), "cartera: serve: filed 5 documents in the customers' folders, 0 still waiting\n"))
      << served.log();

  // Treasury answers by POST: the receipt it issued.
  const std::string first = first_document("delivered");
  const Reply r = http(served.port(), "POST", "/acknowledgements",
                       acknowledgement_xml(first, R"(<accepted number="RC-2026-000123"/>)"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "recorded " + first + " acknowledged\n");
  const std::string acknowledged = status("acknowledged");
  EXPECT_TRUE(contains(acknowledged, first + ",cash-receipt-request,tesoreria,acknowledged,1,")) << acknowledged;
  EXPECT_TRUE(contains(acknowledged, ",RC-2026-000123,")) << acknowledged;
  EXPECT_TRUE(contains(served.log(), first + " from tesoreria: acknowledged as RC-2026-000123 (recorded)"))
      << served.log();

  // Sent again (the recipient did not see our reply): recorded once.
  const Reply again = http(served.port(), "POST", "/acknowledgements",
                           acknowledgement_xml(first, R"(<accepted number="RC-2026-000123"/>)"));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, "already recorded " + first + " acknowledged\n");
  // A rejection for another one.
  const std::string second = first_document("delivered");
  const Reply rejected = http(served.port(), "POST", "/acknowledgements",
                              acknowledgement_xml(second, R"(<rejected reason="cuenta desconocida"/>)"));
  EXPECT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.body, "recorded " + second + " rejected\n");
  EXPECT_TRUE(contains(status("rejected"), second + ",cash-receipt-request,tesoreria,rejected,")) << status("rejected");

  // The passes while nothing was owed left no runs in the journal: only the one that delivered.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::string runs = as("sistemas", {"runs", "--format", "csv"}).out;
  std::size_t deliver_runs = 0;
  for (std::size_t p = runs.find(",deliver,"); p != std::string::npos; p = runs.find(",deliver,", p + 1)) {
    ++deliver_runs;
  }
  EXPECT_EQ(deliver_runs, 1U) << runs;

  EXPECT_EQ(served.stop(SIGTERM), 0) << served.log();
}

TEST_F(Serve, AMalformedOrUnknownAcknowledgementIsRefusedWith422AndChangesNothing) {
  approve_the_day();
  const Outcome d = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(d.code, 0) << d.err;
  const std::string first = first_document("delivered");
  ASSERT_FALSE(first.empty());
  // --deliver-every 0: nothing moves unless an answer moves it.
  Served served(work_.path(), {"--deliver-every", "0"});
  ASSERT_TRUE(served.up()) << served.log();
  const std::string before = status();

  const Reply not_xml = http(served.port(), "POST", "/acknowledgements", "recibido, gracias");
  EXPECT_EQ(not_xml.status, 422) << not_xml.body;
  EXPECT_TRUE(contains(not_xml.body, "HTTP POST from 127.0.0.1:")) << not_xml.body;
  const Reply doctype = http(served.port(), "POST", "/acknowledgements",
                             "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                             "<acknowledgement xmlns=\"urn:cartera:acknowledgement:1\">&x;</acknowledgement>\n");
  EXPECT_EQ(doctype.status, 422) << doctype.body;
  const Reply unknown =
      http(served.port(), "POST", "/acknowledgements",
           acknowledgement_xml("cash-receipt-request-000000000000000000000000", R"(<accepted number="RC-1"/>)"));
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_TRUE(contains(unknown.body, "was never sent to recipient 'tesoreria'")) << unknown.body;
  const Reply no_number = http(served.port(), "POST", "/acknowledgements", acknowledgement_xml(first, "<accepted/>"));
  EXPECT_EQ(no_number.status, 422) << no_number.body;
  const Reply empty = http(served.port(), "POST", "/acknowledgements");
  EXPECT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(status(), before);
  EXPECT_TRUE(contains(served.log(), "cartera: serve: refused (422): HTTP POST from 127.0.0.1:")) << served.log();

  // An answer contradicting the recorded one is refused too.
  ASSERT_EQ(http(served.port(), "POST", "/acknowledgements", acknowledgement_xml(first, R"(<accepted number="RC-1"/>)"))
                .status,
            200);
  const std::string answered = status();
  const Reply other =
      http(served.port(), "POST", "/acknowledgements", acknowledgement_xml(first, R"(<accepted number="RC-2"/>)"));
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_TRUE(contains(other.body, "a different answer is refused")) << other.body;
  EXPECT_EQ(status(), answered);

  EXPECT_EQ(served.stop(SIGINT), 0) << served.log();
}

// A stranger on the network, or a web page a clerk opens, cannot answer for treasury: a
// request from a browser (Origin), without a token or with a wrong one, with another
// recipient's token, or not declared XML is refused, audited, and changes nothing; treasury's
// real answer still goes through afterwards.
TEST_F(Serve, OnlyTheRecipientItselfAnswersForItsDocumentsAndEveryRefusalIsAudited) {
  approve_the_day();
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const std::string first = first_document("delivered");
  ASSERT_FALSE(first.empty());
  Served served(work_.path(), {"--deliver-every", "0"});
  ASSERT_TRUE(served.up()) << served.log();
  const std::string before = status();
  const std::string audit_before = as("sistemas", {"audit", "--format", "csv"}).out;
  const std::string forged = acknowledgement_xml(first, R"(<rejected reason="falsa"/>)");

  const Reply page = http(served.port(), "POST", "/acknowledgements", forged,
                          "Content-Type: text/plain\r\nOrigin: http://malicioso.example\r\n");
  EXPECT_EQ(page.status, 403) << page.body;
  const Reply page_with_token =
      http(served.port(), "POST", "/acknowledgements", forged, kTreasuryHead + "Sec-Fetch-Site: cross-site\r\n");
  EXPECT_EQ(page_with_token.status, 403) << page_with_token.body;
  const Reply plain_text = http(served.port(), "POST", "/acknowledgements", forged,
                                "Content-Type: text/plain\r\nAuthorization: Bearer " + kTreasuryToken + "\r\n");
  EXPECT_EQ(plain_text.status, 415) << plain_text.body;
  const Reply anonymous =
      http(served.port(), "POST", "/acknowledgements", forged, std::string("Content-Type: application/xml\r\n"));
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  const Reply wrong = http(served.port(), "POST", "/acknowledgements", forged,
                           "Content-Type: application/xml\r\nAuthorization: Bearer " + kTreasuryToken + "x\r\n");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  const Reply other = http(served.port(), "POST", "/acknowledgements", forged,
                           "Content-Type: application/xml\r\nAuthorization: Bearer " + kAccountingToken + "\r\n");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_TRUE(contains(other.body, "recipient 'contabilidad' answered as 'tesoreria'")) << other.body;
  EXPECT_EQ(status(), before);

  const std::string audit = as("sistemas", {"audit", "--format", "csv"}).out;
  EXPECT_EQ(count_lines(audit) - count_lines(audit_before), 6U) << audit;
  EXPECT_TRUE(contains(audit, ",(unauthenticated),,refused,POST /acknowledgements,HTTP POST from 127.0.0.1:")) << audit;
  EXPECT_TRUE(contains(audit, ",recipient:contabilidad,,refused,POST /acknowledgements,")) << audit;

  const Reply real =
      http(served.port(), "POST", "/acknowledgements", acknowledgement_xml(first, R"(<accepted number="RC-7"/>)"));
  EXPECT_EQ(real.status, 200) << real.body;
  EXPECT_TRUE(contains(status("acknowledged"), first + ",cash-receipt-request,tesoreria,acknowledged,"));
  EXPECT_EQ(served.stop(SIGTERM), 0) << served.log();
}

// Beyond this machine serve speaks TLS: with a certificate it answers HTTPS, and treasury's
// authenticated answer is recorded; without one, an address other than loopback is refused.
TEST_F(Serve, WithACertificateItSpeaksTlsToTheRecipients) {
  if (!fs::exists("/usr/bin/openssl")) {
    GTEST_SKIP() << "no openssl to make a certificate";
  }
  const std::string pem = (work_.path() / "serve.pem").string();
  const std::string key = (work_.path() / "serve.key").string();
  ASSERT_EQ(std::system(("/usr/bin/openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                         "-subj /CN=cartera-serve -addext subjectAltName=IP:127.0.0.1 -keyout " +
                         key + " -out " + pem + " 2>/dev/null")
                            .c_str()),
            0);
  approve_the_day();
  ASSERT_EQ(as("sistemas", {"exchange", "deliver"}).code, 0);
  const std::string first = first_document("delivered");
  Served served(work_.path(), {"--deliver-every", "0", "--tls-cert", pem, "--tls-key", key});
  ASSERT_TRUE(served.up()) << served.log();
  EXPECT_TRUE(contains(served.log(), "(TLS)")) << served.log();
  cartera::exchange::HttpTarget target =
      cartera::exchange::parse_http_url("https://127.0.0.1:" + std::to_string(served.port()) + "/acknowledgements");
  target.ca_file = pem;
  const cartera::exchange::HttpResult r =
      cartera::exchange::post_document(target, acknowledgement_xml(first, R"(<accepted number="RC-TLS-1"/>)"),
                                       {{"Authorization", "Bearer " + kTreasuryToken}}, std::chrono::seconds(5));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(contains(status("acknowledged"), first + ",cash-receipt-request,tesoreria,acknowledged,"));
  EXPECT_EQ(served.stop(SIGTERM), 0) << served.log();
}

TEST_F(Serve, AnswersHealthRefusesOtherRoutesAndStopsOnSigterm) {
  Served served(work_.path(), {"--deliver-every", "0"});
  ASSERT_TRUE(served.up()) << served.log();
  const Reply health = http(served.port(), "GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(http(served.port(), "GET", "/acknowledgements").status, 405);
  EXPECT_EQ(http(served.port(), "POST", "/health", "x").status, 405);
  EXPECT_EQ(http(served.port(), "GET", "/documents").status, 404);

  // A client that connected and sends nothing does not keep it from ending.
  net::io_context ioc;
  net::ip::tcp::socket idle(ioc);
  idle.connect({net::ip::make_address("127.0.0.1"), served.port()});
  const auto asked = Clock::now();
  EXPECT_EQ(served.stop(SIGTERM), 0) << served.log();
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(8));
  EXPECT_TRUE(contains(served.log(), "cartera: serve: stopping (SIGTERM)")) << served.log();
}

TEST_F(Serve, AMalformedListenAddressIsAUsageError) {
  for (const std::vector<std::string> &options : std::vector<std::vector<std::string>>{{"--listen", "127.0.0.1"},
                                                                                       {"--listen", "localhost:8470"},
                                                                                       {"--listen", "127.0.0.1:65536"},
                                                                                       {"--listen", "127.0.0.1:http"},
                                                                                       {"--listen", "::1:8470"},
                                                                                       {"--listen", "0.0.0.0:0"},
                                                                                       {"--listen", "[::]:0"},
                                                                                       {"--tls-cert", "serve.pem"},
                                                                                       {"--listen"},
                                                                                       {"--deliver-every", "soon"},
                                                                                       {"--bind", "127.0.0.1:0"}}) {
    std::vector<std::string> args = {"--user", "sistemas", "--quiet", "serve"};
    args.insert(args.end(), options.begin(), options.end());
    // In the background, so that one accepted by mistake fails the test instead of hanging it.
    const pid_t pid = cartera::testing::spawn_cartera(work_.path(), args);
    const std::optional<int> code = wait_for_exit(pid, std::chrono::seconds(10));
    if (!code) {
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
    EXPECT_EQ(code.value_or(-1), 2) << options.back() << ": " << read_text(work_.path() / ".bg-stderr");
  }
}
