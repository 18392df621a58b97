// The queue of documents filed in their customers' folders after their run
// (schemas/sql/runtime/*/005_archive_pending.sql).
#include "runtime/store/store.hpp"
#include "runtime/store/store_call.hpp"

namespace cartera::runtime {

using detail::db_call;

void RuntimeStore::queue_filings(const std::string &run_id, const FilingRequest &request, const std::string &at) {
  db_call("queueing documents for the customers' folders", [&] {
    // One statement for a run's documents of the type (an approval's 90,000 receipts): its
    // new documents are exactly those recorded under its run id.
    session() << "INSERT INTO cartera_archive_pending (document_id, customer_path, period_path, queued_at) "
                 "SELECT document_id, :c, :p, :a FROM cartera_document WHERE run_id = :r AND module_id = :m AND "
                 "doc_type = :t ON CONFLICT (document_id) DO NOTHING",
        soci::use(request.customer_path), soci::use(request.period_path), soci::use(at), soci::use(run_id),
        soci::use(request.module_id), soci::use(request.doc_type);
  });
}

std::vector<PendingFiling> RuntimeStore::pending_filings(const std::string &after_document_id, std::size_t limit) {
  return db_call("reading the documents waiting for the customers' folders", [&] {
    std::vector<PendingFiling> out;
    const long long n = static_cast<long long>(limit);
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT d.document_id, d.doc_type, d.doc_key, d.sha256, d.run_id, "
                              "r.user_id, d.created_at, d.content, p.customer_path, p.period_path "
                              "FROM cartera_archive_pending p "
                              "JOIN cartera_document d ON d.document_id = p.document_id "
                              "JOIN cartera_run r ON r.run_id = d.run_id "
                              "WHERE p.document_id > :a ORDER BY p.document_id LIMIT :n",
         soci::use(after_document_id), soci::use(n));
    for (const auto &row : rs) {
      PendingFiling f;
      f.document_id = row.get<std::string>(0);
      f.doc_type = row.get<std::string>(1);
      f.doc_key = row.get<std::string>(2);
      f.sha256 = row.get<std::string>(3);
      f.run_id = row.get<std::string>(4);
      f.created_by = row.get<std::string>(5);
      f.created_at = row.get<std::string>(6);
      f.content = row.get<std::string>(7);
      f.customer_path = row.get<std::string>(8);
      f.period_path = row.get<std::string>(9);
      out.push_back(std::move(f));
    }
    return out;
  });
}

long long RuntimeStore::count_pending_filings() {
  return db_call("counting the documents waiting for the customers' folders", [&] {
    long long n = 0;
    session() << "SELECT COUNT(*) FROM cartera_archive_pending", soci::into(n);
    return n;
  });
}

void RuntimeStore::record_filings(const std::vector<ArchiveEntry> &entries,
                                  const std::vector<std::string> &document_ids) {
  db_call("indexing filed documents", [&] {
    sql::WriteTransaction tr(session());
    record_archive(entries);
    std::string id;
    soci::statement st =
        (session().prepare << "DELETE FROM cartera_archive_pending WHERE document_id = :d", soci::use(id));
    for (const auto &d : document_ids) {
      id = d;
      st.execute(true);
    }
    tr.commit();
  });
}

} // namespace cartera::runtime
