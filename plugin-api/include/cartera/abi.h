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
**  - Strings are cartera_str: bytes with an explicit length, no NUL terminator required. They
**    are UTF-8 text everywhere but in three places that carry raw bytes: the value of a `file`
**    parameter (get_param), a chunk of raw output (emit_output) and a rendition's content
**    (attach_rendition). A string passed INTO a call is borrowed: valid only until that call
**    returns. Whoever keeps one, copies it.
**  - Ownership. Each side frees only what it allocated. Everything a module hands to the
**    host (log lines, errors, rows, documents, output, messages) goes through host functions
**    that copy at once. What the host hands to the module is borrowed for as long as each
**    function below says, never freed by the module.
**  - Errors. Functions return a cartera_status (int32_t). A host service that fails records
**    its reason in the call before returning the code; a module reports the reason for its
**    own failure with host->set_error before returning the code. Exceptions never cross: the
**    C++ layer (plugin.hpp) converts them.
**  - A business refusal ("credit note declined") is a result document, not an error.
**  - Threading. The host calls a module's callbacks from one thread at a time, and host
**    services may be called only from the thread the host is calling the module on, during
**    that call. A module may use threads of its own for work that calls no host service.
**  - Lifetime. One instance serves one run: the host calls create, then handle once, then
**    destroy (even when handle failed), all on one thread. A job run inside another module's
**    run to publish rows for it (an operation gathered by contract) gets an instance of its
**    own. Nothing is kept between runs in an instance.
**  - Reserved. A field or bit marked reserved is written as zero by the module and ignored
**    by the host.
**
** Every field and function says the version it appeared in ("since 1.0").
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

/* Bytes with explicit length: UTF-8 text unless the function that passes it says otherwise.
** ptr may be NULL only when len is 0. */
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
  uint32_t reserved; /* reserved, zero */
  int64_t i;         /* INTEGER, CENTAVOS, DATE, BOOLEAN */
  cartera_str s;     /* TEXT; borrowed as described by the function that passes it */
} cartera_value;

/* A result column as a module declares it (result_columns). */
typedef struct cartera_column {
  cartera_str name;  /* lower_snake, e.g. "days_past_due" */
  int32_t type;      /* CARTERA_TYPE_*, not NULL */
  uint32_t reserved; /* reserved, zero */
} cartera_column;

/* ---- Opaque host objects ------------------------------------------------------------ */

/* One run of one job: carries the transaction, the parameters, the output and the error
** slot. Valid from the host's call into the module (create, handle) until that call
** returns; a module never keeps it. */
typedef struct cartera_call cartera_call;

/* A prepared named operation and, after op_execute, its row cursor. Valid from op_prepare
** until op_finalize or the end of the call that prepared it, whichever comes first. */
typedef struct cartera_op cartera_op;

/* ---- Log levels (since 1.0) ---------------------------------------------------------- */

#define CARTERA_LOG_DEBUG 0
#define CARTERA_LOG_INFO 1
#define CARTERA_LOG_WARNING 2
#define CARTERA_LOG_ERROR 3

/* ---- Host services: host -> module (since 1.0) -------------------------------------- */

/* A message owed to a customer, as a module passes it to queue_message (since 1.2). The
** module owns the struct and every string in it; all are borrowed for the queue_message call
** alone, which copies what it keeps. A host reads at most its own sizeof of it. */
typedef struct cartera_message {
  uint32_t struct_size;          /* sizeof(cartera_message) as the module compiled it (since 1.2) */
  uint32_t reserved;             /* reserved, zero (since 1.2) */
  cartera_str customer;          /* the customer's id in the host's books; required (since 1.2) */
  cartera_str channel;           /* "email", the one channel a 1.2 host sends (since 1.2) */
  cartera_str address;           /* the e-mail address; required (since 1.2) */
  cartera_str key;               /* the module's idempotency key for this message; required (since 1.2) */
  cartera_str subject;           /* required (since 1.2) */
  cartera_str body;              /* plain UTF-8 text (since 1.2) */
  cartera_str attach_doc_type;   /* empty: nothing attached (since 1.2) */
  cartera_str attach_key;        /* with attach_doc_type: the emitted document's key (since 1.2) */
  cartera_str attach_media_type; /* with attach_doc_type: which of its renditions (since 1.2) */
} cartera_message;

/* The table the host passes to create() (since 1.0). The host owns it; it stays valid until
** destroy() returns. Fields are only ever appended; test a field added after the minor the
** module requires with CARTERA_HAS_FIELD before use. Every function is called from the thread
** the host is calling the module on, during that call; none throws or longjmps. Where a
** function returns a cartera_status, CARTERA_E_OUT_OF_MEMORY and CARTERA_E_INTERNAL (a
** failure of the host's own, with its reason recorded) are possible besides the codes
** listed. */

typedef struct cartera_host_services {
  uint32_t struct_size; /* sizeof as compiled into the host (since 1.0) */
  uint16_t abi_major;   /* the host's CARTERA_ABI_MAJOR (since 1.0) */
  uint16_t abi_minor;   /* the host's CARTERA_ABI_MINOR (since 1.0) */

  /* ---- The run's log, progress and errors (since 1.0) ---- */

  /* log: a line in the run's log, at level CARTERA_LOG_*. The host copies msg; warnings and
  ** errors reach the person who ran the job. Never fails. (since 1.0) */
  void (*log)(cartera_call *call, int32_t level, cartera_str msg);

  /* progress: done of total units of a long job (total 0: unknown). label names the stage
  ** ("importing invoices"); the host copies it and may show a progress bar on a terminal.
  ** Cheap enough to call per row. Never fails. (since 1.0) */
  void (*progress)(cartera_call *call, uint64_t done, uint64_t total, cartera_str label);

  /* set_error: records why the call is about to fail, before the module returns code (a
  ** CARTERA_E_*). message is for people (lower-case start, no final period, names the
  ** offending value); detail is optional machine-readable data such as
  ** "file=bank.xml;line=12;field=Amt". The host copies both. The last call before the
  ** failing return wins. When a host service has just failed with the same code and recorded
  ** a reason of its own, the host keeps that reason after the module's message, in
  ** parentheses. Never fails. (since 1.0) */
  void (*set_error)(cartera_call *call, cartera_status code, cartera_str message, cartera_str detail);

  /* ---- What the job produces (since 1.0) ---- */

  /* emit_document: one outgoing document of type doc_type, which the module declares in its
  ** descriptor and its manifest as an output. key is the module's deterministic idempotency
  ** key for it (the same business fact always gives the same key, e.g.
  ** "payment/BANCO1/2026-11-20/000123"); content is the document, UTF-8 XML. The host copies
  ** both, validates the document against the type's XSD while the job goes on, and keeps it
  ** only if the whole run commits; a document whose id (type, key) was emitted by an earlier
  ** run is not emitted again.
  ** Returns CARTERA_OK, or CARTERA_E_UNSUPPORTED: the type is not a declared output, or the
  ** job runs to publish rows for another module (it emits nothing); CARTERA_E_INVALID_ARGUMENT:
  ** key is empty. A document its XSD refuses fails the run after handle returns. (since 1.0) */
  cartera_status (*emit_document)(cartera_call *call, cartera_str doc_type, cartera_str key, cartera_str content);

  /* result_columns: declares the columns of the job's tabular result, once, before any
  ** result_row. The host copies the names and renders the rows as a table, CSV, XML or JSON
  ** as the caller asked (--format; the manifest's job lists which).
  ** Returns CARTERA_OK, or CARTERA_E_INVALID_ARGUMENT: declared already, or count is 0.
  ** (since 1.0) */
  cartera_status (*result_columns)(cartera_call *call, const cartera_column *columns, uint32_t count);

  /* result_row: appends one row of count values, in the declared columns' order. The host
  ** copies them.
  ** Returns CARTERA_OK, or CARTERA_E_INVALID_ARGUMENT: no columns declared, count is not
  ** their number, or a value is neither NULL nor of its column's type. (since 1.0) */
  cartera_status (*result_row)(cartera_call *call, const cartera_value *values, uint32_t count);

  /* emit_output: appends raw output of media_type (an SVG chart, a PDF, CSV text) for the
  ** formats that are not rows (the job's format parameter says which was asked for). chunk is
  ** bytes; the host copies it. Several calls append. Returns CARTERA_OK. (since 1.0) */
  cartera_status (*emit_output)(cartera_call *call, cartera_str media_type, cartera_str chunk);

  /* ---- What the job is given (since 1.0) ---- */

  /* get_param: a job parameter, parsed and type-checked by the host from the manifest's
  ** declaration. name is the parameter's name exactly as the manifest writes it, hyphens
  ** included ("as-of", "group-by"), not the option's "--". The value's type follows the
  ** declared one: text -> TEXT, integer -> INTEGER, amount -> CENTAVOS, date -> DATE,
  ** boolean -> BOOLEAN, and file -> TEXT holding the file's bytes as they are (any content,
  ** not necessarily UTF-8; up to 512 MB). Text is borrowed until the call returns.
  ** Besides the manifest's parameters, the host passes these, under names a manifest's
  ** parameter cannot have (those are [a-z][a-z0-9-]*, and the global options' names are
  ** refused: format, input, output, help, version, config, db, host, user, department, now,
  ** quiet):
  **   "format"             TEXT, the output format asked for (table, csv, xml, json, svg,
  **                        html, pdf), always; not passed to a job run to publish rows
  **   "<file>_name"        TEXT, the path of file parameter <file> as the caller gave it
  **   "<file>_sha256"      TEXT, the SHA-256 of its bytes, lower-case hex (what the run
  **                        journal records instead of the bytes)
  **   "cartera.user"       TEXT, the user running the job (a job run to publish rows: the
  **                        user of the run that asked for them)
  **   "cartera.department" TEXT, the department the user acts for
  **   "cartera.roles"      TEXT, the user's roles, space separated; not passed to a job run
  **                        to publish rows
  ** A job run to publish rows for another module gets the values that module bound to the
  ** operation, under the operation's parameter names, instead of the manifest's options.
  ** Returns CARTERA_OK, or CARTERA_E_NOT_FOUND: the parameter was not given and has no
  ** default. (since 1.0) */
  cartera_status (*get_param)(cartera_call *call, cartera_str name, cartera_value *out);

  /* get_config: a setting of this module from cartera.xml (<module-settings module="ID">
  ** <setting key="KEY" value="..."/>), by key. Borrowed until the call returns.
  ** Returns CARTERA_OK, or CARTERA_E_NOT_FOUND: unset. (since 1.0) */
  cartera_status (*get_config)(cartera_call *call, cartera_str key, cartera_str *out);

  /* now_utc_us: the run's clock, microseconds since 1970-01-01T00:00:00Z. Fixed for the run,
  ** and fixed by the host in tests and golden runs (--now): use it instead of the system
  ** clock. Never fails. (since 1.0) */
  int64_t (*now_utc_us)(cartera_call *call);

  /* request_id: the run's id, stable for the run, usable in document keys. Borrowed until the
  ** call returns. Never fails. (since 1.0) */
  cartera_str (*request_id)(cartera_call *call);

  /* is_cancelled: nonzero when the run has been asked to stop (a signal, a shutdown). A long
  ** job checks it between units of work and returns CARTERA_E_CANCELLED. (since 1.0) */
  int32_t (*is_cancelled)(cartera_call *call);

  /* ---- Data by named operation (since 1.0) ----
  **
  ** A module never writes SQL: it names an operation ("open_items") of the active host
  ** adapter's catalog, of the host's own (what the exchange knows of a module's documents:
  ** "document_deliveries"), of its own catalog (<module>.operations.xml), or one it gathers
  ** from other modules by contract, and lists every operation it uses in its manifest
  ** (<operations>), so that the host can refuse to start when one is missing. Each operation
  ** has typed parameters and typed result columns, in order, as its catalog declares them;
  ** share/doc/cartera/operations.md, installed with this header, lists every one.
  ** Everything runs inside the run's one transaction. An operation's failures are
  ** CARTERA_E_DATABASE, with the database's or the catalog's reason recorded, unless said
  ** otherwise; on a NULL op, CARTERA_E_INVALID_ARGUMENT. */

  /* op_prepare: finds operation by its catalog name and prepares it; *out is set to it (NULL
  ** on failure) and stays valid until op_finalize or the end of the call.
  ** A job reaches only the operations its manifest's <job> lists with <uses operation="..."/>:
  ** one the module declares in <operations> but the running job does not list is refused,
  ** with a reason naming the job and the operation, and the host audits the refusal (with
  ** the status of an operation the manifest does not declare).
  ** Returns CARTERA_OK, or CARTERA_E_UNSUPPORTED: the manifest does not declare the operation,
  ** the running job's <uses> does not list it, or the active adapter does not implement it;
  ** CARTERA_E_INTERNAL: the host could not prepare it (the reason is recorded). (since 1.0) */
  cartera_status (*op_prepare)(cartera_call *call, cartera_str operation, cartera_op **out);

  /* op_bind: binds parameter param, named as the catalog's <param name="..."> (the SQL's :name
  ** without the ':'), to *value, which must be NULL or of the parameter's type. The host
  ** copies the value.
  ** Returns CARTERA_OK, or CARTERA_E_DATABASE: no such parameter, one the host supplies
  ** itself, or a value of another type (the reason names which). (since 1.0) */
  cartera_status (*op_bind)(cartera_op *op, cartera_str param, const cartera_value *value);

  /* op_add_row: for a write, closes the values bound so far as one row; values bound next
  ** start a new row, and op_execute writes every row.
  ** Returns CARTERA_OK, or CARTERA_E_DATABASE: the operation reads, or a parameter of the row
  ** was not bound. (since 1.0) */
  cartera_status (*op_add_row)(cartera_op *op);

  /* op_execute: runs the operation: a write writes its rows (the one row bound, or those
  ** closed by op_add_row) and sets *affected_rows (may be NULL) to the rows it changed; a read
  ** opens its cursor at the first row.
  ** Returns CARTERA_OK, or CARTERA_E_DATABASE: a parameter was not bound, or the database
  ** failed. An operation gathered from a module that publishes its rows by a job fails with
  ** that job's own status. (since 1.0) */
  cartera_status (*op_execute)(cartera_op *op, int64_t *affected_rows);

  /* op_step: moves a read's cursor to the next row.
  ** Returns CARTERA_ROW (a row is current), CARTERA_DONE (no more rows), or
  ** CARTERA_E_DATABASE. (since 1.0) */
  cartera_status (*op_step)(cartera_op *op);

  /* op_column_count: the number of result columns the catalog declares for the operation,
  ** known from op_prepare on (before op_execute); 0 for a write or a NULL op. (since 1.0) */
  uint32_t (*op_column_count)(cartera_op *op);

  /* op_column_name: the name of column index (0-based), as the catalog declares it, known
  ** from op_prepare on. Borrowed until op_finalize. A module that reads columns by name looks
  ** them up once, not per row.
  ** Returns CARTERA_OK, or CARTERA_E_INVALID_ARGUMENT: index out of range. (since 1.0) */
  cartera_status (*op_column_name)(cartera_op *op, uint32_t index, cartera_str *out);

  /* op_column: the value of column index in the current row: of the column's declared type,
  ** or NULL (CARTERA_TYPE_NULL) where the row has none. Text is borrowed until the next
  ** op_step or op_finalize. Read it only after op_step returned CARTERA_ROW (without a
  ** current row an adapter answers NULL or CARTERA_E_DATABASE).
  ** Returns CARTERA_OK, or CARTERA_E_INVALID_ARGUMENT: index out of range;
  ** CARTERA_E_DATABASE: the stored value does not read as its type (a date that is not one).
  ** (since 1.0) */
  cartera_status (*op_column)(cartera_op *op, uint32_t index, cartera_value *out);

  /* op_finalize: releases op; the host finalizes what is left at the end of the call. NULL is
  ** allowed. Never fails. (since 1.0) */
  void (*op_finalize)(cartera_op *op);

  /* ---- The business calendar (since 1.1) ----
  **
  ** The host's, so that every module counts terms the same way. Sundays and Colombian
  ** holidays (Ley 51 de 1983; 9 July from 2026, Ley 2578 de 2026) are never business days;
  ** Saturdays are when cartera.xml's <calendar saturdays="business"/> says so (by default
  ** they are not). Dates are CARTERA_TYPE_DATE days. The calendar covers the years
  ** 1984..2100; neither function returns a status: outside those years each answers as said
  ** below and logs a warning naming the date. */

  /* is_business_day: 1 when date is a business day, 0 when not, -1 when date is outside the
  ** calendar. (since 1.1) */
  int32_t (*is_business_day)(cartera_call *call, int64_t date);

  /* add_business_days: n > 0: the n-th business day after date (date itself not counted, the
  ** way legal terms run); n < 0: the same, backwards; n == 0: date itself when it is a
  ** business day, else the next one (C.Co. art. 829). When date is outside the calendar, or
  ** the answer would be, it returns date unchanged: for n != 0 a result equal to date means
  ** that failure, and for n == 0 is_business_day(date) == -1 tells it. (since 1.1) */
  int64_t (*add_business_days)(cartera_call *call, int64_t date, int32_t n);

  /* ---- The customer's folder and the contact channels (since 1.2) ----
  **
  ** A document type whose manifest names where its customer is (<document-type
  ** customer="...">) is archived when the run commits: stored once under
  ** archive/<customer>/<yyyy>/<mm>/ with an index row (type, period, SHA-256, path, who
  ** created it). Nothing there is overwritten. */

  /* attach_rendition: adds a rendering people read (a PDF, an HTML page) to a document this
  ** call emitted with the same doc_type and key; it is archived beside it when the run
  ** commits. file_name is its name in the folder (a plain file name), media_type e.g.
  ** "application/pdf"; content is bytes. The host copies all of them.
  ** Returns CARTERA_OK, or CARTERA_E_NOT_FOUND: no such document in this call;
  ** CARTERA_E_INVALID_ARGUMENT: the type is not archived, or is archived after the run
  ** (archive="deferred"), media_type is empty, or file_name is not a plain file name;
  ** CARTERA_E_UNSUPPORTED: this call archives nothing. (since 1.2) */
  cartera_status (*attach_rendition)(cartera_call *call, cartera_str doc_type, cartera_str key, cartera_str file_name,
                                     cartera_str media_type, cartera_str content);

  /* queue_message: owes a customer a message (a cartera_message, above, which the host
  ** copies): the host records it in the run's transaction and sends it after the commit, only
  ** inside the legal contact hours and frequency limits (Ley 2300 de 2023), logging every
  ** attempt; outside them it waits for the next window. The same (channel, address, key) is
  ** queued once. A rendition this call attached may go with it, named by its document's
  ** doc_type and key and its media_type.
  ** Returns CARTERA_OK, or CARTERA_E_ABI: message is NULL or its struct_size is smaller than a
  ** 1.2 cartera_message; CARTERA_E_UNSUPPORTED: the channel is not "email", or the job runs
  ** to publish rows (it queues nothing); CARTERA_E_INVALID_ARGUMENT: customer, address, key or
  ** subject is empty; CARTERA_E_NOT_FOUND: no rendition of that media type of that document
  ** in this call. (since 1.2) */
  cartera_status (*queue_message)(cartera_call *call, const struct cartera_message *message);

  /* contact_check: whether customer may be contacted on channel ("email", "sms" or "phone")
  ** at the run's time, by the same rules queue_message keeps: 1 when it may, 0 when not (then
  ** *earliest_utc_us, if not NULL, is the first instant allowed), -1 when channel is none of
  ** those, or the call has no contact log (a job run to publish rows). No status: -1 is the
  ** failure. (since 1.2) */
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

/* Descriptor flags. Bits not defined here are reserved: zero. */
/* Reserved (since 1.0): says one instance may serve several threads at once. A 1.x host makes
** one instance per run and calls it from one thread, and does not read this bit. */
#define CARTERA_FLAG_REENTRANT (UINT32_C(1) << 0)

/* Direction of a document type. */
#define CARTERA_DOC_OUT 1 /* the module emits it */
#define CARTERA_DOC_IN 2  /* the module accepts it as input */

/* A document type the module emits or accepts. name is the host's short type name
** ("credit-note-request"); namespace_uri the root element's namespace, which selects
** the XSD under schemas/xml/. */
typedef struct cartera_doc_type {
  cartera_str name;          /* (since 1.0) */
  cartera_str namespace_uri; /* (since 1.0) */
  int32_t direction;         /* CARTERA_DOC_OUT or CARTERA_DOC_IN (since 1.0) */
  uint32_t reserved;         /* reserved, zero (since 1.0) */
} cartera_doc_type;

/* What cartera_plugin_entry_v1 returns: static, constant data with the module's lifetime.
** The host copies min(struct_size, its own sizeof) bytes into a zeroed struct; fields a
** module's older header did not have read as zero (optional callbacks absent). */
typedef struct cartera_plugin_descriptor {
  uint32_t struct_size;        /* sizeof as compiled into the module (since 1.0) */
  uint16_t abi_major;          /* CARTERA_ABI_MAJOR the module was built with (since 1.0) */
  uint16_t abi_minor_built;    /* CARTERA_ABI_MINOR the module was built with (since 1.0) */
  uint16_t abi_minor_required; /* lowest host minor it needs; <= abi_minor_built (since 1.0) */
  uint16_t reserved0;          /* reserved, zero (since 1.0) */
  uint32_t flags;              /* CARTERA_FLAG_*; other bits reserved, zero (since 1.0) */

  cartera_str id;           /* stable reverse-DNS id, "org.cartera.collections" (since 1.0) */
  cartera_str version;      /* the module's semantic version, "1.4.2" (since 1.0) */
  cartera_str display_name; /* for people (since 1.0) */
  cartera_str vendor;       /* (since 1.0) */
  cartera_str license;      /* SPDX expression (since 1.0) */

  uint64_t capabilities; /* CARTERA_CAP_* (since 1.0) */

  const cartera_doc_type *doc_types; /* doc_type_count entries, static (since 1.0) */
  uint32_t doc_type_count;           /* (since 1.0) */
  uint32_t reserved1;                /* reserved, zero (since 1.0) */

  /* create: makes the instance for one run (see Lifetime above). host stays valid until
  ** destroy(instance) returns; call is the run that caused the creation (for parameters,
  ** configuration, errors), valid until create returns. The instance is the module's: the
  ** host passes it back and never frees it itself.
  ** Returns CARTERA_OK and sets *out_instance; on failure, reports with host->set_error and
  ** returns the code: *out_instance is then ignored, and neither handle nor destroy is called.
  ** Mandatory. (since 1.0) */
  cartera_status (*create)(const cartera_host_services *host, cartera_call *call, void **out_instance);

  /* destroy: frees an instance create made, after its run's handle returned (or failed).
  ** Must not fail. Mandatory. (since 1.0) */
  void (*destroy)(void *instance);

  /* handle: runs job, one of the manifest's jobs by name ("aging", "match"), once per
  ** instance. input is the job's input document (UTF-8 XML, when the manifest's job names an
  ** input type), already validated by the host, or empty; borrowed until handle returns.
  ** Output goes through the host services; the host commits the run only if this returns
  ** CARTERA_OK and every emitted document validates. On failure, the module reports with
  ** host->set_error and returns the code; the run rolls back and its exit status follows the
  ** code (CARTERA_E_INVALID_ARGUMENT 2, CARTERA_E_INPUT_REJECTED 3, CARTERA_E_NOT_PERMITTED 4,
  ** any other 1). A job name the module does not have is CARTERA_E_UNSUPPORTED. Mandatory.
  ** (since 1.0) */
  cartera_status (*handle)(void *instance, cartera_call *call, cartera_str job, cartera_str input);

  /* self_test: an optional health check, CARTERA_OK when the instance can serve; NULL when
  ** absent. Reserved: a 1.2 host does not call it. (since 1.0) */
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
