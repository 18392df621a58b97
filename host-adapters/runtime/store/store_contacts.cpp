// The archive index, the messages owed to customers and the contact log
// (schemas/sql/runtime/*/004_archive_contacts.sql).
#include "runtime/store/store.hpp"
#include "runtime/store/store_call.hpp"

namespace cartera::runtime {

using detail::db_call;

namespace {

ArchiveEntry archive_entry_of(const soci::row &r) {
  ArchiveEntry e;
  e.path = r.get<std::string>(0);
  e.customer_id = r.get<std::string>(1);
  e.doc_type = r.get<std::string>(2);
  e.period = r.get<std::string>(3);
  e.media_type = r.get<std::string>(4);
  e.document_id = r.get<std::string>(5);
  e.sha256 = r.get<std::string>(6);
  e.size_bytes = r.get<long long>(7);
  e.run_id = r.get<std::string>(8);
  e.created_by = r.get<std::string>(9);
  e.created_at = r.get<std::string>(10);
  return e;
}

constexpr const char *kMessageColumns = "message_id, module_id, customer_id, channel, address, msg_key, subject, body, "
                                        "attachment, state, attempts, not_before, last_result, run_id, created_at, "
                                        "sent_at";

MessageEntry message_of(const soci::row &r) {
  MessageEntry m;
  m.message_id = r.get<std::string>(0);
  m.module_id = r.get<std::string>(1);
  m.customer_id = r.get<std::string>(2);
  m.channel = r.get<std::string>(3);
  m.address = r.get<std::string>(4);
  m.key = r.get<std::string>(5);
  m.subject = r.get<std::string>(6);
  m.body = r.get<std::string>(7);
  m.attachment = r.get<std::string>(8);
  m.state = r.get<std::string>(9);
  m.attempts = r.get<int>(10);
  m.not_before = r.get<std::string>(11);
  m.last_result = r.get<std::string>(12);
  m.run_id = r.get<std::string>(13);
  m.created_at = r.get<std::string>(14);
  m.sent_at = r.get<std::string>(15);
  return m;
}

void insert_contact(soci::session &s, const ContactEntry &c) {
  int reached = c.reached ? 1 : 0;
  s << "INSERT INTO cartera_contact (customer_id, channel, address, at, local_at, reached, result, message_id, "
       "user_id, note) VALUES (:c, :ch, :a, :at, :l, :r, :res, :m, :u, :n)",
      soci::use(c.customer_id), soci::use(c.channel), soci::use(c.address), soci::use(c.at), soci::use(c.local_at),
      soci::use(reached), soci::use(c.result), soci::use(c.message_id), soci::use(c.user_id), soci::use(c.note);
}

} // namespace

std::size_t RuntimeStore::record_archive(const std::vector<ArchiveEntry> &entries) {
  if (entries.empty()) {
    return 0;
  }
  return db_call("indexing the archive", [&] {
    std::size_t fresh = 0;
    ArchiveEntry e;
    soci::statement st =
        (session().prepare << "INSERT INTO cartera_archive (path, customer_id, doc_type, period, media_type, "
                              "document_id, sha256, size_bytes, run_id, created_by, created_at) "
                              "VALUES (:p, :c, :t, :pe, :mt, :d, :h, :s, :r, :u, :at) ON CONFLICT (path) DO NOTHING",
         soci::use(e.path), soci::use(e.customer_id), soci::use(e.doc_type), soci::use(e.period),
         soci::use(e.media_type), soci::use(e.document_id), soci::use(e.sha256), soci::use(e.size_bytes),
         soci::use(e.run_id), soci::use(e.created_by), soci::use(e.created_at));
    for (const auto &entry : entries) {
      e = entry;
      st.execute(true);
      fresh += st.get_affected_rows() > 0 ? 1 : 0;
    }
    return fresh;
  });
}

std::vector<ArchiveEntry> RuntimeStore::archive_entries(const std::string &customer_id) {
  return db_call("reading the archive index", [&] {
    std::vector<ArchiveEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT path, customer_id, doc_type, period, media_type, document_id, sha256, "
                              "size_bytes, run_id, created_by, created_at FROM cartera_archive "
                              "WHERE :c = '' OR customer_id = :c2 ORDER BY customer_id, period, path",
         soci::use(customer_id), soci::use(customer_id));
    for (const auto &r : rs) {
      out.push_back(archive_entry_of(r));
    }
    return out;
  });
}

std::size_t RuntimeStore::record_messages(const std::vector<MessageEntry> &messages) {
  if (messages.empty()) {
    return 0;
  }
  return db_call("queueing messages", [&] {
    std::size_t fresh = 0;
    MessageEntry m;
    soci::statement st =
        (session().prepare << "INSERT INTO cartera_message (message_id, module_id, customer_id, channel, address, "
                              "msg_key, subject, body, attachment, state, attempts, not_before, run_id, created_at) "
                              "VALUES (:i, :mo, :c, :ch, :a, :k, :s, :b, :at, 'queued', 0, :nb, :r, :cr) "
                              "ON CONFLICT (message_id) DO NOTHING",
         soci::use(m.message_id), soci::use(m.module_id), soci::use(m.customer_id), soci::use(m.channel),
         soci::use(m.address), soci::use(m.key), soci::use(m.subject), soci::use(m.body), soci::use(m.attachment),
         soci::use(m.not_before), soci::use(m.run_id), soci::use(m.created_at));
    for (const auto &message : messages) {
      m = message;
      st.execute(true);
      fresh += st.get_affected_rows() > 0 ? 1 : 0;
    }
    return fresh;
  });
}

std::vector<MessageEntry> RuntimeStore::due_messages(const std::string &now_iso) {
  return db_call("reading the message queue", [&] {
    std::vector<MessageEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << std::string("SELECT ") + kMessageColumns +
                                  " FROM cartera_message WHERE state = 'queued' AND (not_before = '' OR not_before <= "
                                  ":n) ORDER BY created_at, message_id",
         soci::use(now_iso));
    for (const auto &r : rs) {
      out.push_back(message_of(r));
    }
    return out;
  });
}

std::vector<MessageEntry> RuntimeStore::messages(const std::string &state) {
  return db_call("reading the message queue", [&] {
    std::vector<MessageEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << std::string("SELECT ") + kMessageColumns +
                                  " FROM cartera_message WHERE :s = '' OR state = :s2 ORDER BY created_at, message_id",
         soci::use(state), soci::use(state));
    for (const auto &r : rs) {
      out.push_back(message_of(r));
    }
    return out;
  });
}

void RuntimeStore::record_message_attempt(const MessageEntry &after, const ContactEntry *contact) {
  db_call("recording a message attempt", [&] {
    sql::WriteTransaction tr(session());
    session()
        << "UPDATE cartera_message SET state = :s, attempts = :a, not_before = :n, last_result = :r, sent_at = :t "
           "WHERE message_id = :i",
        soci::use(after.state), soci::use(after.attempts), soci::use(after.not_before), soci::use(after.last_result),
        soci::use(after.sent_at), soci::use(after.message_id);
    if (contact != nullptr) {
      insert_contact(session(), *contact);
    }
    tr.commit();
    return 0;
  });
}

void RuntimeStore::defer_message(const std::string &message_id, const std::string &not_before, const std::string &why) {
  db_call("deferring a message", [&] {
    session() << "UPDATE cartera_message SET not_before = :n, last_result = :r WHERE message_id = :i",
        soci::use(not_before), soci::use(why), soci::use(message_id);
    return 0;
  });
}

void RuntimeStore::log_contact(const ContactEntry &c) {
  db_call("recording a contact", [&] {
    insert_contact(session(), c);
    return 0;
  });
}

std::vector<ContactEntry> RuntimeStore::contacts(const std::string &customer_id, const std::string &since_iso) {
  return db_call("reading the contact log", [&] {
    std::vector<ContactEntry> out;
    soci::rowset<soci::row> rs =
        (session().prepare << "SELECT seq, customer_id, channel, address, at, local_at, reached, result, message_id, "
                              "user_id, note FROM cartera_contact WHERE (:c = '' OR customer_id = :c2) AND at >= :s "
                              "ORDER BY at, seq",
         soci::use(customer_id), soci::use(customer_id), soci::use(since_iso));
    for (const auto &r : rs) {
      ContactEntry c;
      c.seq = r.get_properties(0).get_data_type() == soci::dt_integer ? r.get<int>(0) : r.get<long long>(0);
      c.customer_id = r.get<std::string>(1);
      c.channel = r.get<std::string>(2);
      c.address = r.get<std::string>(3);
      c.at = r.get<std::string>(4);
      c.local_at = r.get<std::string>(5);
      c.reached = r.get<int>(6) != 0;
      c.result = r.get<std::string>(7);
      c.message_id = r.get<std::string>(8);
      c.user_id = r.get<std::string>(9);
      c.note = r.get<std::string>(10);
      out.push_back(std::move(c));
    }
    return out;
  });
}

} // namespace cartera::runtime
