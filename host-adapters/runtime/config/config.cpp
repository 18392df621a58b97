#include "runtime/config/config.hpp"

#include "base/failure.hpp"
#include "runtime/files/xml_schema.hpp"

#include <pugixml.hpp>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace cartera::runtime {

namespace fs = std::filesystem;

InstallPaths InstallPaths::from_executable() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    exe = fs::current_path() / "cartera";
  }
  InstallPaths p;
  p.bin_dir = exe.parent_path();
  const fs::path prefix = p.bin_dir.parent_path();
  p.module_dir = prefix / "lib" / "cartera" / "plugins";
  p.schema_dir = prefix / "share" / "cartera" / "schemas";
  p.adapter_dir = prefix / "share" / "cartera" / "adapters";
  return p;
}

bool User::in_department(const std::string &d) const {
  for (const auto &x : departments) {
    if (x == d) {
      return true;
    }
  }
  return false;
}

const User *Config::find_user(const std::string &id) const {
  for (const auto &u : users) {
    if (u.id == id) {
      return &u;
    }
  }
  return nullptr;
}

const User *Config::user_of_os_account(const std::string &os_account) const {
  for (const auto &u : users) {
    if (u.os_account == os_account) {
      return &u;
    }
  }
  return nullptr;
}

const Delegation *Config::find_delegation(const std::string &os_account) const {
  for (const auto &d : delegations) {
    if (d.os_account == os_account) {
      return &d;
    }
  }
  return nullptr;
}

const Department *Config::find_department(const std::string &id) const {
  for (const auto &d : departments) {
    if (d.id == id) {
      return &d;
    }
  }
  return nullptr;
}

std::vector<const User *> Config::users_with_role(const std::string &role) const {
  std::vector<const User *> out;
  for (const auto &u : users) {
    if (u.has_role(role)) {
      out.push_back(&u);
    }
  }
  return out;
}

namespace {

std::vector<std::string> split_words(const std::string &s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    out.push_back(w);
  }
  return out;
}

fs::path resolve(const fs::path &base, const std::string &value) {
  fs::path p(value);
  return p.is_absolute() ? p : (base / p).lexically_normal();
}

// sqlite3:RELATIVE is resolved against the config's folder; other URLs pass through.
std::string resolve_database(const fs::path &base, const std::string &url) {
  const std::string prefix = "sqlite3:";
  if (url.rfind(prefix, 0) == 0) {
    return prefix + resolve(base, url.substr(prefix.size())).string();
  }
  return url;
}

Config defaults(const InstallPaths &install) {
  Config c;
  const fs::path cwd = fs::current_path();
  c.database_url = "sqlite3:" + (cwd / "cartera.db").string();
  c.module_dir = install.module_dir;
  c.schema_dir = install.schema_dir;
  c.outbox_dir = cwd / "outbox";
  c.archive_dir = cwd / "archive";
  c.inbox_dir = cwd / "inbox";
  c.departments.push_back(Department{"cartera", "Cartera y cobranzas"});
  return c;
}

} // namespace

std::string utc_shift(const std::string &time_zone) {
  if (time_zone == "America/Bogota") {
    return "-300 minutes"; // UTC-5 all year since 1993 (GnuCash's own error with it: its adapter)
  }
  if (time_zone == "UTC" || time_zone.size() != 6) {
    return "+0 minutes";
  }
  const int minutes = std::stoi(time_zone.substr(1, 2)) * 60 + std::stoi(time_zone.substr(4, 2));
  std::string shift(1, time_zone[0] == '-' ? '-' : '+'); // not "-" + string: g++ 12 -O3 -Wrestrict
  shift += std::to_string(minutes);
  shift += " minutes";
  return shift;
}

Config load_config(const std::optional<fs::path> &path, const InstallPaths &install, SchemaSet &schemas) {
  Config c = defaults(install);
  if (!path) {
    return c;
  }
  std::ifstream in(*path, std::ios::binary);
  if (!in) {
    usage_error("cannot read configuration " + path->string());
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  schemas.validate(text, path->string(), "config.xsd");

  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) {
    refuse_input(path->string() + ": not well-formed XML");
  }
  const fs::path base = fs::absolute(*path).parent_path();
  c.source = fs::absolute(*path);
  const pugi::xml_node root = doc.document_element();
  if (auto n = root.child("database")) {
    c.database_url = resolve_database(base, n.attribute("url").value());
    c.sqlite_cache_mb = n.attribute("cache-mb").as_int(64);
  }
  if (auto n = root.child("host")) {
    c.host_adapter = n.attribute("adapter").value();
    if (auto db = n.attribute("database")) {
      c.host_database_url = resolve_database(base, db.value());
    }
    c.time_zone = n.attribute("time-zone").as_string("America/Bogota");
  }
  c.saturday_is_business_day = std::string_view(root.child("calendar").attribute("saturdays").value()) == "business";
  if (auto n = root.child("modules")) {
    c.module_dir = resolve(base, n.attribute("dir").value());
  }
  c.outbox_dir = resolve(base, root.child("outbox") ? root.child("outbox").attribute("dir").value() : "outbox");
  c.inbox_dir = resolve(base, root.child("inbox") ? root.child("inbox").attribute("dir").value() : "inbox");
  c.archive_dir = resolve(base, root.child("archive") ? root.child("archive").attribute("dir").value() : "archive");
  if (auto mail = root.child("mail")) {
    const auto smtp = mail.child("smtp");
    c.mail.from_address = mail.attribute("from").value();
    c.mail.from_name = mail.attribute("from-name").value();
    c.mail.reply_to = mail.attribute("reply-to").value();
    c.mail.smtp_host = smtp.attribute("host").value();
    c.mail.smtp_port = static_cast<std::uint16_t>(smtp.attribute("port").as_uint(25));
    c.mail.tls = smtp.attribute("tls").as_string("if-offered");
    if (auto ca = smtp.attribute("ca-file")) {
      c.mail.ca_file = resolve(base, ca.value()).string();
    }
    c.mail.username = smtp.attribute("username").value();
    c.mail.password_env = smtp.attribute("password-env").value();
    c.mail.timeout_seconds = smtp.attribute("timeout-seconds").as_int(30);
  }
  if (auto deps = root.child("departments")) {
    c.departments.clear();
    for (auto d : deps.children("department")) {
      c.departments.push_back(Department{d.attribute("id").value(), d.attribute("name").value()});
    }
  }
  for (auto u : root.child("users").children("user")) {
    User user;
    user.id = u.attribute("id").value();
    user.name = u.attribute("name").value();
    user.departments = split_words(u.attribute("departments").value());
    for (auto &r : split_words(u.attribute("roles").value())) {
      user.roles.insert(r);
    }
    const auto line = line_of_offset(text, u.offset_debug());
    for (const auto &d : user.departments) {
      if (c.find_department(d) == nullptr) {
        refuse_input(path->string() + ":" + std::to_string(line) + ": user '" + user.id + "' names department '" + d +
                     "', which is not declared in <departments>");
      }
    }
    if (c.find_user(user.id) != nullptr) {
      refuse_input(path->string() + ":" + std::to_string(line) + ": user '" + user.id + "' is declared twice");
    }
    user.os_account = u.attribute("os-account") ? u.attribute("os-account").value() : user.id;
    if (const User *other = c.user_of_os_account(user.os_account)) {
      refuse_input(path->string() + ":" + std::to_string(line) + ": user '" + user.id +
                   "' maps operating-system account '" + user.os_account + "', which user '" + other->id +
                   "' maps already (os-account defaults to the id)");
    }
    c.users.push_back(std::move(user));
  }
  for (auto a : root.child("users").children("os-account")) {
    Delegation d;
    d.os_account = a.attribute("name").value();
    const auto line = line_of_offset(text, a.offset_debug());
    for (auto &id : split_words(a.attribute("acts-for").value())) {
      if (id == "*") {
        d.any = true;
      } else if (c.find_user(id) == nullptr) {
        refuse_input(path->string() + ":" + std::to_string(line) + ": os-account '" + d.os_account +
                     "' acts for user '" + id + "', which is not declared in <users>");
      } else {
        d.acts_for.insert(id);
      }
    }
    c.delegations.push_back(std::move(d));
  }
  for (auto r : root.child("exchange").children("recipient")) {
    Recipient rec;
    rec.id = r.attribute("id").value();
    for (auto &d : split_words(r.attribute("documents").value())) {
      rec.documents.insert(d);
    }
    rec.max_attempts = r.attribute("max-attempts").as_int(8);
    rec.retry_after_seconds = r.attribute("retry-after-seconds").as_int(30);
    rec.token_sha256 = r.attribute("token-sha256").value();
    if (auto f = r.child("folder")) {
      rec.transport = Recipient::Transport::kFolder;
      rec.dir = resolve(base, f.attribute("dir").value());
    } else if (auto h = r.child("http")) {
      rec.transport = Recipient::Transport::kHttp;
      rec.url = h.attribute("url").value();
      if (auto ca = h.attribute("ca-file")) {
        rec.ca_file = resolve(base, ca.value());
      }
      rec.timeout_seconds = h.attribute("timeout-seconds").as_int(10);
    } else if (auto t = r.child("table")) {
      rec.transport = Recipient::Transport::kTable;
      rec.database_url = resolve_database(base, t.attribute("database").value());
      rec.table = t.attribute("name").value();
    }
    c.recipients.push_back(std::move(rec));
  }
  for (auto m : root.children("module-settings")) {
    auto &settings = c.module_settings[m.attribute("module").value()];
    for (auto s : m.children("setting")) {
      settings[s.attribute("key").value()] = s.attribute("value").value();
    }
  }
  return c;
}

const Recipient *Config::find_recipient(const std::string &id) const {
  for (const auto &r : recipients) {
    if (r.id == id) {
      return &r;
    }
  }
  return nullptr;
}

std::string starter_config_text(const std::string &it_os_account) {
  std::string text = R"(<?xml version="1.0" encoding="UTF-8"?>
<!--
  cartera.xml: the host's configuration. Written by `cartera init`; edit it to suit.
  Relative paths are relative to this file's folder. Validated against
  share/cartera/schemas/xml/config.xsd every time cartera starts.
-->
<cartera xmlns="urn:cartera:config:1">
  <!-- The database that holds cartera's own tables (and, for the reference host, the
       receivables): sqlite3:PATH, postgresql://USER@HOST:PORT/DB or odbc:DSN=NAME. -->
  <database url="sqlite3:cartera.db"/>

  <!-- Which host adapter maps the ERP's tables to the named operations modules use.
       reference: the receivables live in cartera's database (cartera host import).
       gnucash: a GnuCash 4.x book, read-only; cartera's own state stays in <database>:
         <host adapter="gnucash" database="sqlite3:empresa.gnucash" time-zone="America/Bogota"/> -->
  <host adapter="reference"/>

  <!-- Terms in business days (petition deadlines, due dates moved by C.Co. art. 829) skip
       Sundays and Colombian holidays, and Saturdays unless saturdays="business". -->
  <calendar saturdays="rest"/>

  <!-- Modules are loaded from this folder only. Leave it out to use the installed
       <prefix>/lib/cartera/plugins. -->
  <!-- <modules dir="/usr/lib/cartera/plugins"/> -->

  <!-- Documents for treasury, accounting and customers land here (atomic write and
       rename); acknowledgements are read from the inbox. -->
  <outbox dir="outbox"/>
  <inbox dir="inbox"/>

  <!-- Every document made for a customer (statements, letters, requests, responses) is kept
       once in its folder: archive/<customer>/<yyyy>/<mm>/. -->
  <archive dir="archive"/>

  <!-- Statements go out by e-mail through this server, only inside the contact hours of
       Ley 2300 de 2023 (Monday to Friday 07:00-19:00, Saturday 08:00-15:00, never on Sundays
       or holidays). The password comes from the environment, never from this file.
  <mail from="cartera@empresa.com.co" from-name="Cartera - Empresa S.A.">
    <smtp host="smtp.empresa.com.co" port="587" tls="required" username="cartera"
          password-env="CARTERA_SMTP_PASSWORD"/>
  </mail>
  -->

  <!-- IT enables modules per department with "cartera modules enable". -->
  <departments>
    <department id="cartera" name="Cartera y cobranzas"/>
    <department id="contabilidad" name="Contabilidad"/>
    <department id="tesoreria" name="Tesorería"/>
    <department id="sistemas" name="Sistemas"/>
  </departments>

  <!-- Roles: analyst, lead (reviews and approves), it (enables modules), ombudsman,
       accounting, treasury. With no users at all, cartera runs in single-user mode and the
       caller has every role.
       Who is calling is the operating-system account cartera runs under, mapped to one user
       here (os-account; the user's id when absent); nobody becomes another user by saying so.
       An account that runs jobs for others (a scheduler's service account) is listed with
       <os-account name="ACCOUNT" acts-for="*"/> (or the user ids it may act for), and then
       names the user it acts for on the command line; the journal and the audit trail
       name both. -->
  <users>
    <user id="analista" name="Analista de cartera" departments="cartera" roles="analyst"/>
    <user id="coordinador" name="Coordinador de cartera" departments="cartera" roles="lead"/>
    <user id="sistemas" name="Soporte de sistemas" departments="sistemas cartera" roles="it"
          os-account="@IT_ACCOUNT@"/>
  </users>

  <!-- Settings a module reads with get_config:
  <module-settings module="org.cartera.collections">
    <setting key="buckets" value="30,60,90,180,360"/>
  </module-settings>
  -->
</cartera>
)";
  text.replace(text.find("@IT_ACCOUNT@"), 12, it_os_account);
  return text;
}

} // namespace cartera::runtime
