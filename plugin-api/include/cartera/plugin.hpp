// cartera/plugin.hpp — header-only C++ layer over cartera/abi.h for module authors.
//
// What it gives a module:
//  - CARTERA_PLUGIN(...) defines the one exported entry symbol and a static const
//    descriptor from a C++ class;
//  - noexcept trampolines for create/destroy/handle/self_test: an exception thrown by the
//    module becomes a status code plus message (cartera::Error keeps its code; bad_alloc
//    becomes CARTERA_E_OUT_OF_MEMORY; anything else CARTERA_E_INTERNAL with what());
//  - a job table: a module lists its jobs once, name -> member function (cartera::Job), and
//    the handle callback dispatches to them;
//  - cartera::Context, a typed view of the host services for the current call;
//  - cartera::Operation, an RAII named operation with typed binds, and its columns read by
//    name: resolved once (cartera::Column), then read row by row by position with the type
//    checked (the reads by index check the type too; column(i) alone is the raw value, for
//    copying a row on).
//
// Nothing here is part of the binary interface: it compiles into the module, so it can
// change between releases without breaking already-built modules.
#pragma once

#include <cartera/abi.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace cartera {

constexpr cartera_str str(std::string_view s) noexcept {
  return cartera_str{s.data(), s.size()};
}
constexpr std::string_view view(cartera_str s) noexcept {
  return s.ptr == nullptr ? std::string_view{} : std::string_view{s.ptr, s.len};
}

// An error with a status code. Thrown anywhere in a module, it becomes the call's result.
class Error : public std::runtime_error {
public:
  Error(cartera_status code, const std::string &message, std::string detail = {})
      : std::runtime_error(message), code_(code), detail_(std::move(detail)) {}
  [[nodiscard]] cartera_status code() const noexcept { return code_; }
  [[nodiscard]] const std::string &detail() const noexcept { return detail_; }

private:
  cartera_status code_;
  std::string detail_;
};

// A civil date as the ABI carries it: days since 1970-01-01.
struct Date {
  std::int64_t days = 0;
  friend constexpr bool operator==(Date, Date) = default;
  friend constexpr auto operator<=>(Date, Date) = default;
};

// An amount in centavos.
struct Centavos {
  std::int64_t value = 0;
  friend constexpr bool operator==(Centavos, Centavos) = default;
  friend constexpr auto operator<=>(Centavos, Centavos) = default;
};

inline cartera_value make_value(std::int64_t v) noexcept {
  return cartera_value{CARTERA_TYPE_INTEGER, 0, v, {}};
}
inline cartera_value make_value(Centavos v) noexcept {
  return cartera_value{CARTERA_TYPE_CENTAVOS, 0, v.value, {}};
}
inline cartera_value make_value(Date v) noexcept {
  return cartera_value{CARTERA_TYPE_DATE, 0, v.days, {}};
}
inline cartera_value make_value(bool v) noexcept {
  return cartera_value{CARTERA_TYPE_BOOLEAN, 0, v ? 1 : 0, {}};
}
inline cartera_value make_value(std::string_view v) noexcept {
  return cartera_value{CARTERA_TYPE_TEXT, 0, 0, str(v)};
}
inline cartera_value null_value() noexcept {
  return cartera_value{CARTERA_TYPE_NULL, 0, 0, {}};
}

namespace detail {
inline void check(cartera_status status, std::string_view what) {
  if (status != CARTERA_OK) {
    throw Error(status, std::string(what) + " failed with status " + std::to_string(status));
  }
}

// The ABI type tag each C++ column type reads.
template <class T> struct ColumnTag;
template <> struct ColumnTag<std::string_view> { static constexpr std::int32_t kType = CARTERA_TYPE_TEXT; };
template <> struct ColumnTag<std::int64_t> { static constexpr std::int32_t kType = CARTERA_TYPE_INTEGER; };
template <> struct ColumnTag<Centavos> { static constexpr std::int32_t kType = CARTERA_TYPE_CENTAVOS; };
template <> struct ColumnTag<Date> { static constexpr std::int32_t kType = CARTERA_TYPE_DATE; };
template <> struct ColumnTag<bool> { static constexpr std::int32_t kType = CARTERA_TYPE_BOOLEAN; };

constexpr std::string_view type_word(std::int32_t type) noexcept {
  switch (type) {
  case CARTERA_TYPE_NULL:
    return "NULL";
  case CARTERA_TYPE_INTEGER:
    return "integer";
  case CARTERA_TYPE_CENTAVOS:
    return "centavos";
  case CARTERA_TYPE_DATE:
    return "date";
  case CARTERA_TYPE_TEXT:
    return "text";
  case CARTERA_TYPE_BOOLEAN:
    return "boolean";
  default:
    return "of an unknown type";
  }
}

template <class T> T from_value(const cartera_value &v) noexcept {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return view(v.s);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return v.i;
  } else if constexpr (std::is_same_v<T, bool>) {
    return v.i != 0;
  } else {
    return T{v.i};
  }
}

// One name per column type of a columns<T...>(...) call.
template <class> using ColumnName = std::string_view;
} // namespace detail

// Text as a column reads it: borrowed until the next step.
using Text = std::string_view;

// What a column can be read as: Text, std::int64_t, Centavos, Date or bool, one per ABI type.
template <class T>
concept ColumnType = requires {
  detail::ColumnTag<T>::kType;
};

// A column of an operation, found by name once (Operation::column) and then read on every row
// by position: per row, the cost is the host's op_column and one comparison of types.
template <ColumnType T> class Column {
public:
  [[nodiscard]] constexpr std::uint32_t index() const noexcept { return index_; }

private:
  friend class Operation;
  constexpr explicit Column(std::uint32_t index) noexcept : index_(index) {}
  std::uint32_t index_;
};

// A named operation of the host adapter, prepared for one call. Not copyable; finalized
// when it goes out of scope.
class Operation {
public:
  // A failure keeps the host's status (UNSUPPORTED: not declared in the manifest, or not in
  // the adapter; INTERNAL, DATABASE, OUT_OF_MEMORY: the host's own trouble); the host has
  // recorded its reason with set_error and adds it to this message, whose code is the same.
  Operation(const cartera_host_services *host, cartera_call *call, std::string_view name) : host_(host), name_(name) {
    const cartera_status s = host_->op_prepare(call, str(name), &op_);
    if (s != CARTERA_OK) {
      throw Error(s,
                  "operation '" + name_ + (s == CARTERA_E_UNSUPPORTED ? "' is not available" : "' cannot be prepared"));
    }
  }
  Operation(const Operation &) = delete;
  Operation &operator=(const Operation &) = delete;
  ~Operation() { host_->op_finalize(op_); }

  [[nodiscard]] const std::string &name() const noexcept { return name_; }

  template <class T> Operation &bind(std::string_view param, const T &v) {
    cartera_value value = make_value(v);
    detail::check(host_->op_bind(op_, str(param), &value), "binding '" + std::string(param) + "'");
    return *this;
  }
  Operation &bind_null(std::string_view param) {
    cartera_value value = null_value();
    detail::check(host_->op_bind(op_, str(param), &value), "binding '" + std::string(param) + "'");
    return *this;
  }
  Operation &add_row() {
    detail::check(host_->op_add_row(op_), "adding a row");
    return *this;
  }
  std::int64_t execute() {
    std::int64_t affected = 0;
    detail::check(host_->op_execute(op_, &affected), "executing an operation");
    return affected;
  }
  // True while there is a row; false at the end.
  bool step() {
    cartera_status s = host_->op_step(op_);
    if (s == CARTERA_ROW) {
      return true;
    }
    if (s == CARTERA_DONE) {
      return false;
    }
    detail::check(s, "reading a row");
    return false;
  }

  // --- Columns by name ------------------------------------------------------------------
  // The column the operation's catalog names `name`, to be read as T. Resolved once, any time
  // after the operation is prepared (before or after execute); an operation without that
  // column is CARTERA_E_UNSUPPORTED, naming the columns it has.
  template <ColumnType T> [[nodiscard]] Column<T> column(std::string_view name) const {
    return Column<T>(find_column(name));
  }
  // Several at once: auto [invoice, amount] = op.columns<cartera::Text, cartera::Centavos>("invoice_id", "amount");
  template <ColumnType... T> [[nodiscard]] std::tuple<Column<T>...> columns(detail::ColumnName<T>... names) const {
    return std::tuple<Column<T>...>(column<T>(names)...);
  }
  // The current row's value. A NULL, or a value of another type than T, is an error
  // (CARTERA_E_INTERNAL) naming the operation and the column: a NULL is never read as 0 or "".
  template <ColumnType T> [[nodiscard]] T operator[](Column<T> c) const {
    const cartera_value v = column(c.index());
    if (v.type != detail::ColumnTag<T>::kType) [[unlikely]] {
      wrong_type(c.index(), v.type, detail::ColumnTag<T>::kType);
    }
    return detail::from_value<T>(v);
  }
  template <ColumnType T> [[nodiscard]] T get(Column<T> c) const { return (*this)[c]; }
  // The value, or nullopt for a NULL; another type than T is still an error.
  template <ColumnType T> [[nodiscard]] std::optional<T> optional(Column<T> c) const {
    const cartera_value v = column(c.index());
    if (v.type == CARTERA_TYPE_NULL) {
      return std::nullopt;
    }
    if (v.type != detail::ColumnTag<T>::kType) [[unlikely]] {
      wrong_type(c.index(), v.type, detail::ColumnTag<T>::kType);
    }
    return detail::from_value<T>(v);
  }
  template <ColumnType T> [[nodiscard]] T value_or(Column<T> c, std::type_identity_t<T> fallback) const {
    return optional(c).value_or(fallback);
  }
  template <ColumnType T> [[nodiscard]] bool is_null(Column<T> c) const {
    return column(c.index()).type == CARTERA_TYPE_NULL;
  }
  // The value as the ABI carries it, NULL included, type-checked: for passing a column on to
  // a result row unchanged. Text is borrowed until the next step.
  template <ColumnType T> [[nodiscard]] cartera_value value(Column<T> c) const {
    const cartera_value v = column(c.index());
    if (v.type != CARTERA_TYPE_NULL && v.type != detail::ColumnTag<T>::kType) [[unlikely]] {
      wrong_type(c.index(), v.type, detail::ColumnTag<T>::kType);
    }
    return v;
  }

  // --- Columns by position (what the handles above are built on) --------------------------
  // By name (above) is the way to read a column: no module reads by position any more. column(i)
  // is the value as the host gives it, NULL included and unchecked: for a job that copies an
  // operation's rows to its result unchanged, column i to column i. The typed reads check as the
  // named ones do: a NULL, or a value of another type than the read's (integer(i) of a text
  // column, text(i) of a date), is an error (CARTERA_E_INTERNAL) naming the operation and the
  // column's index and name; never a 0 or "" read from what is not there.
  [[nodiscard]] cartera_value column(std::uint32_t index) const {
    cartera_value out{};
    detail::check(host_->op_column(op_, index, &out), "reading column " + std::to_string(index));
    return out;
  }
  [[nodiscard]] bool is_null(std::uint32_t index) const { return column(index).type == CARTERA_TYPE_NULL; }
  [[nodiscard]] std::int64_t integer(std::uint32_t index) const { return at<std::int64_t>(index); }
  [[nodiscard]] Centavos centavos(std::uint32_t index) const { return at<Centavos>(index); }
  [[nodiscard]] Date date(std::uint32_t index) const { return at<Date>(index); }
  [[nodiscard]] bool boolean(std::uint32_t index) const { return at<bool>(index); }
  // Borrowed until the next step.
  [[nodiscard]] std::string_view text(std::uint32_t index) const { return at<std::string_view>(index); }

private:
  template <ColumnType T> [[nodiscard]] T at(std::uint32_t index) const {
    const cartera_value v = column(index);
    if (v.type != detail::ColumnTag<T>::kType) [[unlikely]] {
      wrong_type(index, v.type, detail::ColumnTag<T>::kType, true);
    }
    return detail::from_value<T>(v);
  }

  [[nodiscard]] std::string column_name(std::uint32_t index) const {
    cartera_str out{};
    return host_->op_column_name(op_, index, &out) == CARTERA_OK ? std::string(view(out)) : "#" + std::to_string(index);
  }

  [[nodiscard]] std::uint32_t find_column(std::string_view name) const {
    const std::uint32_t count = host_->op_column_count(op_);
    std::string has;
    for (std::uint32_t i = 0; i < count; ++i) {
      cartera_str n{};
      detail::check(host_->op_column_name(op_, i, &n), "reading the name of column " + std::to_string(i));
      if (view(n) == name) {
        return i;
      }
      has += (i == 0 ? "" : ", ") + std::string(view(n));
    }
    throw Error(CARTERA_E_UNSUPPORTED, "operation '" + name_ + "' has no column '" + std::string(name) + "' (" +
                                           (count == 0 ? std::string("it has none") : "its columns: " + has) + ")");
  }

  // A value of another type than the read's, or a NULL: named by the column's name when it was
  // read by name ("column 'amount'"), by its index and name when read by position ("column 1
  // ('amount')").
  [[noreturn]] void wrong_type(std::uint32_t index, std::int32_t is, std::int32_t wanted,
                               bool by_position = false) const {
    const std::string col =
        by_position ? std::to_string(index) + " ('" + column_name(index) + "')" : "'" + column_name(index) + "'";
    if (is == CARTERA_TYPE_NULL) {
      throw Error(CARTERA_E_INTERNAL, "operation '" + name_ + "': column " + col + " is NULL where a " +
                                          std::string(detail::type_word(wanted)) + " value is read (" +
                                          (by_position ? "check is_null first" : "read it as optional") + ")");
    }
    throw Error(CARTERA_E_INTERNAL, "operation '" + name_ + "': column " + col + " is " +
                                        std::string(detail::type_word(is)) + ", read as " +
                                        std::string(detail::type_word(wanted)));
  }

  const cartera_host_services *host_;
  std::string name_;
  cartera_op *op_ = nullptr;
};

// The host services for one call, with C++ types. Valid for the duration of the call.
class Context {
public:
  Context(const cartera_host_services *host, cartera_call *call) noexcept : host_(host), call_(call) {}

  [[nodiscard]] const cartera_host_services *host() const noexcept { return host_; }
  [[nodiscard]] cartera_call *call() const noexcept { return call_; }

  void log(int32_t level, std::string_view message) const noexcept { host_->log(call_, level, str(message)); }
  void info(std::string_view message) const noexcept { log(CARTERA_LOG_INFO, message); }
  void warn(std::string_view message) const noexcept { log(CARTERA_LOG_WARNING, message); }
  void progress(std::uint64_t done, std::uint64_t total, std::string_view label) const noexcept {
    host_->progress(call_, done, total, str(label));
  }
  [[nodiscard]] bool cancelled() const noexcept { return host_->is_cancelled(call_) != 0; }
  void throw_if_cancelled() const {
    if (cancelled()) {
      throw Error(CARTERA_E_CANCELLED, "the run was cancelled");
    }
  }

  [[nodiscard]] std::optional<cartera_value> param(std::string_view name) const {
    cartera_value out{};
    cartera_status s = host_->get_param(call_, str(name), &out);
    if (s == CARTERA_E_NOT_FOUND) {
      return std::nullopt;
    }
    detail::check(s, "reading parameter '" + std::string(name) + "'");
    return out;
  }
  [[nodiscard]] std::optional<std::string> text_param(std::string_view name) const {
    auto v = param(name);
    return v ? std::optional<std::string>(std::string(view(v->s))) : std::nullopt;
  }
  [[nodiscard]] std::optional<Date> date_param(std::string_view name) const {
    auto v = param(name);
    return v ? std::optional<Date>(Date{v->i}) : std::nullopt;
  }
  [[nodiscard]] std::optional<std::int64_t> integer_param(std::string_view name) const {
    auto v = param(name);
    return v ? std::optional<std::int64_t>(v->i) : std::nullopt;
  }
  [[nodiscard]] bool flag(std::string_view name) const {
    auto v = param(name);
    return v && v->i != 0;
  }
  [[nodiscard]] std::optional<std::string> config(std::string_view key) const {
    cartera_str out{};
    cartera_status s = host_->get_config(call_, str(key), &out);
    if (s == CARTERA_E_NOT_FOUND) {
      return std::nullopt;
    }
    detail::check(s, "reading setting '" + std::string(key) + "'");
    return std::string(view(out));
  }
  // A setting the job cannot do without (cartera.xml <module-settings>): absent or empty, the
  // job is refused as a configuration problem, CARTERA_E_INPUT_REJECTED, which the host turns
  // into exit 3 (README "Exit codes"), not a usage error: the caller's command line was fine.
  [[nodiscard]] std::string required_config(std::string_view key, std::string_view why) const {
    std::optional<std::string> v = config(key);
    if (!v || v->empty()) {
      throw Error(CARTERA_E_INPUT_REJECTED,
                  "setting '" + std::string(key) + "' is missing (cartera.xml <module-settings>); " + std::string(why));
    }
    return std::move(*v);
  }
  // A setting whose value the module cannot use: the same configuration refusal (exit 3).
  [[noreturn]] static void refuse_config(std::string_view key, std::string_view value, std::string_view expected) {
    throw Error(CARTERA_E_INPUT_REJECTED, "setting '" + std::string(key) + "' is " + std::string(expected) + ", not '" +
                                              std::string(value) + "' (cartera.xml <module-settings>)");
  }
  [[nodiscard]] std::int64_t now_utc_us() const noexcept { return host_->now_utc_us(call_); }
  [[nodiscard]] std::string request_id() const { return std::string(view(host_->request_id(call_))); }

  void emit_document(std::string_view type, std::string_view key, std::string_view content) const {
    detail::check(host_->emit_document(call_, str(type), str(key), str(content)),
                  "emitting a '" + std::string(type) + "' document");
  }
  void columns(const std::vector<cartera_column> &cols) const {
    detail::check(host_->result_columns(call_, cols.data(), static_cast<std::uint32_t>(cols.size())),
                  "declaring result columns");
  }
  void row(const std::vector<cartera_value> &values) const { row(values.data(), values.size()); }
  // The same without a vector: a buffer the job fills again for every row.
  void row(const cartera_value *values, std::size_t count) const {
    detail::check(host_->result_row(call_, values, static_cast<std::uint32_t>(count)), "adding a result row");
  }
  void output(std::string_view media_type, std::string_view chunk) const {
    detail::check(host_->emit_output(call_, str(media_type), str(chunk)), "writing output");
  }
  [[nodiscard]] Operation operation(std::string_view name) const { return Operation(host_, call_, name); }

  // The host's business calendar (ABI 1.1): a module that uses it sets abi_minor_required = 1,
  // so an older host refuses it at load; the check here is for a module that did not.
  [[nodiscard]] bool is_business_day(Date date) const {
    const std::int32_t r = calendar()->is_business_day(call_, date.days);
    if (r < 0) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "the business calendar does not cover day " + std::to_string(date.days));
    }
    return r != 0;
  }
  // n business days after date (n < 0: before; 0: date itself or the next business day). The
  // host answers date unchanged when the walk leaves its calendar (abi.h): an error here.
  [[nodiscard]] Date add_business_days(Date date, std::int32_t n) const {
    const std::int64_t r = calendar()->add_business_days(call_, date.days, n);
    if (r == date.days && (n != 0 || calendar()->is_business_day(call_, date.days) < 0)) {
      throw Error(CARTERA_E_INVALID_ARGUMENT, "the business calendar does not cover " + std::to_string(n) +
                                                  " business days from day " + std::to_string(date.days));
    }
    return Date{r};
  }

  // The customer's folder and the contact channels (ABI 1.2; a module using them sets
  // abi_minor_required = 2). A rendering people read, archived beside the emitted document
  // (doc_type, key): a PDF, an HTML page.
  void attach_rendition(std::string_view doc_type, std::string_view key, std::string_view file_name,
                        std::string_view media_type, std::string_view content) const {
    detail::check(
        since_1_2()->attach_rendition(call_, str(doc_type), str(key), str(file_name), str(media_type), str(content)),
        "attaching a rendition");
  }
  // A message owed to a customer, sent by the host only inside the legal contact windows.
  struct Message {
    std::string_view customer, channel, address, key, subject, body;
    std::string_view attach_doc_type, attach_key, attach_media_type; // empty: nothing attached
  };
  void queue_message(const Message &m) const {
    cartera_message c{sizeof(cartera_message), 0,
                      str(m.customer),         str(m.channel),
                      str(m.address),          str(m.key),
                      str(m.subject),          str(m.body),
                      str(m.attach_doc_type),  str(m.attach_key),
                      str(m.attach_media_type)};
    detail::check(since_1_2()->queue_message(call_, &c), "queueing a message");
  }
  // Whether the customer may be contacted on channel now; when not, *earliest_utc_us (if given)
  // is the first instant allowed.
  [[nodiscard]] bool contact_allowed(std::string_view customer, std::string_view channel,
                                     std::int64_t *earliest_utc_us = nullptr) const {
    const std::int32_t r = since_1_2()->contact_check(call_, str(customer), str(channel), earliest_utc_us);
    if (r < 0) {
      throw Error(CARTERA_E_INVALID_ARGUMENT,
                  "the host cannot check contacts on channel '" + std::string(channel) + "'");
    }
    return r != 0;
  }

private:
  [[nodiscard]] const cartera_host_services *since_1_2() const {
    if (host_->struct_size < offsetof(cartera_host_services, contact_check) + sizeof(host_->contact_check)) {
      throw Error(CARTERA_E_UNSUPPORTED, "this host has no archive or contact services (ABI 1.2 or newer needed)");
    }
    return host_;
  }
  [[nodiscard]] const cartera_host_services *calendar() const {
    if (host_->struct_size < offsetof(cartera_host_services, add_business_days) + sizeof(host_->add_business_days)) {
      throw Error(CARTERA_E_UNSUPPORTED, "this host has no business calendar (ABI 1.1 or newer needed)");
    }
    return host_;
  }

  const cartera_host_services *host_;
  cartera_call *call_;
};

// True when the host's table has field (offset check, for services added after 1.0).
#define CARTERA_HOST_HAS(ctx, field)                                                                                   \
  ((ctx).host()->struct_size >=                                                                                        \
   offsetof(cartera_host_services, field) + sizeof(((cartera_host_services *)nullptr)->field))

namespace detail {

inline void report(const cartera_host_services *host, cartera_call *call, cartera_status code, std::string_view message,
                   std::string_view detail_text = {}) noexcept {
  host->set_error(call, code, str(message), str(detail_text));
}

// Runs f, turning every exception into a status and a message recorded in call.
template <class F> cartera_status barrier(const cartera_host_services *host, cartera_call *call, F &&f) noexcept {
  try {
    f();
    return CARTERA_OK;
  } catch (const Error &e) {
    report(host, call, e.code(), e.what(), e.detail());
    return e.code();
  } catch (const std::bad_alloc &) {
    report(host, call, CARTERA_E_OUT_OF_MEMORY, "out of memory");
    return CARTERA_E_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    report(host, call, CARTERA_E_INTERNAL, e.what());
    return CARTERA_E_INTERNAL;
  } catch (...) {
    report(host, call, CARTERA_E_INTERNAL, "unknown exception");
    return CARTERA_E_INTERNAL;
  }
}

template <class Module> struct Instance {
  const cartera_host_services *host;
  Module module;
};

// The module's id (ModuleInfo::id), set by CARTERA_PLUGIN: its last part names the module in
// the message for a job it does not have ("org.cartera.collections" -> "collections").
template <class Module> inline constexpr std::string_view kModuleId{};

inline std::string module_word(std::string_view id) {
  const std::size_t dot = id.rfind('.');
  return id.empty() ? std::string("this module") : std::string(dot == std::string_view::npos ? id : id.substr(dot + 1));
}

} // namespace detail

// One row of a module's job table: the job's name as the manifest has it, and the function
// that runs it. The function is a member (static or not) of the module taking the call's
// Context and, optionally, the job's input document:
//   void aging(cartera::Context &ctx);                          // static or not, const or not
//   void import(cartera::Context &ctx, std::string_view input);  // static or not
// The table is a public static constexpr member of the module named kJobs, after the functions
// it names:
//   static constexpr cartera::Job<Collections> kJobs[] = {{"open-items", &Collections::open_items},
//                                                         {"aging", &Collections::aging}};
// The handle callback finds the job by name and runs it; a name not in the table is
// CARTERA_E_UNSUPPORTED, "collections has no job 'x'".
template <class Module> struct Job {
  using Member = void (Module::*)(Context &);
  using ConstMember = void (Module::*)(Context &) const;
  using MemberInput = void (Module::*)(Context &, std::string_view);
  using ConstMemberInput = void (Module::*)(Context &, std::string_view) const;
  using Static = void (*)(Context &);
  using StaticInput = void (*)(Context &, std::string_view);

  constexpr Job(std::string_view job, Member f) noexcept : name(job), member(f) {}
  constexpr Job(std::string_view job, ConstMember f) noexcept : name(job), const_member(f) {}
  constexpr Job(std::string_view job, MemberInput f) noexcept : name(job), member_input(f) {}
  constexpr Job(std::string_view job, ConstMemberInput f) noexcept : name(job), const_member_input(f) {}
  constexpr Job(std::string_view job, Static f) noexcept : name(job), static_fn(f) {}
  constexpr Job(std::string_view job, StaticInput f) noexcept : name(job), static_input(f) {}

  void run(Module &module, Context &ctx, std::string_view input) const {
    if (member != nullptr) {
      (module.*member)(ctx);
    } else if (const_member != nullptr) {
      (module.*const_member)(ctx);
    } else if (member_input != nullptr) {
      (module.*member_input)(ctx, input);
    } else if (const_member_input != nullptr) {
      (module.*const_member_input)(ctx, input);
    } else if (static_fn != nullptr) {
      static_fn(ctx);
    } else {
      static_input(ctx, input);
    }
  }

  std::string_view name;
  Member member = nullptr;
  ConstMember const_member = nullptr;
  MemberInput member_input = nullptr;
  ConstMemberInput const_member_input = nullptr;
  Static static_fn = nullptr;
  StaticInput static_input = nullptr;
};

namespace detail {

template <class Module>
concept HasJobTable = requires(Module &m, Context &c) {
  std::size(Module::kJobs);
  Module::kJobs[0].run(m, c, std::string_view{});
};
template <class Module>
concept HasRun = requires(Module &m, Context &c, std::string_view s) {
  m.run(c, s, s);
};

// Runs job through the module's job table, or its own run() when it has no table.
template <class Module> void dispatch(Module &module, Context &ctx, std::string_view job, std::string_view input) {
  static_assert(HasJobTable<Module> != HasRun<Module>,
                "a module has either a public job table (static constexpr cartera::Job<Module> kJobs[]) or a "
                "run(Context&, std::string_view job, std::string_view input) member, not both");
  if constexpr (HasJobTable<Module>) {
    for (const Job<Module> &j : Module::kJobs) {
      if (j.name == job) {
        j.run(module, ctx, input);
        return;
      }
    }
    throw Error(CARTERA_E_UNSUPPORTED, module_word(kModuleId<Module>) + " has no job '" + std::string(job) + "'");
  } else {
    module.run(ctx, job, input);
  }
}

// The C callbacks of a descriptor, generated for a module class with:
//   explicit Module(cartera::Context&);
//   a job table (kJobs, above) or void run(cartera::Context&, std::string_view job, std::string_view input);
// and optionally: void self_test(cartera::Context&);
template <class Module> struct Trampolines {
  static cartera_status create(const cartera_host_services *host, cartera_call *call, void **out_instance) noexcept {
    return barrier(host, call, [&] {
      Context ctx(host, call);
      // barrier() turns std::bad_alloc into CARTERA_E_OUT_OF_MEMORY.
      *out_instance = new Instance<Module>{host, Module(ctx)}; // NOLINT(bugprone-unhandled-exception-at-new)
    });
  }
  static void destroy(void *instance) noexcept {
    // Destructors must not throw; if one does, noexcept turns it into terminate, which is
    // preferable to unwinding into the host.
    delete static_cast<Instance<Module> *>(instance);
  }
  static cartera_status handle(void *instance, cartera_call *call, cartera_str job, cartera_str input) noexcept {
    auto *self = static_cast<Instance<Module> *>(instance);
    return barrier(self->host, call, [&] {
      Context ctx(self->host, call);
      dispatch(self->module, ctx, view(job), view(input));
    });
  }
  static cartera_status self_test(void *instance, cartera_call *call) noexcept {
    auto *self = static_cast<Instance<Module> *>(instance);
    return barrier(self->host, call, [&] {
      Context ctx(self->host, call);
      self->module.self_test(ctx);
    });
  }
};

template <class Module>
concept HasSelfTest = requires(Module &m, Context &c) {
  m.self_test(c);
};

} // namespace detail

// What a module states about itself; everything else of the descriptor is derived.
struct ModuleInfo {
  std::string_view id;
  std::string_view version;
  std::string_view display_name;
  std::string_view vendor;
  std::string_view license;
  std::uint64_t capabilities = 0;
  const cartera_doc_type *doc_types = nullptr;
  std::uint32_t doc_type_count = 0;
  std::uint32_t flags = 0;
  std::uint16_t abi_minor_required = 0;
};

// A module's identity as its manifest template declares it, written there once:
// cartera_add_module() generates <target>_identity.hpp from the template, holding
// cartera_identity::kIdentity (and the document-type table it points to). The manifest's
// minor-built is not here: the descriptor takes CARTERA_ABI_MINOR from the header it is
// compiled with, and cartera_add_module stamps the same value into the manifest.
struct ModuleIdentity {
  std::string_view id;                         // <plugin id>
  std::string_view name;                       // <plugin name>
  std::string_view version;                    // <plugin version>
  std::string_view display_name;               // <display-name>
  std::uint16_t abi_minor_required = 0;        // <abi minor-required>
  std::uint64_t capabilities = 0;              // each <capability>, as CARTERA_CAP_*
  const cartera_doc_type *doc_types = nullptr; // each <document-type>: name, namespace, direction
  std::uint32_t doc_type_count = 0;
};

// The ModuleInfo of a module whose identity comes from its manifest; what the manifest does
// not say (vendor, licence, flags) is given here:
//   #include "interest_identity.hpp"
//   constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");
constexpr ModuleInfo module_info(const ModuleIdentity &identity, std::string_view vendor, std::string_view license,
                                 std::uint32_t flags = 0) {
  return ModuleInfo{.id = identity.id,
                    .version = identity.version,
                    .display_name = identity.display_name,
                    .vendor = vendor,
                    .license = license,
                    .capabilities = identity.capabilities,
                    .doc_types = identity.doc_types,
                    .doc_type_count = identity.doc_type_count,
                    .flags = flags,
                    .abi_minor_required = identity.abi_minor_required};
}

template <class Module> constexpr cartera_plugin_descriptor describe(const ModuleInfo &info) {
  cartera_status (*self_test)(void *, cartera_call *) = nullptr;
  if constexpr (detail::HasSelfTest<Module>) {
    self_test = &detail::Trampolines<Module>::self_test;
  }
  return cartera_plugin_descriptor{
      sizeof(cartera_plugin_descriptor),
      CARTERA_ABI_MAJOR,
      CARTERA_ABI_MINOR,
      info.abi_minor_required,
      0,
      info.flags,
      str(info.id),
      str(info.version),
      str(info.display_name),
      str(info.vendor),
      str(info.license),
      info.capabilities,
      info.doc_types,
      info.doc_type_count,
      0,
      &detail::Trampolines<Module>::create,
      &detail::Trampolines<Module>::destroy,
      &detail::Trampolines<Module>::handle,
      self_test,
  };
}

constexpr cartera_doc_type doc_out(std::string_view name, std::string_view ns) {
  return cartera_doc_type{str(name), str(ns), CARTERA_DOC_OUT, 0};
}
constexpr cartera_doc_type doc_in(std::string_view name, std::string_view ns) {
  return cartera_doc_type{str(name), str(ns), CARTERA_DOC_IN, 0};
}

} // namespace cartera

// Defines the module's exported entry point. INFO is a constant expression of type
// cartera::ModuleInfo. The descriptor is constant-initialised: no code runs at load time.
// Used once per module, at namespace scope.
#define CARTERA_PLUGIN(MODULE_CLASS, INFO)                                                                             \
  template <> [[maybe_unused]] inline constexpr std::string_view cartera::detail::kModuleId<MODULE_CLASS> = (INFO).id; \
  extern "C" CARTERA_PLUGIN_EXPORT const cartera_plugin_descriptor *cartera_plugin_entry_v1(void) {                    \
    static constexpr cartera_plugin_descriptor descriptor = ::cartera::describe<MODULE_CLASS>(INFO);                   \
    return &descriptor;                                                                                                \
  }
