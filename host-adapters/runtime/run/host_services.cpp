// The host-services table. Every entry is noexcept: a host exception is caught here and
// becomes a status code plus a message in the call, so nothing unwinds through module frames
// (DuckDB's ExtensionAccess rule).
#include "runtime/archive/archive.hpp"
#include "runtime/call/call.hpp"
#include "runtime/files/sha256.hpp"
#include "runtime/run/published_job.hpp"
#include "runtime/workers/document_work.hpp"
#include "sql/catalog.hpp"

#include <cartera/sdk/calendar.hpp>
#include <cartera/sdk/date.hpp>

#include <algorithm>
#include <new>
#include <string>

namespace cartera::runtime {

namespace {

std::string text(cartera_str s) {
  return s.ptr == nullptr ? std::string() : std::string(s.ptr, s.len);
}

template <class F> cartera_status guarded(cartera_call *call, F &&f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc &) {
    if (call != nullptr) {
      call->error_code = CARTERA_E_OUT_OF_MEMORY;
    }
    return CARTERA_E_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    if (call != nullptr) {
      call->record_error(CARTERA_E_INTERNAL, std::string("host: ") + e.what());
    }
    return CARTERA_E_INTERNAL;
  } catch (...) {
    if (call != nullptr) {
      call->record_error(CARTERA_E_INTERNAL, "host: unknown exception");
    }
    return CARTERA_E_INTERNAL;
  }
}

void svc_log(cartera_call *call, int32_t level, cartera_str msg) noexcept {
  guarded(call, [&] {
    if (call != nullptr && call->observer != nullptr) {
      call->observer->log(level, call->manifest != nullptr ? call->manifest->name : "", text(msg));
    }
    return CARTERA_OK;
  });
}

void svc_progress(cartera_call *call, uint64_t done, uint64_t total, cartera_str label) noexcept {
  guarded(call, [&] {
    if (call != nullptr && call->observer != nullptr) {
      call->observer->progress(done, total, text(label));
    }
    return CARTERA_OK;
  });
}

void svc_set_error(cartera_call *call, cartera_status code, cartera_str message, cartera_str detail) noexcept {
  guarded(call, [&] {
    if (call != nullptr) {
      std::string why = text(message);
      // A host service that failed said why ("host: archive: ... altered", a database's or a
      // publisher's reason); the module's wrapper often knows only the status. Keep both.
      if (call->error_from_host && call->error_code == code && !call->error_message.empty() &&
          why.find(call->error_message) == std::string::npos) {
        why += " (" + call->error_message + ")";
      }
      call->record_error(code, std::move(why), text(detail));
      call->error_from_host = false;
    }
    return CARTERA_OK;
  });
}

cartera_status svc_emit_document(cartera_call *call, cartera_str type, cartera_str key, cartera_str content) noexcept {
  return guarded(call, [&] {
    const std::string t = text(type);
    if (call->publishing) {
      call->record_error(CARTERA_E_UNSUPPORTED,
                         "a job run to publish rows for another module emits no documents ('" + t + "')");
      return CARTERA_E_UNSUPPORTED;
    }
    const DocTypeSpec *spec = call->manifest->find_doc_type(t);
    if (spec == nullptr || spec->direction != CARTERA_DOC_OUT) {
      call->record_error(CARTERA_E_UNSUPPORTED,
                         "document type '" + t + "' is not declared as an output in the manifest");
      return CARTERA_E_UNSUPPORTED;
    }
    if (key.len == 0) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "a '" + t + "' document was emitted without a key");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    call->documents.push_back(EmittedDocument{t, text(key), text(content)});
    call->document_index.emplace(t + '\0' + call->documents.back().key, call->documents.size() - 1);
    if (call->work != nullptr) {
      call->work->emitted(call->documents.size() - 1);
    }
    return CARTERA_OK;
  });
}

cartera_status svc_result_columns(cartera_call *call, const cartera_column *cols, uint32_t count) noexcept {
  return guarded(call, [&] {
    if (call->columns_declared) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "result columns were already declared");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    if (count == 0 || cols == nullptr) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "result_columns needs at least one column");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    for (uint32_t i = 0; i < count; ++i) {
      call->columns.push_back(ResultColumn{text(cols[i].name), cols[i].type});
    }
    call->columns_declared = true;
    if (call->sink != nullptr) {
      call->sink->columns(call->columns);
    }
    return CARTERA_OK;
  });
}

cartera_status svc_result_row(cartera_call *call, const cartera_value *values, uint32_t count) noexcept {
  return guarded(call, [&] {
    if (!call->columns_declared || count != call->columns.size() || (count > 0 && values == nullptr)) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "result row has " + std::to_string(count) + " values; " +
                                                         std::to_string(call->columns.size()) +
                                                         " columns were declared");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    std::vector<OwnedValue> row;
    row.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      if (values[i].type != CARTERA_TYPE_NULL && values[i].type != call->columns[i].type) {
        call->record_error(CARTERA_E_INVALID_ARGUMENT, "column '" + call->columns[i].name + "' is " +
                                                           sql::type_word(call->columns[i].type) + ", value is " +
                                                           sql::type_word(values[i].type));
        return CARTERA_E_INVALID_ARGUMENT;
      }
      row.push_back(OwnedValue::from(values[i]));
    }
    ++call->rows;
    if (call->sink != nullptr) {
      call->sink->row(row);
    }
    return CARTERA_OK;
  });
}

cartera_status svc_emit_output(cartera_call *call, cartera_str media_type, cartera_str chunk) noexcept {
  return guarded(call, [&] {
    if (call->sink != nullptr) {
      call->sink->raw(text(media_type), std::string_view(chunk.ptr == nullptr ? "" : chunk.ptr, chunk.len));
    }
    return CARTERA_OK;
  });
}

cartera_status svc_get_param(cartera_call *call, cartera_str name, cartera_value *out) noexcept {
  return guarded(call, [&] {
    auto it = call->params.find(text(name));
    if (it == call->params.end()) {
      return CARTERA_E_NOT_FOUND;
    }
    *out = it->second.view();
    return CARTERA_OK;
  });
}

cartera_status svc_get_config(cartera_call *call, cartera_str key, cartera_str *out) noexcept {
  return guarded(call, [&] {
    if (call->settings == nullptr) {
      return CARTERA_E_NOT_FOUND;
    }
    auto it = call->settings->find(text(key));
    if (it == call->settings->end()) {
      return CARTERA_E_NOT_FOUND;
    }
    *out = cartera_str{it->second.data(), it->second.size()};
    return CARTERA_OK;
  });
}

int64_t svc_now_utc_us(cartera_call *call) noexcept {
  return call != nullptr ? call->now_us : 0;
}

cartera_str svc_request_id(cartera_call *call) noexcept {
  return call != nullptr ? cartera_str{call->request_id.data(), call->request_id.size()} : cartera_str{};
}

int32_t svc_is_cancelled(cartera_call *call) noexcept {
  return call != nullptr && call->cancel_flag != nullptr && call->cancel_flag->load() != 0 ? 1 : 0;
}

// The calendar covers 1984..2100 (Ley 51 de 1983 onwards); a date outside it is a module's
// bug or a typo in a file, and the log says which.
void calendar_warning(cartera_call *call, const std::string &what) noexcept {
  if (call == nullptr || call->observer == nullptr) {
    return;
  }
  try {
    call->observer->log(CARTERA_LOG_WARNING, call->manifest != nullptr ? call->manifest->name : "",
                        "the business calendar covers " + std::to_string(cartera::sdk::kFirstCalendarYear) + ".." +
                            std::to_string(cartera::sdk::kLastCalendarYear) + ", not " + what);
  } catch (...) { // NOLINT(bugprone-empty-catch): the answer the caller gets already says it
  }
}

bool calendar_covers(cartera_call *call, int64_t date) noexcept {
  // Compared as days: civil_from_days itself would overflow near the ends of int64.
  constexpr std::int64_t kFirst = cartera::sdk::days_from_civil({cartera::sdk::kFirstCalendarYear, 1, 1});
  constexpr std::int64_t kLast = cartera::sdk::days_from_civil({cartera::sdk::kLastCalendarYear, 12, 31});
  if (date >= kFirst && date <= kLast) {
    return true;
  }
  try {
    constexpr std::int64_t kPrintable = 2'000'000; // about 5,000 years either side of 1970
    calendar_warning(call, date > -kPrintable && date < kPrintable ? cartera::sdk::format_iso_date(date)
                                                                   : "day " + std::to_string(date));
  } catch (...) { // NOLINT(bugprone-empty-catch): formatting a date cannot fail in practice
  }
  return false;
}

int32_t svc_is_business_day(cartera_call *call, int64_t date) noexcept {
  if (call == nullptr || !calendar_covers(call, date)) {
    return -1;
  }
  return cartera::sdk::BusinessCalendar{call->saturday_is_business_day}.is_business_day(date) ? 1 : 0;
}

int64_t svc_add_business_days(cartera_call *call, int64_t date, int32_t n) noexcept {
  if (call == nullptr || !calendar_covers(call, date)) {
    return date;
  }
  const cartera::sdk::BusinessCalendar calendar{call->saturday_is_business_day};
  try {
    return n == 0 ? calendar.on_or_after(date) : calendar.add(date, n);
  } catch (const std::exception &) {
    // The walk stepped past the calendar's edge: say so, and answer as for a date outside it.
    calendar_warning(call, std::to_string(n) + " business days from day " + std::to_string(date));
    return date;
  }
}

cartera_status svc_op_prepare(cartera_call *call, cartera_str operation, cartera_op **out) noexcept {
  return guarded(call, [&] {
    *out = nullptr;
    const std::string name = text(operation);
    bool declared = false;
    for (const auto &op : call->manifest->operations) {
      declared = declared || op == name;
    }
    if (!declared) {
      call->record_error(CARTERA_E_UNSUPPORTED, "operation '" + name + "' is not declared in the module's manifest");
      return CARTERA_E_UNSUPPORTED;
    }
    // A job reaches only the operations its <uses> lists (abi.h, op_prepare): what the manifest
    // says a job reads or writes is what it can. Audited by the runner.
    if (call->job != nullptr &&
        std::find(call->job->operations.begin(), call->job->operations.end(), name) == call->job->operations.end()) {
      const std::string why = "job '" + call->job->name + "' of module '" + call->manifest->name +
                              "' does not declare operation '" + name + "' (<uses operation=\"" + name +
                              "\"/> in its manifest)";
      call->record_error(CARTERA_E_UNSUPPORTED, why);
      call->refusals.emplace_back(call->manifest->name + " " + call->job->name, why);
      return CARTERA_E_UNSUPPORTED;
    }
    if (call->data == nullptr || !call->data->has_operation(name)) {
      call->record_error(CARTERA_E_UNSUPPORTED, "the active host adapter does not implement operation '" + name + "'");
      return CARTERA_E_UNSUPPORTED;
    }
    auto op = std::make_unique<cartera_op>();
    op->call = call;
    op->impl = call->data->prepare(name);
    cartera_op *raw = op.get();
    call->ops.emplace(raw, std::move(op));
    *out = raw;
    return CARTERA_OK;
  });
}

// Operation failures are database failures unless the adapter said otherwise.
template <class F> cartera_status op_guarded(cartera_op *op, F &&f) noexcept {
  if (op == nullptr) {
    return CARTERA_E_INVALID_ARGUMENT;
  }
  return guarded(op->call, [&]() -> cartera_status {
    try {
      return f();
    } catch (const std::bad_alloc &) {
      throw;
    } catch (const PublishedJobError &e) {
      op->call->record_error(e.status(), e.what());
      return e.status();
    } catch (const std::exception &e) {
      op->call->record_error(CARTERA_E_DATABASE, e.what());
      return CARTERA_E_DATABASE;
    }
  });
}

cartera_status svc_op_bind(cartera_op *op, cartera_str param, const cartera_value *value) noexcept {
  return op_guarded(op, [&] {
    op->impl->bind(text(param), OwnedValue::from(*value));
    return CARTERA_OK;
  });
}

cartera_status svc_op_add_row(cartera_op *op) noexcept {
  return op_guarded(op, [&] {
    op->impl->add_row();
    return CARTERA_OK;
  });
}

cartera_status svc_op_execute(cartera_op *op, int64_t *affected) noexcept {
  return op_guarded(op, [&] {
    const int64_t n = op->impl->execute();
    if (affected != nullptr) {
      *affected = n;
    }
    return CARTERA_OK;
  });
}

cartera_status svc_op_step(cartera_op *op) noexcept {
  return op_guarded(op, [&] { return op->impl->step() ? CARTERA_ROW : CARTERA_DONE; });
}

uint32_t svc_op_column_count(cartera_op *op) noexcept {
  try {
    return op != nullptr ? op->impl->column_count() : 0;
  } catch (...) {
    return 0;
  }
}

cartera_status svc_op_column_name(cartera_op *op, uint32_t index, cartera_str *out) noexcept {
  return op_guarded(op, [&] {
    if (index >= op->impl->column_count()) {
      op->call->record_error(CARTERA_E_INVALID_ARGUMENT, "column index " + std::to_string(index) + " out of range");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    const std::string &n = op->impl->column_name(index);
    *out = cartera_str{n.data(), n.size()};
    return CARTERA_OK;
  });
}

cartera_status svc_op_column(cartera_op *op, uint32_t index, cartera_value *out) noexcept {
  return op_guarded(op, [&] {
    if (index >= op->impl->column_count()) {
      op->call->record_error(CARTERA_E_INVALID_ARGUMENT, "column index " + std::to_string(index) + " out of range");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    *out = op->impl->column(index);
    return CARTERA_OK;
  });
}

void svc_op_finalize(cartera_op *op) noexcept {
  if (op != nullptr && op->call != nullptr) {
    op->call->ops.erase(op);
  }
}

const std::size_t *find_emitted(cartera_call *call, const std::string &type, const std::string &key) {
  const auto it = call->document_index.find(type + '\0' + key);
  return it == call->document_index.end() ? nullptr : &it->second;
}

cartera_status svc_attach_rendition(cartera_call *call, cartera_str doc_type, cartera_str key, cartera_str file_name,
                                    cartera_str media_type, cartera_str content) noexcept {
  return guarded(call, [&] {
    const std::string t = text(doc_type);
    const std::string k = text(key);
    const std::size_t *doc = find_emitted(call, t, k);
    if (doc == nullptr) {
      call->record_error(CARTERA_E_NOT_FOUND, "no '" + t + "' document with key '" + k + "' was emitted to attach to");
      return CARTERA_E_NOT_FOUND;
    }
    const DocTypeSpec *spec = call->manifest->find_doc_type(t);
    if (spec == nullptr || spec->customer_path.empty()) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT,
                         "document type '" + t + "' names no customer in the manifest, so it is not archived");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    if (spec->archive_deferred) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "document type '" + t +
                                                         "' is filed after the run (archive=\"deferred\"), which "
                                                         "keeps no renditions");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    const std::string name = text(file_name);
    const std::string media = text(media_type);
    if (media.empty()) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "the rendition '" + name + "' needs a media type");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    try {
      (void)versioned_file_name(name, std::string(64, '0'));
    } catch (const std::invalid_argument &e) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, e.what());
      return CARTERA_E_INVALID_ARGUMENT;
    }
    if (call->work == nullptr) {
      call->record_error(CARTERA_E_UNSUPPORTED, "this call archives nothing");
      return CARTERA_E_UNSUPPORTED;
    }
    // Placed by the run's workers (its path and hash are theirs to fill), indexed at the
    // commit: a rendition is not validated, and a run that fails leaves a file the next run
    // adopts (runtime/archive/archive.hpp). The bytes are the module's only for this call: copied.
    call->renditions.push_back(Rendition{*doc, "", media, "", static_cast<long long>(content.len)});
    call->work->attached(*doc, call->renditions.back(), name,
                         std::string(content.ptr == nullptr ? "" : content.ptr, content.len));
    return CARTERA_OK;
  });
}

cartera_status svc_queue_message(cartera_call *call, const cartera_message *message) noexcept {
  return guarded(call, [&] {
    if (message == nullptr ||
        message->struct_size < offsetof(cartera_message, attach_media_type) + sizeof(cartera_str)) {
      call->record_error(CARTERA_E_ABI, "queue_message: the message struct is smaller than ABI 1.2's");
      return CARTERA_E_ABI;
    }
    if (call->publishing) {
      call->record_error(CARTERA_E_UNSUPPORTED, "a job run to publish rows for another module queues no messages");
      return CARTERA_E_UNSUPPORTED;
    }
    QueuedMessage m{text(message->customer),
                    text(message->channel),
                    text(message->address),
                    text(message->key),
                    text(message->subject),
                    text(message->body),
                    -1};
    if (m.channel != "email") {
      call->record_error(CARTERA_E_UNSUPPORTED, "channel '" + m.channel + "' is not one the host sends (email)");
      return CARTERA_E_UNSUPPORTED;
    }
    if (m.customer.empty() || m.address.empty() || m.key.empty() || m.subject.empty()) {
      call->record_error(CARTERA_E_INVALID_ARGUMENT, "a message needs a customer, an address, a key and a subject");
      return CARTERA_E_INVALID_ARGUMENT;
    }
    if (message->attach_doc_type.len > 0) {
      const std::string t = text(message->attach_doc_type);
      const std::string k = text(message->attach_key);
      const std::string media = text(message->attach_media_type);
      const std::size_t *doc = find_emitted(call, t, k);
      // The latest rendition of that type, looked for from the end: it is usually the last
      // one attached (a run of 100,000 statements and their e-mails stays linear).
      for (std::size_t i = call->renditions.size(); doc != nullptr && i-- > 0;) {
        if (call->renditions[i].document == *doc && call->renditions[i].media_type == media) {
          m.rendition = static_cast<std::ptrdiff_t>(i);
          break;
        }
      }
      if (m.rendition < 0) {
        call->record_error(CARTERA_E_NOT_FOUND, "no " + media + " rendition of '" + t + "' '" + k + "' to attach");
        return CARTERA_E_NOT_FOUND;
      }
    }
    call->messages.push_back(std::move(m));
    return CARTERA_OK;
  });
}

int32_t svc_contact_check(cartera_call *call, cartera_str customer, cartera_str channel,
                          int64_t *earliest_utc_us) noexcept {
  try {
    if (call == nullptr || call->contacts == nullptr) {
      return -1;
    }
    std::int64_t earliest = 0;
    const int verdict = call->contacts->check(text(customer), text(channel), call->now_us, &earliest);
    if (verdict == 0 && earliest_utc_us != nullptr) {
      *earliest_utc_us = earliest;
    }
    return verdict;
  } catch (...) {
    return -1;
  }
}

constexpr cartera_host_services kServices = {
    sizeof(cartera_host_services),
    CARTERA_ABI_MAJOR,
    CARTERA_ABI_MINOR,
    svc_log,
    svc_progress,
    svc_set_error,
    svc_emit_document,
    svc_result_columns,
    svc_result_row,
    svc_emit_output,
    svc_get_param,
    svc_get_config,
    svc_now_utc_us,
    svc_request_id,
    svc_is_cancelled,
    svc_op_prepare,
    svc_op_bind,
    svc_op_add_row,
    svc_op_execute,
    svc_op_step,
    svc_op_column_count,
    svc_op_column_name,
    svc_op_column,
    svc_op_finalize,
    svc_is_business_day,
    svc_add_business_days,
    svc_attach_rendition,
    svc_queue_message,
    svc_contact_check,
};

} // namespace

const cartera_host_services *host_services() noexcept {
  return &kServices;
}

} // namespace cartera::runtime
