#include "runtime/store/store.hpp"

#include "base/failure.hpp"
#include "runtime/store/store_call.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace cartera::runtime {

using detail::db_call;

RuntimeStore::RuntimeStore(const std::string &url, const std::filesystem::path &sql_root, const std::string &now_iso,
                           int sqlite_cache_mb)
    : db_(sql::open_database(url, sql::Access::kReadWrite, sqlite_cache_mb)) {
  sql::migrate(db_, "runtime", sql_root, now_iso);
}

bool RuntimeStore::is_enabled(const std::string &module_id, const std::string &department) {
  return db_call("reading module enablement", [&] {
    int n = 0;
    session() << "SELECT COUNT(*) FROM cartera_module_enablement WHERE module_id = :m AND department = :d",
        soci::into(n), soci::use(module_id), soci::use(department);
    return n > 0;
  });
}

std::vector<Enablement> RuntimeStore::enablements() {
  return db_call("reading module enablement", [&] {
    std::vector<Enablement> out;
    soci::rowset<soci::row> rs = (session().prepare << "SELECT module_id, department, enabled_by, enabled_at "
                                                       "FROM cartera_module_enablement ORDER BY module_id, department");
    for (const auto &r : rs) {
      out.push_back(
          Enablement{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)});
    }
    return out;
  });
}

bool RuntimeStore::enable(const std::string &module_id, const std::string &department, const std::string &user,
                          const std::string &user_department, const std::string &at) {
  return db_call("enabling module", [&] {
    sql::WriteTransaction tr(session());
    if (is_enabled(module_id, department)) {
      return false;
    }
    session() << "INSERT INTO cartera_module_enablement (module_id, department, enabled_by, enabled_at) "
                 "VALUES (:m, :d, :u, :t)",
        soci::use(module_id), soci::use(department), soci::use(user), soci::use(at);
    audit(AuditEntry{0, at, user, user_department, "module.enable", module_id, "department=" + department});
    tr.commit();
    return true;
  });
}

bool RuntimeStore::disable(const std::string &module_id, const std::string &department, const std::string &user,
                           const std::string &user_department, const std::string &at) {
  return db_call("disabling module", [&] {
    sql::WriteTransaction tr(session());
    if (!is_enabled(module_id, department)) {
      return false;
    }
    session() << "DELETE FROM cartera_module_enablement WHERE module_id = :m AND department = :d", soci::use(module_id),
        soci::use(department);
    audit(AuditEntry{0, at, user, user_department, "module.disable", module_id, "department=" + department});
    tr.commit();
    return true;
  });
}

void RuntimeStore::audit(const AuditEntry &e) {
  db_call("writing the audit trail", [&] {
    session() << "INSERT INTO cartera_audit (at, user_id, department, action, object, detail, os_account) "
                 "VALUES (:at, :u, :d, :a, :o, :x, :os)",
        soci::use(e.at), soci::use(e.user_id), soci::use(e.department), soci::use(e.action), soci::use(e.object),
        soci::use(e.detail), soci::use(os_account_);
    return 0;
  });
}

std::vector<AuditRow> RuntimeStore::audit_trail(int limit) {
  return db_call("reading the audit trail", [&] {
    std::vector<AuditRow> out;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT audit_seq, at, user_id, department, action, object, detail, os_account FROM "
                              "cartera_audit "
                              "ORDER BY audit_seq DESC LIMIT :n",
         soci::use(limit));
    for (const auto &r : rs) {
      AuditRow a;
      a.seq = r.get_properties(0).get_data_type() == soci::dt_integer ? r.get<int>(0) : r.get<long long>(0);
      a.at = r.get<std::string>(1);
      a.user_id = r.get<std::string>(2);
      a.department = r.get<std::string>(3);
      a.action = r.get<std::string>(4);
      a.object = r.get<std::string>(5);
      a.detail = r.get<std::string>(6);
      a.os_account = r.get<std::string>(7);
      out.push_back(std::move(a));
    }
    return out;
  });
}

namespace {
std::string this_host() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}
} // namespace

void RuntimeStore::mark_interrupted_runs(const std::string &at) {
  db_call("checking for interrupted runs", [&] {
    const std::string host = this_host();
    std::vector<std::string> dead;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT run_id, pid FROM cartera_run WHERE status = 'running' AND host_name = :h",
         soci::use(host));
    for (const auto &r : rs) {
      const long long pid =
          r.get_properties(1).get_data_type() == soci::dt_integer ? r.get<int>(1) : r.get<long long>(1);
      if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
        dead.push_back(r.get<std::string>(0));
      }
    }
    for (const auto &id : dead) {
      const std::string message = "the process ended before the run finished; nothing of it was committed";
      session() << "UPDATE cartera_run SET status = 'interrupted', finished_at = :t, message = :m WHERE run_id = :r",
          soci::use(at), soci::use(message), soci::use(id);
    }
    return 0;
  });
}

std::string RuntimeStore::begin_run(const RunEntry &start) {
  return db_call("starting the run journal", [&] {
    mark_interrupted_runs(start.started_at);
    const std::string host = this_host();
    const long long pid = ::getpid();
    // Two processes starting at once read the same count: the one whose insert finds the id
    // taken (it waited for the other's commit) counts again, one further each time.
    for (int skip = 0;; ++skip) {
      sql::WriteTransaction tr(session());
      int count = 0;
      session() << "SELECT COUNT(*) FROM cartera_run", soci::into(count);
      char id[32];
      std::snprintf(id, sizeof id, "R%07d", count + 1 + skip);
      std::string run_id = id;
      soci::statement insert =
          (session().prepare
               << "INSERT INTO cartera_run (run_id, module_id, module_version, job, parameters, user_id, "
                  "department, started_at, status, host_name, pid, os_account) VALUES (:r, :m, :v, :j, :p, "
                  ":u, :d, :s, 'running', :h, :pid, :os) ON CONFLICT (run_id) DO NOTHING",
           soci::use(run_id), soci::use(start.module_id), soci::use(start.module_version), soci::use(start.job),
           soci::use(start.parameters), soci::use(start.user_id), soci::use(start.department),
           soci::use(start.started_at), soci::use(host), soci::use(pid), soci::use(os_account_));
      insert.execute(true);
      if (insert.get_affected_rows() == 1 || skip >= 1000) {
        tr.commit();
        if (insert.get_affected_rows() != 1) {
          fail("no free run id after " + run_id);
        }
        return run_id;
      }
      tr.rollback();
    }
  });
}

void RuntimeStore::finish_run(const std::string &run_id, const std::string &status, const std::string &message,
                              const std::string &at) {
  db_call("finishing the run journal", [&] {
    session() << "UPDATE cartera_run SET status = :s, message = :m, finished_at = :t WHERE run_id = :r",
        soci::use(status), soci::use(message), soci::use(at), soci::use(run_id);
    return 0;
  });
}

std::vector<RunEntry> RuntimeStore::runs(int limit) {
  return db_call("reading the run journal", [&] {
    std::vector<RunEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT run_id, module_id, module_version, job, parameters, user_id, department, "
                              "started_at, COALESCE(finished_at, ''), status, message, os_account FROM cartera_run "
                              "ORDER BY run_id DESC LIMIT :n",
         soci::use(limit));
    for (const auto &r : rs) {
      RunEntry e;
      e.run_id = r.get<std::string>(0);
      e.module_id = r.get<std::string>(1);
      e.module_version = r.get<std::string>(2);
      e.job = r.get<std::string>(3);
      e.parameters = r.get<std::string>(4);
      e.user_id = r.get<std::string>(5);
      e.department = r.get<std::string>(6);
      e.started_at = r.get<std::string>(7);
      e.finished_at = r.get<std::string>(8);
      e.status = r.get<std::string>(9);
      e.message = r.get<std::string>(10);
      e.os_account = r.get<std::string>(11);
      out.push_back(std::move(e));
    }
    return out;
  });
}

std::string RuntimeStore::run_status(const std::string &run_id) {
  return db_call("reading the run journal", [&] {
    std::string status;
    soci::indicator ind = soci::i_null;
    session() << "SELECT status FROM cartera_run WHERE run_id = :r", soci::into(status, ind), soci::use(run_id);
    return ind == soci::i_ok ? status : std::string();
  });
}

bool RuntimeStore::archive_path_indexed(const std::string &path) {
  return db_call("reading the archive index", [&] {
    int n = 0;
    session() << "SELECT COUNT(*) FROM cartera_archive WHERE path = :p", soci::into(n), soci::use(path);
    return n > 0;
  });
}

bool RuntimeStore::document_exists(const std::string &document_id) {
  return db_call("reading the document index", [&] {
    int n = 0;
    session() << "SELECT COUNT(*) FROM cartera_document WHERE document_id = :d", soci::into(n), soci::use(document_id);
    return n > 0;
  });
}

void RuntimeStore::record_document(const DocumentEntry &d) {
  db_call("recording a document", [&] {
    session() << "INSERT INTO cartera_document (document_id, run_id, module_id, doc_type, doc_key, file_name, sha256, "
                 "size_bytes, created_at) VALUES (:i, :r, :m, :t, :k, :f, :h, :s, :c)",
        soci::use(d.document_id), soci::use(d.run_id), soci::use(d.module_id), soci::use(d.doc_type),
        soci::use(d.doc_key), soci::use(d.file_name), soci::use(d.sha256), soci::use(d.size_bytes),
        soci::use(d.created_at);
    return 0;
  });
}

std::vector<bool> RuntimeStore::record_new_documents(const std::vector<DocumentEntry> &docs) {
  return db_call("recording documents", [&] {
    std::vector<bool> fresh;
    fresh.reserve(docs.size());
    DocumentEntry d;
    int written = 0; // 1: no outbox file is owed (a recipient's transport takes the document)
    soci::statement st =
        (session().prepare
             << "INSERT INTO cartera_document (document_id, run_id, module_id, doc_type, doc_key, "
                "file_name, sha256, size_bytes, created_at, content, written) "
                "VALUES (:i, :r, :m, :t, :k, :f, :h, :s, :c, :x, :w) ON CONFLICT (document_id) DO NOTHING",
         soci::use(d.document_id), soci::use(d.run_id), soci::use(d.module_id), soci::use(d.doc_type),
         soci::use(d.doc_key), soci::use(d.file_name), soci::use(d.sha256), soci::use(d.size_bytes),
         soci::use(d.created_at), soci::use(d.content), soci::use(written));
    for (const auto &doc : docs) {
      d = doc;
      written = doc.to_outbox ? 0 : 1;
      st.execute(true);
      fresh.push_back(st.get_affected_rows() > 0);
    }
    return fresh;
  });
}

std::vector<DocumentEntry> RuntimeStore::unwritten_documents() {
  return db_call("reading the document index", [&] {
    std::vector<DocumentEntry> out;
    soci::rowset<soci::row> rs = (session().prepare << "SELECT document_id, file_name, content FROM cartera_document "
                                                       "WHERE written = 0 ORDER BY document_id");
    for (const auto &r : rs) {
      DocumentEntry d;
      d.document_id = r.get<std::string>(0);
      d.file_name = r.get<std::string>(1);
      d.content = r.get<std::string>(2);
      out.push_back(std::move(d));
    }
    return out;
  });
}

void RuntimeStore::mark_written(const std::vector<std::string> &document_ids) {
  db_call("recording written documents", [&] {
    sql::WriteTransaction tr(session());
    std::string id;
    soci::statement st =
        (session().prepare << "UPDATE cartera_document SET written = 1 WHERE document_id = :i", soci::use(id));
    for (const auto &d : document_ids) {
      id = d;
      st.execute(true);
    }
    tr.commit();
    return 0;
  });
}

std::vector<DocumentEntry> RuntimeStore::documents_of_run(const std::string &run_id) {
  return db_call("reading the document index", [&] {
    std::vector<DocumentEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT document_id, run_id, module_id, doc_type, doc_key, file_name, sha256, "
                              "created_at FROM cartera_document WHERE run_id = :r ORDER BY document_id",
         soci::use(run_id));
    for (const auto &r : rs) {
      DocumentEntry d;
      d.document_id = r.get<std::string>(0);
      d.run_id = r.get<std::string>(1);
      d.module_id = r.get<std::string>(2);
      d.doc_type = r.get<std::string>(3);
      d.doc_key = r.get<std::string>(4);
      d.file_name = r.get<std::string>(5);
      d.sha256 = r.get<std::string>(6);
      d.created_at = r.get<std::string>(7);
      out.push_back(std::move(d));
    }
    return out;
  });
}

} // namespace cartera::runtime
