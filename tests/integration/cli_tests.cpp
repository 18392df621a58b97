// The `cartera` binary end to end: a company's configuration with departments and users,
// a module directory, a SQLite database, the outbox; exit codes and messages as documented.
#include "cartera_process.hpp"
#include "json.hpp"
#include "module_dir.hpp"

#include "runtime/files/sha256.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <thread>

namespace {

namespace fs = std::filesystem;
using cartera::testing::contains;
using cartera::testing::ModuleDir;
using cartera::testing::Outcome;
using cartera::testing::read_text;

class Cli : public ::testing::Test {
protected:
  void SetUp() override {
    modules_.add_stamped("good", CARTERA_FIXTURE_DIR);
    fs::copy_file(fs::path(CARTERA_SHIPPED_MODULE_DIR) / "hello.so", modules_.path() / "hello.so");
    fs::copy_file(fs::path(CARTERA_SHIPPED_MODULE_DIR) / "hello.plugin.xml", modules_.path() / "hello.plugin.xml");
    std::ofstream(work_.path() / "cartera.xml") << R"(<?xml version="1.0" encoding="UTF-8"?>
<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:cartera.db"/>
  <modules dir=")" << modules_.path().string() << R"("/>
  <outbox dir="outbox"/>
  <departments>
    <department id="cartera" name="Cartera y cobranzas"/>
    <department id="tesoreria" name="Tesorería"/>
    <department id="sistemas" name="Sistemas"/>
  </departments>
  <users>
    <user id="ana" name="Ana Analista" departments="cartera" roles="analyst"/>
    <user id="luis" name="Luis Líder" departments="cartera" roles="lead"/>
    <user id="tomas" name="Tomás Tesorero" departments="tesoreria" roles="treasury"/>
    <user id="ivan" name="Iván de Sistemas" departments="sistemas" roles="it"/>
)" + cartera::testing::runner_acts_for_everyone() + R"(  </users>
  <module-settings module="org.test.good"><setting key="greeting" value="buenos días"/></module-settings>
</cartera>
)";
  }

  Outcome run(const std::vector<std::string> &args) { return cartera::testing::run_cartera(work_.path(), args); }
  Outcome as(const std::string &user, std::vector<std::string> args) {
    args.insert(args.begin(), {"--user", user});
    return run(args);
  }
  void enable(const std::string &module, const std::string &department) {
    const Outcome o = as("ivan", {"modules", "enable", module, "--department", department});
    ASSERT_EQ(o.code, 0) << o.err;
  }
  soci::session db() { return soci::session(soci::sqlite3, (work_.path() / "cartera.db").string()); }
  int count(const std::string &sql) {
    soci::session s = db();
    int n = 0;
    s << sql, soci::into(n);
    return n;
  }
  // Until a run's journal row says it is running (committed before the module is called), so
  // that a test signals a run under way and not after a fixed time: under the sanitizers on a
  // loaded machine, starting alone can take longer than any fixed wait.
  void wait_until_running() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    const auto started = [&] {
      try {
        return count("SELECT COUNT(*) FROM cartera_run WHERE status = 'running'") > 0;
      } catch (const std::exception &) {
        return false; // the run holds the database for a moment: ask again
      }
    };
    while (!started() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::vector<fs::path> outbox() {
    std::vector<fs::path> files;
    if (fs::exists(work_.path() / "outbox")) {
      for (const auto &e : fs::directory_iterator(work_.path() / "outbox")) {
        files.push_back(e.path());
      }
    }
    return files;
  }

  ModuleDir modules_;
  ModuleDir work_;
};

TEST_F(Cli, HelpForEveryCommandAndUsageErrors) {
  const Outcome h = run({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_TRUE(contains(h.out, "modules enable MODULE --department D"));
  EXPECT_TRUE(contains(h.out, "Exit codes: 0 ok, 1 failure, 2 usage, 3 input refused"));
  for (const char *c : {"init", "plugins", "modules", "runs", "audit"}) {
    const Outcome o = run({c, "--help"});
    EXPECT_EQ(o.code, 0) << c;
    EXPECT_TRUE(contains(o.out, std::string("usage: cartera ") + c)) << c;
  }
  const Outcome mod = as("ana", {"good", "--help"});
  EXPECT_EQ(mod.code, 0);
  EXPECT_TRUE(contains(mod.out, "hello")) << mod.out;
  const Outcome job = as("ana", {"good", "hello", "--help"});
  EXPECT_EQ(job.code, 0);
  EXPECT_TRUE(contains(job.out, "--amount amount")) << job.out;
  EXPECT_TRUE(contains(job.out, "Default: k1.")) << job.out;
  EXPECT_EQ(run({}).code, 2);
  const Outcome unknown = as("ana", {"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command or module 'frobnicate'")) << unknown.err;
  EXPECT_TRUE(contains(run({"--version"}).out, "plugin ABI 1.2"));
}

TEST_F(Cli, PluginsListsModulesFromManifestsWithTheirState) {
  modules_.write_file("broken.plugin.xml", "<plugin/>");
  const Outcome o = as("ivan", {"plugins"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "good ")) << o.out;
  EXPECT_TRUE(contains(o.out, "org.cartera.example.hello")) << o.out;
  EXPECT_TRUE(contains(o.out, "refused: invalid manifest")) << o.out;
  const Outcome csv = as("ana", {"plugins", "--load", "--format", "csv"});
  EXPECT_TRUE(contains(csv.out, "name,id,version,abi,state,jobs\n")) << csv.out;
  EXPECT_TRUE(contains(csv.out, "good,org.test.good,1.2.3,1.0,ok,hello boom refuse bad-doc slow misuse approve"))
      << csv.out;
}

TEST_F(Cli, ModulesAreEnabledPerDepartmentByItOnlyWithAnAuditTrail) {
  const Outcome refused = as("ana", {"good", "hello"});
  EXPECT_EQ(refused.code, 4);
  EXPECT_TRUE(contains(refused.err, "module 'good' (org.test.good) is not enabled for department 'cartera'"))
      << refused.err;
  EXPECT_TRUE(contains(refused.err, "(ivan) can enable it: cartera modules enable good --department cartera"))
      << refused.err;

  const Outcome not_it = as("ana", {"modules", "enable", "good", "--department", "cartera"});
  EXPECT_EQ(not_it.code, 4);
  EXPECT_TRUE(contains(not_it.err, "needs the 'it' role, which these users have: ivan")) << not_it.err;

  enable("good", "cartera");
  EXPECT_EQ(as("ana", {"good", "hello"}).code, 0);
  // Enabled for cartera is not enabled for tesorería.
  EXPECT_EQ(as("tomas", {"good", "hello"}).code, 4);

  const Outcome list = as("ana", {"modules", "list", "--format", "csv"});
  EXPECT_TRUE(contains(list.out, "good,org.test.good,ok,cartera")) << list.out;

  EXPECT_EQ(as("ivan", {"modules", "disable", "good", "--department", "cartera"}).code, 0);
  EXPECT_EQ(as("ana", {"good", "hello"}).code, 4);

  const Outcome audit = as("ivan", {"audit", "--format", "csv"});
  EXPECT_TRUE(contains(audit.out, ",ivan,sistemas,module.disable,org.test.good,department=cartera")) << audit.out;
  EXPECT_TRUE(contains(audit.out, ",ivan,sistemas,module.enable,org.test.good,department=cartera")) << audit.out;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action <> 'refused'"), 2);
  // Every refusal above is audited (issue 20 #11): the module not enabled (three times) and the
  // role missing, each with who, what and why.
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused'"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND department = "
                  "'cartera' AND object = 'good hello' AND detail LIKE 'module ''good'' (org.test.good) is not "
                  "enabled for department ''cartera''%'"),
            2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'tomas' AND department = "
                  "'tesoreria' AND object = 'good hello'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND object = "
                  "'modules enable' AND detail LIKE '%needs the ''it'' role%'"),
            1);

  const Outcome bad_dep = as("ivan", {"modules", "enable", "good", "--department", "ventas"});
  EXPECT_EQ(bad_dep.code, 2);
  EXPECT_TRUE(contains(bad_dep.err, "department 'ventas' is not declared")) << bad_dep.err;
}

// Who is calling is the operating-system account, mapped in cartera.xml; a name given with
// --user or $CARTERA_USER is a claim, honoured only for an account cartera.xml lets act for
// that user. The journal and the audit trail name the account beside the user.
TEST(CliIdentity, TheSystemAccountIsWhoCallsAndActingForAnotherIsGrantedInTheConfiguration) {
  ModuleDir work;
  const std::string delegation = cartera::testing::runner_acts_for_everyone();
  const std::string account =
      delegation.substr(delegation.find("name=\"") + 6,
                        delegation.find('"', delegation.find("name=\"") + 6) - delegation.find("name=\"") - 6);
  const auto configure = [&](const std::string &extra) {
    std::ofstream(work.path() / "cartera.xml") << R"(<cartera xmlns="urn:cartera:config:1">
  <database url="sqlite3:cartera.db"/>
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users>
    <user id="ivan" name="Iván" departments="sistemas" roles="it" os-account=")" +
                                                      account + R"("/>
    <user id="luis" name="Luis" departments="cartera sistemas" roles="lead it"/>
)" + extra + R"(  </users>
</cartera>
)";
  };
  const auto run = [&](const std::vector<std::string> &args) {
    return cartera::testing::run_cartera(work.path(), args);
  };
  configure("");
  // The account is ivan: no name needed, and naming ivan is the same.
  const Outcome own = run({"modules", "enable", "hello", "--department", "cartera"});
  EXPECT_EQ(own.code, 0) << own.err;
  EXPECT_EQ(run({"--user", "ivan", "audit"}).code, 0);
  // Saying luis does not make it luis: not on the command line, nor in the environment.
  const Outcome claimed = run({"--user", "luis", "modules", "disable", "hello", "--department", "cartera"});
  EXPECT_EQ(claimed.code, 4) << claimed.err;
  EXPECT_TRUE(contains(claimed.err, "the operating-system account '" + account +
                                        "' may not act as 'luis' (it is "
                                        "'ivan')"))
      << claimed.err;
  ::setenv("CARTERA_USER", "luis", 1);
  const Outcome from_env = run({"modules", "disable", "hello", "--department", "cartera"});
  ::unsetenv("CARTERA_USER");
  EXPECT_EQ(from_env.code, 4) << from_env.err;
  // Granted in cartera.xml: the account may act for luis, and every row says who really called.
  configure("    <os-account name=\"" + account + "\" acts-for=\"luis\"/>\n");
  const Outcome granted = run({"--user", "luis", "modules", "disable", "hello", "--department", "cartera"});
  EXPECT_EQ(granted.code, 0) << granted.err;
  const Outcome audit = run({"audit", "--format", "csv"});
  EXPECT_TRUE(contains(audit.out,
                       ",luis,cartera,module.disable,org.cartera.example.hello,department=cartera," + account + "\n"))
      << audit.out;
  EXPECT_TRUE(contains(audit.out,
                       ",ivan,sistemas,module.enable,org.cartera.example.hello,department=cartera," + account + "\n"))
      << audit.out;
  // An account mapped to nobody is nobody.
  configure("");
  std::string text = read_text(work.path() / "cartera.xml");
  const std::string mapping = "os-account=\"" + account + "\"";
  text.replace(text.find(mapping), mapping.size(), "os-account=\"nadie\"");
  std::ofstream(work.path() / "cartera.xml") << text;
  const Outcome nobody = run({"audit"});
  EXPECT_EQ(nobody.code, 4) << nobody.err;
  EXPECT_TRUE(contains(nobody.err, "the operating-system account '" + account + "' is not mapped to a user"))
      << nobody.err;
}

TEST_F(Cli, UnknownUserAndForeignDepartmentAreNotPermitted) {
  const Outcome stranger = as("mallory", {"runs"});
  EXPECT_EQ(stranger.code, 4);
  EXPECT_TRUE(contains(stranger.err, "user 'mallory' is not declared")) << stranger.err;
  const Outcome foreign = run({"--user", "ana", "--department", "tesoreria", "runs"});
  EXPECT_EQ(foreign.code, 4);
  EXPECT_TRUE(contains(foreign.err, "does not belong to department 'tesoreria'")) << foreign.err;
}

// Issue 20 #11: a refusal is a security event. The unknown user is audited under the name it
// claimed, marked (configured ids cannot hold ':'); a foreign department and a missing role
// under the caller; and when the audit cannot be written, the refusal still stands and says so.
TEST_F(Cli, EveryRefusalLeavesAnAuditRow) {
  ASSERT_EQ(as("mallory", {"payments", "approve", "--all"}).code, 4);
  ASSERT_EQ(run({"--user", "ana", "--department", "tesoreria", "runs"}).code, 4);
  enable("good", "cartera");
  ASSERT_EQ(as("ana", {"good", "approve"}).code, 4);
  ASSERT_EQ(as("tomas", {"good", "hello"}).code, 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'unknown:mallory' AND "
                  "object = 'payments approve' AND detail LIKE 'user ''mallory'' is not declared%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND department = "
                  "'tesoreria' AND object = 'runs' AND detail LIKE '%does not belong to department ''tesoreria''%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND department = "
                  "'cartera' AND object = 'good approve' AND detail LIKE '%it needs the role lead%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'tomas' AND object = "
                  "'good hello' AND detail LIKE '%is not enabled for department ''tesoreria''%'"),
            1);
  const Outcome audit = as("ivan", {"audit", "--format", "csv"});
  EXPECT_TRUE(contains(audit.out, ",unknown:mallory,,refused,payments approve,")) << audit.out;

  // No database to write to: the refusal is the same, and stderr says it is not audited.
  const Outcome blind =
      run({"--user", "mallory", "--db", "sqlite3:" + (work_.path() / "no/such/dir/x.db").string(), "runs"});
  EXPECT_EQ(blind.code, 4) << blind.err;
  EXPECT_TRUE(contains(blind.err, "the refusal below is not in the audit trail")) << blind.err;
  EXPECT_TRUE(contains(blind.err, "user 'mallory' is not declared")) << blind.err;
}

TEST_F(Cli, JobRunsAreJournaledAndReRunsEmitNoDuplicateDocuments) {
  enable("good", "cartera");
  const Outcome first = as("ana", {"--now", "2026-11-22T09:00:00", "good", "hello", "--key", "K-1", "--amount",
                                   "1500.75", "--on", "2026-11-30", "--format", "csv"});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "key,amount,on,greeting\nK-1,1500.75,2026-11-30,buenos días\n");
  EXPECT_TRUE(contains(first.err, "documents: 1 new (1 in ")) << first.err;
  ASSERT_EQ(outbox().size(), 1u);
  const std::string doc = cartera::testing::read_text(outbox()[0]);
  EXPECT_TRUE(contains(doc, "<key>K-1</key>")) << doc;

  const Outcome again = as("ana", {"good", "hello", "--key", "K-1"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(outbox().size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_document"), 1);
  EXPECT_TRUE(contains(again.err, "documents: 0 new, 1 emitted by an earlier run")) << again.err;

  const Outcome runs = as("luis", {"runs", "--format", "csv"});
  EXPECT_TRUE(contains(runs.out,
                       "R0000001,org.test.good,hello,ana,cartera,2026-11-22T14:00:00Z,2026-11-22T14:00:00Z,ok,"
                       "amount=1500.75 format=csv key=K-1 on=2026-11-30,\"documents: 1 emitted, 0 already present\""))
      << runs.out;
  EXPECT_TRUE(contains(runs.out, "R0000002,org.test.good,hello,ana,cartera")) << runs.out;
  const Outcome docs = as("luis", {"runs", "R0000001", "--format", "csv"});
  EXPECT_TRUE(contains(docs.out, "document_id,type,key,path,sha256,created_at\nnote-")) << docs.out;
  EXPECT_TRUE(contains(docs.out, ",note,K-1,")) << docs.out;
  EXPECT_EQ(as("luis", {"runs", "R0000002", "--format", "csv"}).out, "document_id,type,key,path,sha256,created_at\n");
}

TEST_F(Cli, AModuleKeepsItsOwnStateThroughItsOwnMigrationsAndOperations) {
  enable("good", "cartera");
  const Outcome first = as("ana", {"good", "remember", "--key", "a", "--format", "csv"});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.out, "written\n2\n") << "two rows in one bulk write";
  EXPECT_EQ(as("ana", {"good", "remember", "--key", "a", "--format", "csv"}).out, "written\n0\n");
  ASSERT_EQ(as("ana", {"good", "remember", "--key", "b"}).code, 0);
  const Outcome recall = as("ana", {"good", "recall", "--format", "csv"});
  EXPECT_EQ(recall.out, "memory_key,amount,noted_on\na,1.50,2025-11-22\na-bis,2.50,2025-11-23\nb,1.50,2025-11-22\n"
                        "b-bis,2.50,2025-11-23\n")
      << recall.err;
  EXPECT_EQ(count("SELECT version FROM cartera_schema_version WHERE component = 'org.test.good'"), 1);

  // A database whose module tables are newer than the module is refused, naming both.
  {
    soci::session s = db();
    s << "UPDATE cartera_schema_version SET version = 5 WHERE component = 'org.test.good'";
  }
  const Outcome newer = as("ana", {"good", "recall"});
  EXPECT_EQ(newer.code, 1);
  EXPECT_TRUE(contains(newer.err, "has schema version 5 of 'org.test.good', newer than the 1 this cartera knows"))
      << newer.err;
}

// plugin.hpp's columns by name over a real database: the same rows as reading them by position,
// and the mistakes refused with the operation's and the column's names (exit 1).
TEST_F(Cli, AModuleReadsAnOperationsColumnsByName) {
  enable("good", "cartera");
  ASSERT_EQ(as("ana", {"good", "remember", "--key", "a"}).code, 0);
  const Outcome by_name = as("ana", {"good", "by-name", "--format", "csv"});
  ASSERT_EQ(by_name.code, 0) << by_name.err;
  EXPECT_EQ(by_name.out, as("ana", {"good", "recall", "--format", "csv"}).out);
  EXPECT_EQ(by_name.out, "memory_key,amount,noted_on\na,1.50,2025-11-22\na-bis,2.50,2025-11-23\n");
  const Outcome as_text = as("ana", {"good", "by-name-as-text"});
  EXPECT_EQ(as_text.code, 1);
  EXPECT_TRUE(contains(as_text.err, "operation 'good_recall': column 'amount' is centavos, read as text"))
      << as_text.err;
  const Outcome missing = as("ana", {"good", "by-name-missing"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_TRUE(contains(missing.err, "operation 'good_recall' has no column 'amount_due' (its columns: memory_key, "
                                    "amount, noted_on)"))
      << missing.err;
}

// plain.so with a manifest naming open_items (the reference adapter has it) and, when lacking,
// two operations nothing offers.
std::string plain_manifest(const fs::path &dir, bool lacking) {
  const std::string sha = cartera::runtime::sha256_file_hex(dir / "plain.so");
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<plugin xmlns="urn:cartera:plugin-manifest:1" id="org.test.plain" name="plain" version="1.0.0">
  <display-name>plain</display-name>
  <abi major="1" minor-built=")" +
         std::to_string(CARTERA_ABI_MINOR) + R"(" minor-required="0"/>
  <library file="plain.so" sha256=")" +
         sha + R"("/>
  <capabilities><capability>reports</capability></capabilities>
  <operations><operation name="open_items"/>)" +
         (lacking ? R"(<operation name="promises"/><operation name="returned_checks"/>)" : "") + R"(</operations>
  <jobs><job name="whoami"><summary>s</summary></job></jobs>
</plugin>
)";
}

// Issue 21 #6: `modules enable` refuses a module whose manifest names operations the configured
// adapter, the host and the module's own catalog do not offer, naming them and the adapter
// (exit 1, as a refused module always was), audited; `plugins` says the same.
TEST_F(Cli, ModulesEnableRefusesAModuleNamingOperationsTheAdapterLacks) {
  fs::copy_file(fs::path(CARTERA_FIXTURE_DIR) / "plain.so", modules_.path() / "plain.so");
  modules_.write_file("plain.plugin.xml", plain_manifest(modules_.path(), true));
  const std::string why =
      "the 'reference' host adapter lacks operations that module 'plain' needs: promises returned_checks";
  const Outcome o = as("ivan", {"modules", "enable", "plain", "--department", "cartera"});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "cannot enable module 'org.test.plain' 1.0.0 (plain.plugin.xml): " + why)) << o.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_module_enablement"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ivan' AND object = "
                  "'modules enable plain' AND detail LIKE '%lacks operations that module ''plain'' needs: promises "
                  "returned_checks%'"),
            1);
  const Outcome list = as("ivan", {"plugins", "--format", "csv"});
  EXPECT_TRUE(contains(list.out, "plain,org.test.plain,1.0.0,1.0,\"refused: " + why)) << list.out;
  // Operations the module's own catalog offers count (good's good_remember and good_recall).
  enable("good", "cartera");
}

// One module lacking operations never takes another's jobs down (issue 21 #6): one enabled
// before its manifest named them (an upgrade, another adapter) is refused alone, when it runs,
// with the words `modules enable` uses, and audited.
TEST_F(Cli, AModuleNamingOperationsTheAdapterLacksStopsOnlyItsOwnRuns) {
  fs::copy_file(fs::path(CARTERA_FIXTURE_DIR) / "plain.so", modules_.path() / "plain.so");
  modules_.write_file("plain.plugin.xml", plain_manifest(modules_.path(), false));
  enable("plain", "cartera");
  enable("good", "cartera");
  modules_.write_file("plain.plugin.xml", plain_manifest(modules_.path(), true));
  const Outcome good = as("ana", {"good", "hello"});
  EXPECT_EQ(good.code, 0) << good.err;
  const Outcome plain = as("ana", {"plain", "whoami"});
  EXPECT_EQ(plain.code, 1);
  EXPECT_TRUE(contains(plain.err, "the 'reference' host adapter lacks operations that module 'plain' needs: "
                                  "promises returned_checks"))
      << plain.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND object = 'plain whoami' AND "
                  "detail LIKE '%promises returned_checks%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE module_id = 'org.test.plain'"), 0)
      << "refused before it runs";
  ASSERT_EQ(as("ivan", {"modules", "disable", "plain", "--department", "cartera"}).code, 0);
  EXPECT_EQ(as("ana", {"good", "hello"}).code, 0);
}

// A job reaches only the operations its <uses> lists (issue 21 #6, abi.h op_prepare): good's
// overreach prepares good_remember, which the module declares and the job does not.
TEST_F(Cli, AJobPreparingAnOperationItsUsesDoNotListIsRefusedAndAudited) {
  enable("good", "cartera");
  const Outcome o = as("ana", {"good", "overreach"});
  EXPECT_NE(o.code, 0);
  EXPECT_TRUE(contains(o.err, "job 'overreach' of module 'good' does not declare operation 'good_remember'")) << o.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND object = "
                  "'good overreach' AND detail LIKE '%does not declare operation ''good_remember''%'"),
            1);
  EXPECT_EQ(as("ana", {"good", "recall"}).code, 0) << "what a job declares it still reaches";
}

// `plugins` applies the checks `modules enable` applies, loading each module in a child process
// (issue 21 #6): a wrong id, a descriptor too small or of major 2 are refused without --load,
// and enabling them is refused with the same words.
TEST_F(Cli, PluginsLoadsEveryModuleInAChildAsEnablingDoes) {
  modules_.add("plain", {"org.test.other", "plain"});
  modules_.add("small_struct", {"org.test.small", "small"});
  modules_.add("abi2_descriptor", {"org.test.abi2", "abi2"});
  const Outcome o = as("ivan", {"plugins", "--format", "csv"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "plain,org.test.other,1.0.0,1.0,\"refused: manifest does not match binary: id is "
                              "'org.test.plain' in the binary, 'org.test.other'"))
      << o.out;
  EXPECT_TRUE(contains(o.out, "small,org.test.small,1.0.0,1.0,\"refused: corrupt descriptor: ")) << o.out;
  EXPECT_TRUE(contains(o.out, "smaller than the 152 bytes of an ABI 1.0 descriptor")) << o.out;
  EXPECT_TRUE(contains(o.out, "abi2,org.test.abi2,1.0.0,1.0,refused: ")) << o.out;
  EXPECT_TRUE(contains(o.out, "built for ABI 2.")) << o.out;
  EXPECT_TRUE(contains(o.out, "good,org.test.good,1.2.3,1.0,ok,")) << o.out;
  EXPECT_EQ(o.out, as("ivan", {"plugins", "--load", "--format", "csv"}).out) << "--load is what plugins does";
  for (const char *m : {"plain", "small", "abi2"}) {
    const Outcome e = as("ivan", {"modules", "enable", m, "--department", "cartera"});
    EXPECT_EQ(e.code, 1) << m;
    EXPECT_TRUE(contains(e.err, "cannot enable module 'org.test.")) << e.err;
  }
  const Outcome small = as("ivan", {"modules", "enable", "small", "--department", "cartera"});
  EXPECT_TRUE(contains(small.err, "smaller than the 152 bytes of an ABI 1.0 descriptor")) << small.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_module_enablement"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND object LIKE 'modules enable %'"), 4);
}

// A module enabled while it loaded, whose manifest then stops describing its binary (a version
// edited by hand, a library swapped), is refused when a job of it runs, and the refusal is
// audited like every other; a module the scan refuses outright is audited the same way.
TEST_F(Cli, AModuleRefusedWhenItsJobRunsIsAudited) {
  modules_.add("plain", {"org.test.plain", "plain"});
  enable("plain", "cartera");
  modules_.add("plain", {.id = "org.test.plain", .name = "plain", .version = "9.9.9"});
  const Outcome o = as("ana", {"plain", "whoami"});
  EXPECT_EQ(o.code, 1);
  EXPECT_TRUE(contains(o.err, "manifest does not match binary: version is '1.0.0' in the binary, '9.9.9'")) << o.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND user_id = 'ana' AND object = "
                  "'plain whoami' AND detail LIKE '%version is ''1.0.0'' in the binary%'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE module_id = 'org.test.plain'"), 0)
      << "refused before it runs";
  modules_.add("plain", {.id = "org.test.plain", .name = "plain", .sha = std::string(64, '0')});
  const Outcome scanned = as("ana", {"plain", "whoami"});
  EXPECT_EQ(scanned.code, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_audit WHERE action = 'refused' AND object = 'plain whoami'"), 2)
      << scanned.err;
}

// A module that crashes while loading takes neither the listing nor `modules enable` down: the
// child that loaded it dies, the command names the signal and goes on.
TEST_F(Cli, AModuleThatCrashesWhileLoadingIsRefusedAndTheListingGoesOn) {
  modules_.add("crash_entry", {"org.test.crash", "crash"});
  const Outcome o = as("ivan", {"plugins", "--format", "csv"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "crash,org.test.crash,1.0.0,1.0,refused: crashed while loading (signal " +
                                  std::to_string(SIGABRT) + ")"))
      << o.out;
  EXPECT_TRUE(contains(o.out, "good,org.test.good,1.2.3,1.0,ok,")) << o.out;
  const Outcome e = as("ivan", {"modules", "enable", "crash", "--department", "cartera"});
  EXPECT_EQ(e.code, 1);
  EXPECT_TRUE(contains(e.err, "cannot enable module 'org.test.crash' 1.0.0 (crash.plugin.xml): refused: crashed while "
                              "loading (signal "))
      << e.err;
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_module_enablement"), 0);
}

TEST_F(Cli, OutputFormatsForPrograms) {
  enable("good", "cartera");
  const Outcome json = as("ana", {"good", "hello", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"amount\": \"1234.56\"")) << json.out;
  // Read back by a JSON parser: one object per row, the amount a string of plain pesos.
  const cartera::testing::Json parsed = cartera::testing::parse_json(json.out);
  ASSERT_EQ(parsed.kind, cartera::testing::Json::Kind::kArray) << json.out;
  ASSERT_GE(parsed.size(), 1U) << json.out;
  EXPECT_TRUE(parsed[0]["amount"].is_string()) << json.out;
  EXPECT_EQ(parsed[0]["amount"].text, "1234.56") << json.out;
  const Outcome xml = as("ana", {"good", "hello", "--format", "xml", "--output", "r.xml"});
  ASSERT_EQ(xml.code, 0) << xml.err;
  EXPECT_EQ(xml.out, "");
  const std::string cmd = "xmllint --noout --nonet --schema " CARTERA_SCHEMA_XML_DIR "/result.xsd " +
                          (work_.path() / "r.xml").string() + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const Outcome table = as("ana", {"good", "hello"});
  EXPECT_TRUE(contains(table.out, "$ 1.234,56")) << table.out;
  const Outcome bad = as("ana", {"good", "hello", "--format", "svg"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "--format svg is not offered; choose one of table, csv, xml, json")) << bad.err;
}

TEST_F(Cli, BadArgumentsAreUsageErrorsNamingTheValue) {
  enable("good", "cartera");
  const Outcome date = as("ana", {"good", "hello", "--on", "2026-02-30"});
  EXPECT_EQ(date.code, 2);
  EXPECT_TRUE(contains(date.err, "--on '2026-02-30': not a date (YYYY-MM-DD)")) << date.err;
  const Outcome amount = as("ana", {"good", "hello", "--amount", "12,5"});
  EXPECT_EQ(amount.code, 2);
  EXPECT_TRUE(contains(amount.err, "--amount '12,5'")) << amount.err;
  EXPECT_EQ(as("ana", {"good", "hello", "--colour", "red"}).code, 2);
  EXPECT_EQ(as("ana", {"good", "nojob"}).code, 2);
  EXPECT_EQ(as("ana", {"good", "hello", "--loud"}).code, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE status <> 'ok'"), 0) << "usage errors are not runs";
}

TEST_F(Cli, ModuleFailuresKeepTheirMessageAndExitCodeAndWriteNothing) {
  enable("good", "cartera");
  const Outcome boom = as("ana", {"good", "boom"});
  EXPECT_EQ(boom.code, 1);
  EXPECT_TRUE(contains(boom.err, "good boom: boom at row 3")) << boom.err;

  const Outcome refuse = as("ana", {"good", "refuse"});
  EXPECT_EQ(refuse.code, 3);
  EXPECT_TRUE(contains(refuse.err, "bank.xml:12: amount '-5' is negative [file=bank.xml;line=12;field=Amt]"))
      << refuse.err;

  const Outcome bad_doc = as("ana", {"good", "bad-doc"});
  EXPECT_EQ(bad_doc.code, 1);
  EXPECT_TRUE(contains(bad_doc.err, "module emitted an invalid document, nothing was written")) << bad_doc.err;
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_document"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE status = 'failed'"), 3);

  // And the host goes on serving.
  EXPECT_EQ(as("ana", {"good", "hello"}).code, 0);
}

TEST_F(Cli, JobsLimitedToARoleRefuseOthers) {
  enable("good", "cartera");
  const Outcome analyst = as("ana", {"good", "approve"});
  EXPECT_EQ(analyst.code, 4);
  EXPECT_TRUE(contains(analyst.err, "may not run good approve: it needs the role lead")) << analyst.err;
  EXPECT_EQ(as("luis", {"good", "approve"}).code, 0);
}

TEST_F(Cli, InvalidConfigurationIsRefusedWithFileAndLine) {
  std::ofstream(work_.path() / "cartera.xml") << "<?xml version=\"1.0\"?>\n<cartera xmlns=\"urn:cartera:config:1\">\n"
                                                 "  <database url=\"mysql://x\"/>\n</cartera>\n";
  const Outcome o = run({"plugins"});
  EXPECT_EQ(o.code, 3);
  EXPECT_TRUE(contains(o.err, "cartera.xml:3:")) << o.err;
}

TEST_F(Cli, InitWritesAValidStarterConfigurationAndTheTables) {
  ModuleDir fresh;
  const Outcome o = cartera::testing::run_cartera(fresh.path(), {"init"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(fs::exists(fresh.path() / "cartera.xml"));
  EXPECT_TRUE(fs::exists(fresh.path() / "cartera.db"));
  EXPECT_TRUE(fs::is_directory(fresh.path() / "outbox"));
  const std::string cmd = "xmllint --noout --nonet --schema " CARTERA_SCHEMA_XML_DIR "/config.xsd " +
                          (fresh.path() / "cartera.xml").string() + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  const Outcome twice = cartera::testing::run_cartera(fresh.path(), {"init"});
  EXPECT_EQ(twice.code, 0);
  EXPECT_TRUE(contains(twice.err, "exists; keeping it")) << twice.err;
}

TEST_F(Cli, SingleUserModeWithoutConfiguration) {
  ModuleDir bare;
  const Outcome o = cartera::testing::run_cartera(bare.path(), {"plugins"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_TRUE(contains(o.out, "hello")) << o.out;
  EXPECT_EQ(cartera::testing::run_cartera(bare.path(), {"modules", "enable", "hello", "--department", "cartera"}).code,
            0);
  const Outcome greet = cartera::testing::run_cartera(bare.path(), {"hello", "greet", "--name", "Ana"});
  EXPECT_EQ(greet.code, 0) << greet.err;
  EXPECT_TRUE(contains(greet.out, "Hola, Ana")) << greet.out;
}

TEST_F(Cli, ARunKilledMidwayLeavesNothingAndTheRerunAppliesEverythingOnce) {
  enable("good", "cartera");
  const pid_t pid = cartera::testing::spawn_cartera(work_.path(), {"--user", "ana", "good", "slow", "--count", "30"});
  // Killed once the run is under way, not after a fixed time: 300 ms is about six of its 30
  // documents (50 ms each), well before its end.
  wait_until_running();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_document"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE status = 'running'"), 1);

  const Outcome rerun = as("ana", {"good", "slow", "--count", "30"});
  ASSERT_EQ(rerun.code, 0) << rerun.err;
  EXPECT_EQ(outbox().size(), 30u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_document"), 30);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE status = 'interrupted'"), 1);

  const Outcome third = as("ana", {"good", "slow", "--count", "30"});
  ASSERT_EQ(third.code, 0);
  EXPECT_EQ(outbox().size(), 30u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_document"), 30);
}

// Issue 20 #9: two writers at once on SQLite. The first reads, waits, then writes (as an
// approval does); the second writes meanwhile. Before, the second committed and the first then
// failed at once with "database is locked" (a reader turning writer after another's commit);
// now the second queues behind the first's write lock, and both commit. A reader of the journal
// goes on meanwhile.
TEST_F(Cli, TwoWritersAtOnceQueueInsteadOfFailing) {
  enable("good", "cartera");
  ASSERT_EQ(as("ana", {"good", "recall"}).code, 0); // the module's table exists before the race
  const pid_t first = cartera::testing::spawn_cartera(
      work_.path(), {"--user", "ana", "good", "remember", "--key", "a", "--after-ms", "1500"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const Outcome journal = as("luis", {"runs", "--format", "csv"});
  EXPECT_EQ(journal.code, 0) << journal.err;
  const Outcome second = as("ana", {"good", "remember", "--key", "b"});
  EXPECT_EQ(second.code, 0) << second.err;
  const Outcome reader = as("ana", {"good", "recall", "--format", "csv"});
  EXPECT_EQ(reader.code, 0) << reader.err;
  int status = 0;
  ::waitpid(first, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << cartera::testing::read_text(work_.path() / ".bg-stderr");
  EXPECT_EQ(count("SELECT COUNT(*) FROM good_memory"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE job = 'remember' AND status = 'ok'"), 2);
}

TEST_F(Cli, SigtermCancelsCleanly) {
  enable("good", "cartera");
  const pid_t pid = cartera::testing::spawn_cartera(work_.path(), {"--user", "ana", "good", "slow", "--count", "40"});
  wait_until_running();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_TRUE(contains(cartera::testing::read_text(work_.path() / ".bg-stderr"), "the run was cancelled"));
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM cartera_run WHERE status = 'failed'"), 1);
}

} // namespace

namespace {

TEST_F(Cli, ProgressIsDrawnOnATerminalAndNeverIntoAPipe) {
  enable("good", "cartera");
  // util-linux `script` gives the process a pseudo-terminal, as a person's shell would.
  const std::string cmd = "cd " + work_.path().string() +
                          " && script -qec '" CARTERA_BIN " --user ana good slow --count 4' /dev/null > tty.out 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string tty = cartera::testing::read_text(work_.path() / "tty.out");
  EXPECT_TRUE(contains(tty, "slow [")) << tty;
  EXPECT_TRUE(contains(tty, "100% 4/4")) << tty;
  const Outcome piped = as("ana", {"good", "slow", "--count", "4"});
  EXPECT_FALSE(contains(piped.err, "slow [")) << piped.err;
  EXPECT_FALSE(contains(piped.err, "\r")) << piped.err;
}

} // namespace
