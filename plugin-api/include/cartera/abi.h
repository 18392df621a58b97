/*
** cartera/abi.h — the stable binary interface between the cartera host and its modules.
**
** This header IS the specification. It is plain C (C99 and C++ both compile it alone) and
** depends only on <stddef.h> and <stdint.h>. Nothing C++ crosses it: no exceptions, no
** std:: types, no allocator hand-offs.
**
** Rules that hold for every declaration below:
**
**  - Versioning. ABI_MAJOR changes only when an existing field changes meaning, size or
**    place; a host refuses any other major. ABI_MINOR grows when fields are appended to a
**    struct. Structs carry their own size (struct_size) and only ever grow at the end, so an
**    older module sees a prefix of a newer table and a newer module can test, by size,
**    whether a field exists in the table it was given (CARTERA_HAS_FIELD).
**  - Strings are cartera_str: UTF-8 bytes with an explicit length, no NUL terminator
**    required. A string passed INTO a call is borrowed: valid only until that call returns.
**    Whoever keeps one, copies it.
**  - Ownership. Each side frees only what it allocated. Everything a module hands to the
**    host (messages, rows, documents) goes through host functions that copy at once.
**  - Errors. Functions return a cartera_status (int32_t). A module reports the reason for a
**    failure with host->set_error before returning the code. Exceptions never cross: the
**    C++ layer (plugin.hpp) converts them.
**  - A business refusal ("credit note declined") is a result document, not an error.
**  - Threading. Unless a module sets CARTERA_FLAG_REENTRANT, the host never calls one
**    instance from two threads at once.
**
** Every field says the version it appeared in ("since 1.0").
*/
#ifndef CARTERA_ABI_H
#define CARTERA_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The C ABI names its types cartera_snake_case; C++ naming rules do not apply here.
** NOLINTBEGIN(readability-identifier-naming) */

/* ---- Version ---------------------------------------------------------------------- */

#define CARTERA_ABI_MAJOR 1
#define CARTERA_ABI_MINOR 2

/* The one symbol a module exports. The major version is part of its name so that a host
** of another major can say "built for ABI 1.x" instead of "entry point not found". */
#define CARTERA_ENTRY_SYMBOL "cartera_plugin_entry_v1"

#if defined(_WIN32)
#define CARTERA_PLUGIN_EXPORT __declspec(dllexport)
#else
#define CARTERA_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Status codes (since 1.0; values are stable forever) --------------------------- */

typedef int32_t cartera_status;

#define CARTERA_OK 0
#define CARTERA_E_INVALID_ARGUMENT 1 /* a caller passed a bad value */
#define CARTERA_E_UNSUPPORTED 2      /* job, document type or service not offered */
#define CARTERA_E_INPUT_REJECTED 3   /* input failed schema or semantic validation */
#define CARTERA_E_DATABASE 4         /* the host's database failed */
#define CARTERA_E_TRANSIENT 5        /* retry may succeed: deadlock, timeout, lock */
#define CARTERA_E_OUT_OF_MEMORY 6
#define CARTERA_E_INTERNAL 7       /* a bug, or an exception caught at the boundary */
#define CARTERA_E_ABI 8            /* version or struct size mismatch */
#define CARTERA_E_CANCELLED 9      /* the run was cancelled (signal, shutdown) */
#define CARTERA_E_NOT_FOUND 10     /* a named item (parameter, setting) is absent */
#define CARTERA_E_NOT_PERMITTED 11 /* the caller's user or department may not do this */
/* Not errors: what op_step returns while a cursor has rows, and when it is exhausted. */
#define CARTERA_ROW 100
#define CARTERA_DONE 101
/* A host maps any code it does not know to CARTERA_E_INTERNAL. */

/* ---- Basic types (since 1.0) -------------------------------------------------------- */

/* UTF-8 text with explicit length. ptr may be NULL only when len is 0. */
typedef struct cartera_str {
  const char *ptr;
  size_t len;
} cartera_str;

/* The type of a parameter, setting, bound value or result column. */
#define CARTERA_TYPE_NULL 0
#define CARTERA_TYPE_INTEGER 1  /* i: any int64 */
#define CARTERA_TYPE_CENTAVOS 2 /* i: an amount of money in centavos (1/100 COP) */
#define CARTERA_TYPE_DATE 3     /* i: civil date, days since 1970-01-01 (proleptic Gregorian) */
#define CARTERA_TYPE_TEXT 4     /* s: UTF-8 text */
#define CARTERA_TYPE_BOOLEAN 5  /* i: 0 or 1 */

/* A typed value. Money is never floating point: amounts are integer centavos. */
typedef struct cartera_value {
  int32_t type;      /* CARTERA_TYPE_* */
  uint32_t reserved; /* zero */
  int64_t i;         /* INTEGER, CENTAVOS, DATE, BOOLEAN */
  cartera_str s;     /* TEXT; borrowed as described by the function that passes it */
} cartera_value;

/* A result column as a module declares it (result_columns). */
typedef struct cartera_column {
  cartera_str name; /* lower_snake, e.g. "days_past_due" */
  int32_t type;     /* CARTERA_TYPE_* */
  uint32_t reserved;
} cartera_column;

/* ---- Opaque host objects ------------------------------------------------------------ */

/* One run of one job: carries the transaction, the parameters, the output and the error
** slot. Valid from the host's call into the module until that call returns. */
typedef struct cartera_call cartera_call;

/* A prepared named operation and, after op_execute, its row cursor. */
typedef struct cartera_op cartera_op;

/* ---- Log levels (since 1.0) ---------------------------------------------------------- */

#define CARTERA_LOG_DEBUG 0
#define CARTERA_LOG_INFO 1
#define CARTERA_LOG_WARNING 2
#define CARTERA_LOG_ERROR 3

/* ---- Host services: host -> module (since 1.0) -------------------------------------- */

/* The table the host passes to create(). It stays valid until destroy() returns. Fields are
** only ever appended; test a field added after 1.0 with CARTERA_HAS_FIELD before use. All
** functions are safe to call from the thread the host called the module on. No function
** here throws or longjmps. */
/* A message owed to a customer (since 1.2; see queue_message). Every string is borrowed. */
typedef struct cartera_message {
  uint32_t struct_size; /* sizeof(cartera_message) as the module compiled it */
  uint32_t reserved;    /* 0 */
  cartera_str customer;
  cartera_str channel; /* "email" | "sms" */
  cartera_str address; /* the e-mail address or phone number */
  cartera_str key;     /* the module's idempotency key for this message */
  cartera_str subject;
  cartera_str body;            /* UTF-8 text */
  cartera_str attach_doc_type; /* empty: nothing attached */
  cartera_str attach_key;
  cartera_str attach_media_type;
} cartera_message;

typedef struct cartera_host_services {
  uint32_t struct_size; /* sizeof as compiled into the host (since 1.0) */
  uint16_t abi_major;   /* the host's CARTERA_ABI_MAJOR (since 1.0) */
  uint16_t abi_minor;   /* the host's CARTERA_ABI_MINOR (since 1.0) */

  /* Log a line to the run's log. The host copies msg. (since 1.0) */
  void (*log)(cartera_call *call, int32_t level, cartera_str msg);

  /* Report progress of a long job: done of total units (total 0 = unknown). label names
  ** the stage ("importing invoices"). The host copies it and may show a progress bar on a
  ** terminal. Cheap enough to call per row. (since 1.0) */
  void (*progress)(cartera_call *call, uint64_t done, uint64_t total, cartera_str label);

  /* Record why the call is about to fail. code is a CARTERA_E_*; message is for people
  ** (lower-case start, no final period, names the offending value); detail is optional
  ** machine-readable data such as "file=bank.xml;line=12;field=Amt". The host copies both.
  ** The last call before the failing return wins. (since 1.0) */
  void (*set_error)(cartera_call *call, cartera_status code, cartera_str message, cartera_str detail);

  /* Emit a document. doc_type must be one the module declared in its descriptor and
  ** manifest; key is the module's deterministic idempotency key for it (the same business
  ** fact always gives the same key, e.g. "payment/BANCO1/2026-11-20/000123"). The host
  ** copies content, validates it against the type's XSD after the job returns, and stores
  ** it in the outbox only if the whole run commits. A document whose id already exists is
  ** not emitted again. Returns CARTERA_E_UNSUPPORTED for an undeclared type. (since 1.0) */
  cartera_status (*emit_document)(cartera_call *call, cartera_str doc_type, cartera_str key, cartera_str content);

  /* Declare the columns of the job's tabular result, once, before any result_row. The host
  ** renders rows as a table, CSV, XML or JSON as the caller asked. (since 1.0) */
  cartera_status (*result_columns)(cartera_call *call, const cartera_column *columns, uint32_t count);

  /* Append one result row; count must equal the declared column count and each value's
  ** type the column's type or NULL. The host copies the values. (since 1.0) */
  cartera_status (*result_row)(cartera_call *call, const cartera_value *values, uint32_t count);

  /* Append raw output (for example an SVG chart) of the given media type. Several calls
  ** append. The host copies it. (since 1.0) */
  cartera_status (*emit_output)(cartera_call *call, cartera_str media_type, cartera_str chunk);

  /* Read a job parameter, already parsed and type-checked by the host from the manifest's
  ** declaration. Text is borrowed until the call returns. Returns CARTERA_E_NOT_FOUND when
  ** the parameter was not given and has no default. (since 1.0) */
  cartera_status (*get_param)(cartera_call *call, cartera_str name, cartera_value *out);

  /* Read a setting of this module from the host configuration (cartera.xml). Borrowed
  ** until the call returns. CARTERA_E_NOT_FOUND when unset. (since 1.0) */
  cartera_status (*get_config)(cartera_call *call, cartera_str key, cartera_str *out);

  /* The run's clock, microseconds since 1970-01-01T00:00:00Z. Fixed by the host in tests
  ** and golden runs; use it instead of the system clock. (since 1.0) */
  int64_t (*now_utc_us)(cartera_call *call);

  /* The run's id, stable for the run, usable in document keys. Borrowed until the call
  ** returns. (since 1.0) */
  cartera_str (*request_id)(cartera_call *call);

  /* Nonzero when the run has been asked to stop (a signal, a shutdown). A long job checks
  ** it between units of work and returns CARTERA_E_CANCELLED. (since 1.0) */
  int32_t (*is_cancelled)(cartera_call *call);

  /* Data access by named operation (since 1.0). A module never writes SQL: it names an
  ** operation of the active host adapter's catalog ("open_items") and its manifest lists
  ** every operation it uses, so the host can refuse to start when one is missing. Everything
  ** runs inside the run's one transaction.
  **
  ** op_prepare  finds the operation; *out stays valid until op_finalize or the call's end.
  ** op_bind     binds a parameter by name; the host copies the value.
  ** op_add_row  (bulk writes) closes the current set of bound values as one row; values
  **             bound next start a new row; op_execute then writes all rows at once.
  ** op_execute  runs it; *affected_rows (may be NULL) receives the count for writes.
  ** op_step     moves to the next row: CARTERA_ROW, CARTERA_DONE, or an error.
  ** op_column   reads column index of the current row; text is borrowed until the next
  **             op_step or op_finalize.
  ** op_finalize releases it; never fails; NULL is allowed. */
  cartera_status (*op_prepare)(cartera_call *call, cartera_str operation, cartera_op **out);
  cartera_status (*op_bind)(cartera_op *op, cartera_str param, const cartera_value *value);
  cartera_status (*op_add_row)(cartera_op *op);
  cartera_status (*op_execute)(cartera_op *op, int64_t *affected_rows);
  cartera_status (*op_step)(cartera_op *op);
  uint32_t (*op_column_count)(cartera_op *op);
  cartera_status (*op_column_name)(cartera_op *op, uint32_t index, cartera_str *out);
  cartera_status (*op_column)(cartera_op *op, uint32_t index, cartera_value *out);
  void (*op_finalize)(cartera_op *op);

  /* The host's business calendar, so that every module counts terms the same way (since 1.1).
  ** Sundays and Colombian holidays (Ley 51 de 1983; 9 July from 2026, Ley 2578 de 2026) are
  ** never business days; Saturdays are when cartera.xml's <calendar saturdays="business"/>
  ** says so (by default they are not). Dates are CARTERA_TYPE_DATE days. Defined for the
  ** years 1984..2100; outside them is_business_day returns -1 and add_business_days the date
  ** unchanged, and the host logs why.
  **
  ** is_business_day    1 when date is a business day, 0 when not.
  ** add_business_days  n > 0: the n-th business day after date (date itself not counted, the
  **                    way legal terms run); n < 0: the same, backwards; n == 0: date itself
  **                    when it is a business day, else the next one (C.Co. art. 829). */
  int32_t (*is_business_day)(cartera_call *call, int64_t date);
  int64_t (*add_business_days)(cartera_call *call, int64_t date, int32_t n);

  /* The customer's folder and the contact channels (since 1.2).
  **
  ** A document type whose manifest names where its customer is (<document customer="...">)
  ** is archived when the run commits: stored once under archive/<customer>/<yyyy>/<mm>/ with
  ** an index row (type, period, SHA-256, path, who created it). Nothing there is overwritten.
  **
  ** attach_rendition  adds a rendering people read (a PDF, an HTML page) to a document this
  **                   call emitted with the same doc_type and key; it is archived beside it.
  **                   file_name is the name in the folder, media_type e.g. "application/pdf".
  **                   CARTERA_E_NOT_FOUND: no such document in this call; CARTERA_E_INVALID_ARGUMENT:
  **                   the type is not archived, or the name is not a plain file name.
  ** queue_message     owes a customer a message on a channel ("email", "sms"): the host
  **                   records it in the run's transaction and sends it after the commit, only
  **                   inside the legal contact hours and frequency limits (Ley 2300 de 2023),
  **                   logging every attempt; outside them it waits for the next window. The
  **                   same (channel, address, key) is queued once; a rendition of this call
  **                   may be attached by its document's doc_type and key and its media_type.
  ** contact_check     1 when the customer may be contacted on channel at the run's time,
  **                   0 when not (then *earliest_utc_us, if not NULL, is the first instant
  **                   allowed), -1 on error (an unknown channel). */
  cartera_status (*attach_rendition)(cartera_call *call, cartera_str doc_type, cartera_str key, cartera_str file_name,
                                     cartera_str media_type, cartera_str content);
  cartera_status (*queue_message)(cartera_call *call, const struct cartera_message *message);
  int32_t (*contact_check)(cartera_call *call, cartera_str customer, cartera_str channel, int64_t *earliest_utc_us);

  /* New services are appended here, each with its "since" version. */
} cartera_host_services;

/* True when table t (whose struct_size says how much of it exists) has member field. */
#define CARTERA_HAS_FIELD(type, t, field)                                                                              \
  ((t) != NULL && (size_t)(t)->struct_size >= offsetof(type, field) + sizeof((t)->field))

/* ---- Module descriptor: module -> host (since 1.0) ---------------------------------- */

/* Capability bits. Unknown bits are ignored by older hosts. The manifest names the same
** capabilities in words; the host checks that both agree. */
#define CARTERA_CAP_COLLECTIONS (UINT64_C(1) << 0)          /* aging, projections, follow-up */
#define CARTERA_CAP_PAYMENTS (UINT64_C(1) << 1)             /* bank files, application */
#define CARTERA_CAP_RECEIPTS (UINT64_C(1) << 2)             /* cash-receipt requests */
#define CARTERA_CAP_CREDIT_NOTE_REQUESTS (UINT64_C(1) << 3) /* credit-note requests */
#define CARTERA_CAP_INTEREST (UINT64_C(1) << 4)             /* moratory interest */
#define CARTERA_CAP_STATEMENTS (UINT64_C(1) << 5)           /* statements of account */
#define CARTERA_CAP_ARREARS_CANCELLATION (UINT64_C(1) << 6) /* cancellation, reactivation */
#define CARTERA_CAP_OMBUDSMAN_RESPONSES (UINT64_C(1) << 7)  /* complaints and responses */
#define CARTERA_CAP_TARIFFS (UINT64_C(1) << 8)              /* yearly increase, billing */
#define CARTERA_CAP_REPORTS (UINT64_C(1) << 9)              /* other reports */

/* Descriptor flags. */
#define CARTERA_FLAG_REENTRANT (UINT32_C(1) << 0) /* one instance may serve several threads */

/* Direction of a document type. */
#define CARTERA_DOC_OUT 1 /* the module emits it */
#define CARTERA_DOC_IN 2  /* the module accepts it as input */

/* A document type the module emits or accepts. name is the host's short type name
** ("credit-note-request"); namespace_uri the root element's namespace, which selects
** the XSD under schemas/xml/. */
typedef struct cartera_doc_type {
  cartera_str name;
  cartera_str namespace_uri;
  int32_t direction; /* CARTERA_DOC_OUT or CARTERA_DOC_IN */
  uint32_t reserved; /* zero */
} cartera_doc_type;

/* What cartera_plugin_entry_v1 returns: static, constant data with the module's lifetime.
** The host copies min(struct_size, its own sizeof) bytes into a zeroed struct; fields a
** module's older header did not have read as zero (optional callbacks absent). */
typedef struct cartera_plugin_descriptor {
  uint32_t struct_size;        /* sizeof as compiled into the module (since 1.0) */
  uint16_t abi_major;          /* CARTERA_ABI_MAJOR the module was built with (since 1.0) */
  uint16_t abi_minor_built;    /* CARTERA_ABI_MINOR the module was built with (since 1.0) */
  uint16_t abi_minor_required; /* lowest host minor it needs; <= abi_minor_built (since 1.0) */
  uint16_t reserved0;          /* zero (since 1.0) */
  uint32_t flags;              /* CARTERA_FLAG_* (since 1.0) */

  cartera_str id;           /* stable reverse-DNS id, "org.cartera.collections" (since 1.0) */
  cartera_str version;      /* the module's semantic version, "1.4.2" (since 1.0) */
  cartera_str display_name; /* for people (since 1.0) */
  cartera_str vendor;       /* (since 1.0) */
  cartera_str license;      /* SPDX expression (since 1.0) */

  uint64_t capabilities; /* CARTERA_CAP_* (since 1.0) */

  const cartera_doc_type *doc_types; /* doc_type_count entries, static (since 1.0) */
  uint32_t doc_type_count;           /* (since 1.0) */
  uint32_t reserved1;                /* zero (since 1.0) */

  /* Make an instance. host stays valid until destroy(instance) returns; call is the run
  ** that caused the creation (for parameters, configuration, errors). On failure, report
  ** with host->set_error and return the code; *out_instance is then ignored. Mandatory.
  ** (since 1.0) */
  cartera_status (*create)(const cartera_host_services *host, cartera_call *call, void **out_instance);

  /* Free an instance. Must not fail. Mandatory. (since 1.0) */
  void (*destroy)(void *instance);

  /* Run one job of the manifest ("aging", "match") in call. input is the job's input
  ** document (UTF-8 XML), already validated by the host, or empty. Output goes through
  ** the host services; the host commits the run only if this returns CARTERA_OK and every
  ** emitted document validates. Mandatory. (since 1.0) */
  cartera_status (*handle)(void *instance, cartera_call *call, cartera_str job, cartera_str input);

  /* Optional health check: CARTERA_OK when the instance can serve. NULL = absent.
  ** (since 1.0) */
  cartera_status (*self_test)(void *instance, cartera_call *call);

  /* New fields are appended here, each with its "since" version. */
} cartera_plugin_descriptor;

/* The smallest descriptor a 1.x host accepts: everything up to and including self_test. */
#define CARTERA_DESCRIPTOR_V1_0_SIZE (offsetof(cartera_plugin_descriptor, self_test) + sizeof(void (*)(void)))

/* The entry point. A module defines exactly this, exported, and nothing else exported. It
** has no side effects: no allocation, no calls, no global state; it returns the address of
** a static const descriptor (never NULL for a working module). */
typedef const cartera_plugin_descriptor *(*cartera_plugin_entry_fn)(void);

/* NOLINTEND(readability-identifier-naming) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CARTERA_ABI_H */
