// The exchange end to end: the lead's approval owes treasury one cash receipt per payment;
// `cartera exchange deliver` takes them to a folder or to a real HTTP receiver process
// (tests/exchange/receiver.py) that fails, goes down and comes back, or to an interface table
// in the ERP's own database (SQLite and PostgreSQL); acknowledgements come back by the inbox.
// Each document arrives exactly once by id, in order, whatever is killed.
#include "cartera_process.hpp"
#include "json.hpp"
#include "module_dir.hpp"
#include "postgres.hpp"
#include "sql/database.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>

extern char **environ;

namespace fs = std::filesystem;
using cartera::testing::acknowledgement_xml;
using cartera::testing::contains;
using cartera::testing::count_lines;
using cartera::testing::have_postgres;
using cartera::testing::kTestData;
using cartera::testing::ModuleDir;
using cartera::testing::new_postgres_database;
using cartera::testing::Outcome;
using cartera::testing::postgres_url;
using cartera::testing::read_text;

namespace {

// tests/exchange/receiver.py as a child process on an ephemeral port.
class Receiver {
public:
  Receiver(const fs::path &dir, std::vector<std::string> extra) : dir_(dir) {
    fs::remove(dir_ / "port");
    std::vector<std::string> args = {"/usr/bin/python3",
                                     (fs::path(CARTERA_SOURCE_DIR) / "tests/exchange/receiver.py").string(),
                                     "--port",
                                     "0",
                                     "--port-file",
                                     (dir_ / "port").string(),
                                     "--log",
                                     (dir_ / "received.jsonl").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char *> argv;
    argv.reserve(args.size() + 1);
    for (auto &a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return;
    }
    for (int i = 0; i < 500 && !fs::exists(dir_ / "port"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    port_ = std::stoi(read_text(dir_ / "port"));
  }
  ~Receiver() { stop(); }
  Receiver(const Receiver &) = delete;
  Receiver &operator=(const Receiver &) = delete;

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  [[nodiscard]] int port() const { return port_; }

  // key -> how many times it came as new, and the keys in the order they were first taken.
  struct Log {
    std::map<std::string, int> new_count;
    std::vector<std::string> order;
    int duplicates = 0;
  };
  // Each line of the receiver's log is read back as JSON; one a killed receiver cut short is
  // skipped, as the receiver itself does.
  [[nodiscard]] Log log() const {
    Log l;
    std::ifstream in(dir_ / "received.jsonl");
    for (std::string line; std::getline(in, line);) {
      cartera::testing::Json entry;
      try {
        entry = cartera::testing::parse_json(line);
      } catch (const std::runtime_error &) {
        continue;
      }
      if (!entry.has("key") || !entry["key"].is_string() || !entry.has("status") || entry["status"].text != "200") {
        continue;
      }
      const std::string key = entry["key"].text;
      if (entry.has("new") && entry["new"].boolean) {
        ++l.new_count[key];
        l.order.push_back(key);
      } else {
        ++l.duplicates;
      }
    }
    return l;
  }

private:
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

class Exchange : public ::testing::Test {
protected:
  // recipient: the <recipient> element(s) for treasury, inside <exchange>.
  void configure(const std::string &recipients) {
    std::ofstream(work_.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url=")" + db_url_ + R"("/>
  <exchange>
)" + recipients + R"(
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
    args.insert(args.begin(), {"--user", user, "--quiet", "--now", "2026-11-22T18:00:00"});
    return cartera::testing::run_cartera(work_.path(), args);
  }

  // The small company's differences statement, matched and approved: five payments, five
  // cash receipts owed to treasury.
  void approve_the_day(const fs::path &statement = kTestData / "camt053/small-company-differences.xml") {
    ASSERT_EQ(as("sistemas",
                 {"host", "import", (fs::path(CARTERA_SOURCE_DIR) / "tests/integration/data/small-company").string()})
                  .code,
              0);
    ASSERT_EQ(as("sistemas", {"modules", "enable", "payments", "--department", "cartera"}).code, 0);
    const Outcome i = as("analista", {"payments", "import", statement.string()});
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

  void write_ack(const std::string &name, const std::string &body) {
    fs::create_directories(work_.path() / "inbox");
    std::ofstream(work_.path() / "inbox" / name) << body;
  }

  ModuleDir work_;
  std::string db_url_ = "sqlite3:cartera.db"; // cartera's own database
};

} // namespace

TEST_F(Exchange, TheApprovalOwesTreasuryOneReceiptPerPaymentDeliveredToItsFolderAndAnswered) {
  configure(
      R"(<recipient id="tesoreria" documents="cash-receipt-request"><folder dir="tesoreria-entrada"/></recipient>)");
  approve_the_day();
  const std::string pending = status("pending");
  EXPECT_EQ(count_lines(pending), 6U) << pending; // header + 5
  // Treasury's folder gets them; the outbox, which is for what no recipient takes, does not.
  EXPECT_FALSE(fs::exists(work_.path() / "outbox") && !fs::is_empty(work_.path() / "outbox"));
  const Outcome d = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out, "delivered 5, retries scheduled 0, failed 0, still pending 0\n");
  std::size_t files = 0;
  for (const auto &e : fs::directory_iterator(work_.path() / "tesoreria-entrada")) {
    EXPECT_TRUE(contains(read_text(e.path()), "<cash-receipt-request")) << e.path();
    ++files;
  }
  EXPECT_EQ(files, 5U);
  // Filed first in the payers' folders (archive="deferred"): one index row each, made by the
  // lead who approved them.
  const std::string folders = as("analista", {"archive", "list", "--format", "csv"}).out;
  EXPECT_EQ(count_lines(folders), 6U) << folders;
  EXPECT_TRUE(contains(folders, ",2026-11,cash-receipt-request,application/xml,C1/2026/11/cash-receipt-request-"))
      << folders;
  EXPECT_TRUE(contains(folders, ",coordinador,")) << folders;
  // Delivering again sends nothing: each was delivered once.
  EXPECT_EQ(as("sistemas", {"exchange", "deliver"}).out,
            "delivered 0, retries scheduled 0, failed 0, still pending 0\n");

  // Treasury answers: one receipt issued, one refused.
  const std::string first = first_document("delivered");
  write_ack("a1.xml", acknowledgement_xml(first, R"(<accepted number="RC-2026-000123"/>)"));
  const Outcome r = as("sistemas", {"exchange", "receive", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "a1.xml," + first + ",tesoreria,acknowledged,RC-2026-000123,recorded\n")) << r.out;
  EXPECT_TRUE(fs::exists(work_.path() / "inbox/processed/a1.xml"));
  const std::string second = first_document("delivered");
  write_ack("a2.xml", acknowledgement_xml(second, R"(<rejected reason="la cuenta bancaria no es de la empresa"/>)"));
  ASSERT_EQ(as("sistemas", {"exchange", "receive"}).code, 0);
  const std::string rejected = status("rejected");
  EXPECT_TRUE(contains(rejected, second + ",cash-receipt-request,tesoreria,rejected,")) << rejected;
  EXPECT_TRUE(contains(rejected, "la cuenta bancaria no es de la empresa")) << rejected;
  EXPECT_TRUE(contains(status("acknowledged"), first + ",cash-receipt-request,tesoreria,acknowledged,1,"));

  // The same answer again is recorded once; a different one, an unknown document, a DOCTYPE
  // and a wrong schema are refused, moved aside with why, and change nothing.
  write_ack("b1.xml", acknowledgement_xml(first, R"(<accepted number="RC-2026-000123"/>)"));
  const Outcome same = as("sistemas", {"exchange", "receive", "--format", "csv"});
  EXPECT_EQ(same.code, 0) << same.err;
  EXPECT_TRUE(contains(same.out, ",already recorded\n")) << same.out;
  write_ack("c1.xml", acknowledgement_xml(first, R"(<accepted number="RC-OTRO"/>)"));
  write_ack("c2.xml",
            acknowledgement_xml("cash-receipt-request-000000000000000000000000", R"(<accepted number="RC-1"/>)"));
  write_ack("c3.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                      "<acknowledgement xmlns=\"urn:cartera:acknowledgement:1\">&x;</acknowledgement>\n");
  write_ack("c4.xml", acknowledgement_xml(first, R"(<accepted/>)"));
  const std::string before = status();
  const Outcome bad = as("sistemas", {"exchange", "receive"});
  EXPECT_EQ(bad.code, 3) << bad.err;
  EXPECT_TRUE(contains(bad.err, "c1.xml: document " + first +
                                    " was already answered by 'tesoreria' (acknowledged as "
                                    "RC-2026-000123); a different answer is refused"))
      << bad.err;
  EXPECT_TRUE(contains(bad.err, "was never sent to recipient 'tesoreria'")) << bad.err;
  EXPECT_TRUE(contains(bad.err, "c3.xml")) << bad.err;
  EXPECT_TRUE(contains(bad.err, "c4.xml")) << bad.err;
  EXPECT_EQ(status(), before);
  for (const char *f : {"c1.xml", "c2.xml", "c3.xml", "c4.xml"}) {
    EXPECT_TRUE(fs::exists(work_.path() / "inbox/refused" / f)) << f;
    EXPECT_TRUE(fs::exists(work_.path() / "inbox/refused" / (std::string(f) + ".error"))) << f;
  }
  // A file named on the command line is refused with exit 3 and stays where it is.
  std::ofstream(work_.path() / "suelto.xml") << "<acknowledgement";
  const Outcome loose = as("sistemas", {"exchange", "receive", (work_.path() / "suelto.xml").string()});
  EXPECT_EQ(loose.code, 3) << loose.err;
  EXPECT_TRUE(fs::exists(work_.path() / "suelto.xml"));
}

TEST_F(Exchange, AnHttpReceiverThatIsDownThenFailsThenComesBackGetsEachReceiptOnceInOrder) {
  if (!fs::exists("/usr/bin/python3")) {
    GTEST_SKIP() << "no python3 for the receiver";
  }
  // Down: nothing listens on the port a first receiver had.
  int port = 0;
  {
    Receiver probe(work_.path(), {});
    port = probe.port();
  }
  fs::remove(work_.path() / "received.jsonl");
  configure(R"(<recipient id="tesoreria" documents="cash-receipt-request" retry-after-seconds="1" max-attempts="20">
      <http url="http://127.0.0.1:)" +
            std::to_string(port) + R"(/recibos" timeout-seconds="5"/></recipient>)");
  approve_the_day();
  const Outcome down = as("sistemas", {"exchange", "deliver"});
  EXPECT_EQ(down.code, 0) << down.err;
  EXPECT_EQ(down.out, "delivered 0, retries scheduled 1, failed 0, still pending 5\n");
  EXPECT_TRUE(contains(status("pending"), "Connection refused")) << status("pending");

  // Back, on another port (the test cannot pick it), failing its first two requests.
  Receiver receiver(work_.path(), {"--fail-first", "2"});
  configure(R"(<recipient id="tesoreria" documents="cash-receipt-request" retry-after-seconds="1" max-attempts="20">
      <http url="http://127.0.0.1:)" +
            std::to_string(receiver.port()) + R"(/recibos" timeout-seconds="5"/></recipient>)");
  const Outcome up = as("sistemas", {"exchange", "deliver", "--wait", "60"});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_EQ(up.out.substr(0, 12), "delivered 5,") << up.out;
  const Receiver::Log log = receiver.log();
  EXPECT_EQ(log.new_count.size(), 5U);
  for (const auto &[key, n] : log.new_count) {
    EXPECT_EQ(n, 1) << key;
  }
  // In the order the approval emitted them (the queue's order).
  std::vector<std::string> queued;
  const std::string all = status();
  for (std::size_t p = all.find('\n') + 1; p < all.size(); p = all.find('\n', p) + 1) {
    queued.push_back(all.substr(p, all.find(',', p) - p));
  }
  EXPECT_EQ(log.order, queued);
}

TEST_F(Exchange, AKilledDeliveryRunAgainDuplicatesNothingAtTheReceiver) {
  if (!fs::exists("/usr/bin/python3")) {
    GTEST_SKIP() << "no python3 for the receiver";
  }
  // 400 ms per request: the kill lands while cartera waits for an answer the receiver will
  // still record; the rerun sends that document again and the receiver knows it.
  Receiver receiver(work_.path(), {"--delay-ms", "400"});
  configure(R"(<recipient id="tesoreria" documents="cash-receipt-request"><http url="http://127.0.0.1:)" +
            std::to_string(receiver.port()) + R"(/recibos"/></recipient>)");
  approve_the_day();
  const pid_t pid =
      cartera::testing::spawn_cartera(work_.path(), {"--user", "sistemas", "--quiet", "exchange", "deliver"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  ::kill(pid, SIGKILL);
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st)) << "deliver finished before the kill; the test proves nothing";
  std::this_thread::sleep_for(std::chrono::milliseconds(500)); // the receiver finishes the one it had
  const std::size_t before = receiver.log().new_count.size();
  EXPECT_GE(before, 1U);
  EXPECT_LT(before, 5U);
  const Outcome again = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(again.code, 0) << again.err;
  const Receiver::Log log = receiver.log();
  EXPECT_EQ(log.new_count.size(), 5U);
  for (const auto &[key, n] : log.new_count) {
    EXPECT_EQ(n, 1) << key;
  }
  EXPECT_EQ(log.duplicates, 1) << "the document in flight at the kill came twice, the second time as known";
  EXPECT_EQ(count_lines(status("delivered")), 6U);
}

TEST_F(Exchange, ARecipientThatNeverAnswersIsMarkedFailedWithAnAlertAndCanBeRetried) {
  configure(R"(<recipient id="tesoreria" documents="cash-receipt-request" max-attempts="1">
      <http url="http://127.0.0.1:9/recibos" timeout-seconds="1"/></recipient>
    <recipient id="sistemas" documents="delivery-alert"><folder dir="alertas"/></recipient>)");
  approve_the_day();
  const Outcome d = as("sistemas", {"exchange", "deliver"});
  EXPECT_EQ(d.code, 1) << d.out << d.err;
  EXPECT_TRUE(contains(d.out, "failed 5")) << d.out << d.err;
  EXPECT_EQ(count_lines(status("failed")), 6U);
  std::size_t alerts = 0;
  for (const auto &e : fs::directory_iterator(work_.path() / "alertas")) {
    const std::string a = read_text(e.path());
    EXPECT_TRUE(contains(a, "<delivery-alert") && contains(a, "recipient=\"tesoreria\"")) << a;
    ++alerts;
  }
  EXPECT_EQ(alerts, 5U);
  const std::string doc = first_document("failed");
  const Outcome r = as("sistemas", {"exchange", "retry", doc, "--recipient", "tesoreria"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(status("pending"), doc)) << status("pending");
  EXPECT_EQ(as("sistemas", {"exchange", "retry", doc, "--recipient", "tesoreria"}).code, 2);
}

TEST_F(Exchange, ADocumentCommittedButNotYetWrittenReachesTheOutboxOnTheNextRun) {
  // Nobody takes the cash receipts here, so they are owed to the outbox.
  configure(
      R"(<recipient id="contabilidad" documents="payment-offset-request"><folder dir="contabilidad"/></recipient>)");
  approve_the_day();
  // As if the process died between its commit and writing the files.
  std::vector<fs::path> written;
  for (const auto &e : fs::directory_iterator(work_.path() / "outbox")) {
    written.push_back(e.path());
  }
  ASSERT_EQ(written.size(), 5U);
  for (const auto &p : written) {
    fs::remove(p);
  }
  ASSERT_EQ(
      std::system(("sqlite3 " + (work_.path() / "cartera.db").string() + " \"UPDATE cartera_document SET written = 0\"")
                      .c_str()),
      0);
  ASSERT_EQ(as("analista", {"payments", "entries"}).code, 0);
  std::size_t again = 0;
  for (const auto &e : fs::directory_iterator(work_.path() / "outbox")) {
    again += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(again, 5U);
}

namespace {

// The interface table: cartera's database and the ERP's, both SQLite files or both PostgreSQL
// databases on the test server, read back with the project's own sessions.
class ExchangeTable : public Exchange, public ::testing::WithParamInterface<std::string> {
protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (!have_postgres()) {
        GTEST_SKIP() << "no PostgreSQL server: script/test starts one (script/postgres start)";
      }
      db_url_ = postgres_url(new_postgres_database("cartera_x"));
      erp_url_ = postgres_url(new_postgres_database("erp_x"));
      missing_url_ = postgres_url("cartera_no_such_erp");
    } else {
      db_url_ = "sqlite3:" + (work_.path() / "cartera.db").string();
      erp_url_ = "sqlite3:" + (work_.path() / "erp.db").string();
      missing_url_ = "sqlite3:" + (work_.path() / "no-such-folder/erp.db").string();
    }
  }

  // The ERP's interface table, as its documentation would ask for it.
  void create_inbox() {
    const std::string created_at = GetParam() == "postgresql" ? "TIMESTAMPTZ NOT NULL" : "TEXT NOT NULL";
    cartera::sql::Database erp = cartera::sql::open_database(erp_url_);
    *erp.session << "CREATE TABLE cartera_inbox (document_id TEXT PRIMARY KEY, doc_type TEXT NOT NULL, "
                    "content TEXT NOT NULL, created_at " +
                        created_at + ")";
  }

  // Retries after 2 s, then 4 s: long enough that a run right after a failure is not due yet.
  void configure_table(const std::string &url) {
    configure(R"(<recipient id="erp" documents="cash-receipt-request" retry-after-seconds="2" max-attempts="20">
      <table database=")" +
              url + R"(" name="cartera_inbox"/></recipient>)");
  }

  // Every row of a query, each column as text.
  static std::vector<std::vector<std::string>> rows(const std::string &url, const std::string &query) {
    cartera::sql::Database db = cartera::sql::open_database(url);
    std::vector<std::vector<std::string>> out;
    soci::rowset<soci::row> rs = (db.session->prepare << query);
    for (const auto &r : rs) {
      std::vector<std::string> &row = out.emplace_back();
      for (std::size_t i = 0; i < r.size(); ++i) {
        row.push_back(r.get_indicator(i) == soci::i_null ? "<null>" : r.get<std::string>(i));
      }
    }
    return out;
  }

  // document_id, doc_type, content, created_at (as text) of each row in the ERP's table.
  std::vector<std::vector<std::string>> inbox() {
    return rows(erp_url_, "SELECT document_id, doc_type, content, CAST(created_at AS TEXT) FROM cartera_inbox "
                          "ORDER BY document_id");
  }

  // document_id -> doc_key, content of the cash receipts cartera emitted.
  std::map<std::string, std::pair<std::string, std::string>> emitted() {
    std::map<std::string, std::pair<std::string, std::string>> out;
    for (const auto &r : rows(db_url_, "SELECT document_id, doc_key, content FROM cartera_document WHERE doc_type = "
                                       "'cash-receipt-request'")) {
      out[r[0]] = {r[1], r[2]};
    }
    return out;
  }

  // document_id, state, attempts, last_error of the ERP's deliveries, in queue order.
  std::vector<std::vector<std::string>> deliveries() {
    return rows(db_url_, "SELECT document_id, state, CAST(attempts AS TEXT), last_error FROM cartera_delivery "
                         "WHERE recipient = 'erp' ORDER BY seq");
  }

  void execute(const std::string &url, const std::string &statement) {
    cartera::sql::Database db = cartera::sql::open_database(url);
    *db.session << statement;
  }

  // One row per cash receipt, each the document itself.
  void expect_one_row_per_document() {
    const auto docs = emitted();
    const auto table = inbox();
    ASSERT_EQ(docs.size(), 5U);
    ASSERT_EQ(table.size(), docs.size());
    for (const auto &row : table) {
      const auto it = docs.find(row[0]);
      ASSERT_NE(it, docs.end()) << row[0];
      EXPECT_EQ(row[1], "cash-receipt-request");
      EXPECT_EQ(row[2], it->second.second) << row[0];
      EXPECT_EQ(row[2].rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cash-receipt-request "
                             "xmlns=\"urn:cartera:cash-receipt-request:1\" id=\"" +
                                 it->second.first + "\"",
                             0),
                0U)
          << row[2];
      EXPECT_TRUE(contains(row[2], "</cash-receipt-request>")) << row[2];
      EXPECT_FALSE(row[3].empty() || row[3] == "<null>") << row[0];
    }
  }

  std::string erp_url_;
  std::string missing_url_; // an ERP database that does not exist
};

} // namespace

TEST_P(ExchangeTable, EachReceiptIsOneRowInTheErpsTableEvenWhenDeliveredAgainAfterACrash) {
  create_inbox();
  configure_table(erp_url_);
  approve_the_day();
  const Outcome d = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out, "delivered 5, retries scheduled 0, failed 0, still pending 0\n");
  expect_one_row_per_document();
  const auto first = inbox();
  for (const auto &q : deliveries()) {
    EXPECT_EQ(q[1], "delivered") << q[0];
  }

  // As if cartera died after the inserts but before recording them delivered: all pending again.
  execute(db_url_, "UPDATE cartera_delivery SET state = 'pending', delivered_at = '' WHERE recipient = 'erp'");
  ASSERT_EQ(count_lines(status("pending")), 6U);
  const Outcome again = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, "delivered 5, retries scheduled 0, failed 0, still pending 0\n");
  expect_one_row_per_document();
  EXPECT_EQ(inbox(), first) << "the rows already there are left as they were";
  const auto queue = deliveries();
  ASSERT_EQ(queue.size(), 5U);
  for (const auto &q : queue) {
    EXPECT_EQ(q[1], "delivered") << q[0];
    EXPECT_EQ(q[3], "") << q[0];
  }
}

TEST_P(ExchangeTable, AMissingDatabaseOrTableIsRetriedLaterAndNothingIsDeliveredUntilItExists) {
  // The ERP's database does not exist.
  configure_table(missing_url_);
  approve_the_day();
  const Outcome d = as("sistemas", {"exchange", "deliver"});
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out, "delivered 0, retries scheduled 1, failed 0, still pending 5\n");
  auto queue = deliveries();
  ASSERT_EQ(queue.size(), 5U);
  EXPECT_EQ(queue[0][2], "1");
  EXPECT_EQ(queue[0][3].rfind("table cartera_inbox: ", 0), 0U) << queue[0][3];
  EXPECT_TRUE(contains(queue[0][3], GetParam() == "postgresql" ? "cartera_no_such_erp" : "no-such-folder"))
      << queue[0][3];
  for (const auto &q : queue) {
    EXPECT_EQ(q[1], "pending") << q[0];
  }
  for (std::size_t i = 1; i < queue.size(); ++i) {
    EXPECT_EQ(queue[i][2], "0") << "the ones behind the first wait for it";
  }
  // Not due yet: a run right away does not try again.
  EXPECT_EQ(as("sistemas", {"exchange", "deliver"}).out,
            "delivered 0, retries scheduled 0, failed 0, still pending 5\n");
  EXPECT_EQ(deliveries()[0][2], "1");
  EXPECT_TRUE(contains(status("pending"), "table cartera_inbox: ")) << status("pending");

  // The database exists but the table does not: the next attempt, after its back-off, fails again.
  configure_table(erp_url_);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  const Outcome no_table = as("sistemas", {"exchange", "deliver"});
  EXPECT_EQ(no_table.code, 0) << no_table.err;
  EXPECT_EQ(no_table.out, "delivered 0, retries scheduled 1, failed 0, still pending 5\n");
  queue = deliveries();
  EXPECT_EQ(queue[0][2], "2");
  EXPECT_EQ(queue[0][3].rfind("table cartera_inbox: ", 0), 0U) << queue[0][3];
  EXPECT_TRUE(contains(queue[0][3].substr(21), "cartera_inbox")) << "the driver's reason names it: " << queue[0][3];
  for (const auto &q : queue) {
    EXPECT_EQ(q[1], "pending") << q[0];
  }
  EXPECT_EQ(count_lines(status("delivered")), 1U);

  // The ERP creates its table: the retry takes them all, once each.
  create_inbox();
  const Outcome up = as("sistemas", {"exchange", "deliver", "--wait", "30"});
  ASSERT_EQ(up.code, 0) << up.err;
  EXPECT_EQ(up.out.substr(0, 12), "delivered 5,") << up.out;
  expect_one_row_per_document();
  for (const auto &q : deliveries()) {
    EXPECT_EQ(q[1], "delivered") << q[0];
  }
}

INSTANTIATE_TEST_SUITE_P(Cartera, ExchangeTable, ::testing::Values("sqlite", "postgresql"));

// Two delivery passes at once (two `exchange deliver`, or serve's timer and a person's): the
// recipient is claimed before anything is sent, so the receiver takes each document once and
// the two passes' counts add up to the five owed.
class ExchangeTwoPasses : public Exchange, public ::testing::WithParamInterface<std::string> {};

TEST_P(ExchangeTwoPasses, TwoDeliveriesAtOnceSendEachDocumentOnce) {
  if (!fs::exists("/usr/bin/python3")) {
    GTEST_SKIP() << "no python3 for the receiver";
  }
  const auto url = cartera::testing::backend_url(GetParam(), "cartera_two");
  if (!url) {
    GTEST_SKIP() << cartera::testing::kNoPostgres;
  }
  db_url_ = *url;
  // 300 ms per request: five documents take 1.5 s, so the two passes overlap.
  Receiver receiver(work_.path(), {"--delay-ms", "300"});
  configure(R"(<recipient id="tesoreria" documents="cash-receipt-request"><http url="http://127.0.0.1:)" +
            std::to_string(receiver.port()) + R"(/recibos"/></recipient>)");
  approve_the_day();
  const std::vector<std::string> deliver = {"--user", "sistemas", "exchange", "deliver"};
  const pid_t one = cartera::testing::spawn_cartera(work_.path(), deliver, "one");
  const pid_t two = cartera::testing::spawn_cartera(work_.path(), deliver, "two");
  const Outcome a = cartera::testing::finish_cartera(work_.path(), one, "one");
  const Outcome b = cartera::testing::finish_cartera(work_.path(), two, "two");
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  const auto delivered = [](const std::string &out) { return std::stoi(out.substr(out.find("delivered ") + 10)); };
  EXPECT_EQ(delivered(a.out) + delivered(b.out), 5) << a.out << b.out;
  EXPECT_TRUE(contains(a.err + b.err, "left to another pass: deliver:tesoreria is being done by run"))
      << a.err << b.err;
  const Receiver::Log log = receiver.log();
  EXPECT_EQ(log.new_count.size(), 5U);
  for (const auto &[key, n] : log.new_count) {
    EXPECT_EQ(n, 1) << key;
  }
  EXPECT_EQ(log.duplicates, 0) << "a document was sent by both passes";
  EXPECT_EQ(count_lines(status("delivered")), 6U);
  const Outcome again = as("sistemas", {"exchange", "deliver"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "delivered 0,")) << again.out;
}

INSTANTIATE_TEST_SUITE_P(Cartera, ExchangeTwoPasses, ::testing::Values("sqlite", "postgresql"));
