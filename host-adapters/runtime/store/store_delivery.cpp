// The exchange's queue in the runtime store: what each recipient is owed and where it stands.
#include "base/failure.hpp"
#include "runtime/store/store.hpp"
#include "runtime/store/store_call.hpp"

#include <fstream>
#include <sstream>

namespace cartera::runtime {

namespace {

using detail::db_call;

constexpr const char *kDeliveryColumns =
    "SELECT d.document_id, d.recipient, d.seq, d.state, d.attempts, d.next_attempt_at, d.last_error, d.created_at, "
    "d.delivered_at, d.answered_at, d.answer_number, d.answer_reason, c.doc_type, c.file_name, c.sha256 "
    "FROM cartera_delivery d JOIN cartera_document c ON c.document_id = d.document_id ";

Delivery delivery_of(const soci::row &r) {
  Delivery d;
  d.document_id = r.get<std::string>(0);
  d.recipient = r.get<std::string>(1);
  d.seq = r.get<long long>(2);
  d.state = r.get<std::string>(3);
  d.attempts = r.get<int>(4);
  d.next_attempt_at = r.get<std::string>(5);
  d.last_error = r.get<std::string>(6);
  d.created_at = r.get<std::string>(7);
  d.delivered_at = r.get<std::string>(8);
  d.answered_at = r.get<std::string>(9);
  d.answer_number = r.get<std::string>(10);
  d.answer_reason = r.get<std::string>(11);
  d.doc_type = r.get<std::string>(12);
  d.file_name = r.get<std::string>(13);
  d.sha256 = r.get<std::string>(14);
  return d;
}

} // namespace

std::string RuntimeStore::document_content(const std::string &document_id, const std::filesystem::path &outbox) {
  const auto [content, file] = db_call("reading a document", [&] {
    std::string c;
    std::string f;
    soci::indicator ic = soci::i_null;
    soci::indicator ifile = soci::i_null;
    session() << "SELECT content, file_name FROM cartera_document WHERE document_id = :d", soci::into(c, ic),
        soci::into(f, ifile), soci::use(document_id);
    return std::pair{ic == soci::i_ok ? c : std::string(), ifile == soci::i_ok ? f : std::string()};
  });
  if (!content.empty() || file.empty()) {
    return content;
  }
  std::ifstream in(outbox / file, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void RuntimeStore::enqueue_deliveries(const std::vector<std::pair<std::string, std::string>> &document_recipient,
                                      const std::string &at) {
  if (document_recipient.empty()) {
    return;
  }
  db_call("queueing deliveries", [&] {
    long long seq = 0;
    soci::indicator ind = soci::i_null;
    session() << "SELECT MAX(seq) FROM cartera_delivery", soci::into(seq, ind);
    if (ind != soci::i_ok) {
      seq = 0;
    }
    std::string document;
    std::string recipient;
    soci::statement st = (session().prepare << "INSERT INTO cartera_delivery (document_id, recipient, seq, state, "
                                               "next_attempt_at, created_at) VALUES (:d, :r, :s, 'pending', '', :c) "
                                               "ON CONFLICT (document_id, recipient) DO NOTHING",
                          soci::use(document), soci::use(recipient), soci::use(seq), soci::use(at));
    for (const auto &[d, r] : document_recipient) {
      document = d;
      recipient = r;
      ++seq;
      st.execute(true);
    }
    return 0;
  });
}

std::vector<Delivery> RuntimeStore::pending_deliveries(const std::string &recipient) {
  return db_call("reading the delivery queue", [&] {
    std::vector<Delivery> out;
    soci::rowset<soci::row> rs =
        (session().prepare << std::string(kDeliveryColumns) +
                                  "WHERE d.recipient = :r AND d.state = 'pending' ORDER BY d.seq, d.document_id",
         soci::use(recipient));
    for (const auto &r : rs) {
      out.push_back(delivery_of(r));
    }
    return out;
  });
}

std::vector<Delivery> RuntimeStore::deliveries(const std::string &state) {
  return db_call("reading the delivery queue", [&] {
    std::vector<Delivery> out;
    soci::rowset<soci::row> rs =
        (session().prepare << std::string(kDeliveryColumns) +
                                  "WHERE d.state = COALESCE(NULLIF(:s, ''), d.state) ORDER BY d.seq, d.recipient",
         soci::use(state));
    for (const auto &r : rs) {
      out.push_back(delivery_of(r));
    }
    return out;
  });
}

long long RuntimeStore::count_deliveries(const std::string &state) {
  return db_call("reading the delivery queue", [&] {
    long long n = 0;
    session() << "SELECT COUNT(*) FROM cartera_delivery WHERE state = :s", soci::into(n), soci::use(state);
    return n;
  });
}

std::optional<Delivery> RuntimeStore::find_delivery(const std::string &document_id, const std::string &recipient) {
  return db_call("reading the delivery queue", [&]() -> std::optional<Delivery> {
    soci::rowset<soci::row> rs =
        (session().prepare << std::string(kDeliveryColumns) + "WHERE d.document_id = :d AND d.recipient = :r",
         soci::use(document_id), soci::use(recipient));
    for (const auto &r : rs) {
      return delivery_of(r);
    }
    return std::nullopt;
  });
}

void RuntimeStore::record_delivered(const std::vector<std::string> &document_ids, const std::string &recipient,
                                    const std::string &at) {
  if (document_ids.empty()) {
    return;
  }
  db_call("recording deliveries", [&] {
    sql::WriteTransaction tr(session());
    std::string id;
    soci::statement st =
        (session().prepare << "UPDATE cartera_delivery SET state = 'delivered', attempts = attempts + 1, "
                              "delivered_at = :a, last_error = '' "
                              "WHERE document_id = :d AND recipient = :r AND state = 'pending'",
         soci::use(at), soci::use(id), soci::use(recipient));
    for (const auto &d : document_ids) {
      id = d;
      st.execute(true);
    }
    tr.commit();
    return 0;
  });
}

void RuntimeStore::record_failed_attempt(const std::string &document_id, const std::string &recipient,
                                         const std::string &error, const std::string &next_attempt_at) {
  db_call("recording a delivery attempt", [&] {
    sql::WriteTransaction tr(session());
    const std::string state = next_attempt_at.empty() ? "failed" : "pending";
    session() << "UPDATE cartera_delivery SET state = :s, attempts = attempts + 1, last_error = :e, "
                 "next_attempt_at = CASE WHEN :n = '' THEN next_attempt_at ELSE :n2 END "
                 "WHERE document_id = :d AND recipient = :r AND state = 'pending'",
        soci::use(state), soci::use(error), soci::use(next_attempt_at), soci::use(next_attempt_at),
        soci::use(document_id), soci::use(recipient);
    tr.commit();
    return 0;
  });
}

void RuntimeStore::record_answer(const std::string &document_id, const std::string &recipient, bool accepted,
                                 const std::string &number, const std::string &reason, const std::string &at) {
  db_call("recording an acknowledgement", [&] {
    const std::string state = accepted ? "acknowledged" : "rejected";
    // An answer proves delivery even when cartera died before recording it.
    session() << "UPDATE cartera_delivery SET state = :s, answered_at = :a, answer_number = :n, answer_reason = :w, "
                 "delivered_at = CASE WHEN delivered_at = '' THEN :a2 ELSE delivered_at END "
                 "WHERE document_id = :d AND recipient = :r",
        soci::use(state), soci::use(at), soci::use(number), soci::use(reason), soci::use(at), soci::use(document_id),
        soci::use(recipient);
    return 0;
  });
}

bool RuntimeStore::retry_delivery(const std::string &document_id, const std::string &recipient, const std::string &at) {
  return db_call("retrying a delivery", [&] {
    sql::WriteTransaction tr(session());
    soci::statement st = (session().prepare << "UPDATE cartera_delivery SET state = 'pending', next_attempt_at = :a, "
                                               "attempts = 0 WHERE document_id = :d AND recipient = :r AND state = "
                                               "'failed'",
                          soci::use(at), soci::use(document_id), soci::use(recipient));
    st.execute(true);
    const bool changed = st.get_affected_rows() > 0;
    tr.commit();
    return changed;
  });
}

} // namespace cartera::runtime
