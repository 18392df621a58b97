#include "base/failure.hpp"
#include "runtime/config/config.hpp"
#include "runtime/files/xml_schema.hpp"

#include "module_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace cartera::runtime;
namespace fs = std::filesystem;

namespace {
struct ConfigFile {
  ConfigFile(const std::string &body) : path(dir.path() / "cartera.xml") {
    std::ofstream(path) << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cartera xmlns=\"urn:cartera:config:1\">\n"
                        << body << "</cartera>\n";
  }
  cartera::testing::ModuleDir dir;
  fs::path path;
};

Config load(const std::optional<fs::path> &p) {
  SchemaSet schemas(CARTERA_SCHEMA_XML_DIR);
  InstallPaths install{"/opt/c/bin", "/opt/c/lib/cartera/plugins", "/opt/c/share/cartera/schemas"};
  return load_config(p, install, schemas);
}

std::string config_refusal(const std::string &body) {
  ConfigFile f(body);
  try {
    load(f.path);
  } catch (const Failure &e) {
    EXPECT_EQ(e.code(), ExitCode::kInputRefused);
    return e.what();
  }
  return "";
}
} // namespace

TEST(Config, DefaultsWithoutAFile) {
  const Config c = load(std::nullopt);
  EXPECT_TRUE(c.single_user_mode());
  EXPECT_EQ(c.module_dir, "/opt/c/lib/cartera/plugins");
  EXPECT_EQ(c.database_url, "sqlite3:" + (fs::current_path() / "cartera.db").string());
  ASSERT_EQ(c.departments.size(), 1u);
  EXPECT_EQ(c.departments[0].id, "cartera");
}

TEST(Config, ReadsEverythingAndResolvesRelativePathsAgainstItsFolder) {
  ConfigFile f(R"(  <database url="sqlite3:data/c.db"/>
  <modules dir="mods"/>
  <outbox dir="/srv/out"/>
  <departments><department id="cartera" name="Cartera"/><department id="sistemas" name="Sistemas"/></departments>
  <users><user id="ana" name="Ana" departments="cartera sistemas" roles="analyst it"/></users>
  <module-settings module="org.x"><setting key="k" value="v"/></module-settings>
)");
  const Config c = load(f.path);
  EXPECT_EQ(c.database_url, "sqlite3:" + (f.dir.path() / "data/c.db").string());
  EXPECT_EQ(c.module_dir, f.dir.path() / "mods");
  EXPECT_EQ(c.outbox_dir, "/srv/out");
  EXPECT_EQ(c.inbox_dir, f.dir.path() / "inbox");
  ASSERT_NE(c.find_user("ana"), nullptr);
  EXPECT_TRUE(c.find_user("ana")->has_role("it"));
  EXPECT_TRUE(c.find_user("ana")->in_department("sistemas"));
  EXPECT_EQ(c.module_settings.at("org.x").at("k"), "v");
  EXPECT_EQ(c.users_with_role("it").size(), 1u);
}

TEST(Config, SqlitesPageCacheIs64MbUnlessTheDatabaseSaysAndZeroIsRefused) {
  EXPECT_EQ(load(std::nullopt).sqlite_cache_mb, 64);
  ConfigFile f(R"(  <database url="sqlite3:c.db" cache-mb="512"/>
)");
  EXPECT_EQ(load(f.path).sqlite_cache_mb, 512);
  const std::string why = config_refusal(R"(  <database url="sqlite3:c.db" cache-mb="0"/>
)");
  EXPECT_NE(why.find("cache-mb"), std::string::npos) << why;
}

TEST(Config, UnknownRoleIsRefusedWithFileAndLine) {
  const std::string why = config_refusal(R"(  <departments><department id="cartera" name="C"/></departments>
  <users><user id="ana" name="Ana" departments="cartera" roles="boss"/></users>
)");
  EXPECT_NE(why.find("cartera.xml:4:"), std::string::npos) << why;
  EXPECT_NE(why.find("boss"), std::string::npos) << why;
}

TEST(Config, UserInAnUndeclaredDepartmentIsRefusedWithLine) {
  const std::string why = config_refusal(R"(  <departments><department id="cartera" name="C"/></departments>
  <users>
    <user id="ana" name="Ana" departments="ventas" roles="analyst"/>
  </users>
)");
  EXPECT_NE(why.find("cartera.xml:5: user 'ana' names department 'ventas'"), std::string::npos) << why;
}

TEST(Config, DuplicateDepartmentIsRefused) {
  EXPECT_NE(config_refusal(R"(<departments><department id="a" name="A"/><department id="a" name="B"/></departments>
)")
                .find("cartera.xml"),
            std::string::npos);
}

TEST(Config, StarterConfigValidates) {
  cartera::testing::ModuleDir d;
  std::ofstream(d.path() / "cartera.xml") << starter_config_text("sistemas-os");
  const Config c = load(d.path() / "cartera.xml");
  EXPECT_FALSE(c.single_user_mode());
  EXPECT_EQ(c.users_with_role("it").size(), 1u);
}
