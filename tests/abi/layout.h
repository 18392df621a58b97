/* The frozen layout of ABI 1.x (1.0, and what 1.1 appended) on LP64 (x86_64, aarch64). Every offset and size here is a
** promise to already-built modules: a change that breaks one of these lines is a new major.
** Included from C99 and C++ translation units. */
#ifndef CARTERA_TEST_LAYOUT_H
#define CARTERA_TEST_LAYOUT_H

#include <cartera/abi.h>

#ifdef __cplusplus
#define LAYOUT_ASSERT(cond, msg) static_assert(cond, msg)
#else
/* C99 has no _Static_assert: a negative array size fails the build instead. */
#define LAYOUT_CAT2(a, b) a##b
#define LAYOUT_CAT(a, b) LAYOUT_CAT2(a, b)
#define LAYOUT_ASSERT(cond, msg) typedef char LAYOUT_CAT(layout_assert_line_, __LINE__)[(cond) ? 1 : -1]
#endif

#define SIZE(T, n) LAYOUT_ASSERT(sizeof(T) == (n), "size of " #T)
#define OFF(T, f, n) LAYOUT_ASSERT(offsetof(T, f) == (n), "offset of " #T "." #f)

SIZE(cartera_str, 16);
OFF(cartera_str, ptr, 0);
OFF(cartera_str, len, 8);

SIZE(cartera_value, 32);
OFF(cartera_value, type, 0);
OFF(cartera_value, reserved, 4);
OFF(cartera_value, i, 8);
OFF(cartera_value, s, 16);

SIZE(cartera_column, 24);
OFF(cartera_column, name, 0);
OFF(cartera_column, type, 16);

SIZE(cartera_doc_type, 40);
OFF(cartera_doc_type, name, 0);
OFF(cartera_doc_type, namespace_uri, 16);
OFF(cartera_doc_type, direction, 32);

OFF(cartera_host_services, struct_size, 0);
OFF(cartera_host_services, abi_major, 4);
OFF(cartera_host_services, abi_minor, 6);
OFF(cartera_host_services, log, 8);
OFF(cartera_host_services, progress, 16);
OFF(cartera_host_services, set_error, 24);
OFF(cartera_host_services, emit_document, 32);
OFF(cartera_host_services, result_columns, 40);
OFF(cartera_host_services, result_row, 48);
OFF(cartera_host_services, emit_output, 56);
OFF(cartera_host_services, get_param, 64);
OFF(cartera_host_services, get_config, 72);
OFF(cartera_host_services, now_utc_us, 80);
OFF(cartera_host_services, request_id, 88);
OFF(cartera_host_services, is_cancelled, 96);
OFF(cartera_host_services, op_prepare, 104);
OFF(cartera_host_services, op_bind, 112);
OFF(cartera_host_services, op_add_row, 120);
OFF(cartera_host_services, op_execute, 128);
OFF(cartera_host_services, op_step, 136);
OFF(cartera_host_services, op_column_count, 144);
OFF(cartera_host_services, op_column_name, 152);
OFF(cartera_host_services, op_column, 160);
OFF(cartera_host_services, op_finalize, 168);
#if CARTERA_ABI_MINOR == 0
SIZE(cartera_host_services, 176); /* 1.0 (the frozen header) */
#else
/* 1.0 ended here, at 176 bytes: the 1.1 services start there. */
OFF(cartera_host_services, is_business_day, 176);
OFF(cartera_host_services, add_business_days, 184);
#if CARTERA_ABI_MINOR == 1
SIZE(cartera_host_services, 192); /* 1.1 */
#else
/* 1.1 ended at 192: the 1.2 services start there. */
OFF(cartera_host_services, attach_rendition, 192);
OFF(cartera_host_services, queue_message, 200);
OFF(cartera_host_services, contact_check, 208);
SIZE(cartera_host_services, 216); /* 1.2 */
OFF(cartera_message, struct_size, 0);
OFF(cartera_message, customer, 8);
OFF(cartera_message, channel, 24);
OFF(cartera_message, address, 40);
OFF(cartera_message, key, 56);
OFF(cartera_message, subject, 72);
OFF(cartera_message, body, 88);
OFF(cartera_message, attach_doc_type, 104);
OFF(cartera_message, attach_key, 120);
OFF(cartera_message, attach_media_type, 136);
SIZE(cartera_message, 152); /* 1.2 */
#endif
#endif

OFF(cartera_plugin_descriptor, struct_size, 0);
OFF(cartera_plugin_descriptor, abi_major, 4);
OFF(cartera_plugin_descriptor, abi_minor_built, 6);
OFF(cartera_plugin_descriptor, abi_minor_required, 8);
OFF(cartera_plugin_descriptor, reserved0, 10);
OFF(cartera_plugin_descriptor, flags, 12);
OFF(cartera_plugin_descriptor, id, 16);
OFF(cartera_plugin_descriptor, version, 32);
OFF(cartera_plugin_descriptor, display_name, 48);
OFF(cartera_plugin_descriptor, vendor, 64);
OFF(cartera_plugin_descriptor, license, 80);
OFF(cartera_plugin_descriptor, capabilities, 96);
OFF(cartera_plugin_descriptor, doc_types, 104);
OFF(cartera_plugin_descriptor, doc_type_count, 112);
OFF(cartera_plugin_descriptor, reserved1, 116);
OFF(cartera_plugin_descriptor, create, 120);
OFF(cartera_plugin_descriptor, destroy, 128);
OFF(cartera_plugin_descriptor, handle, 136);
OFF(cartera_plugin_descriptor, self_test, 144);
SIZE(cartera_plugin_descriptor, 152); /* 1.0 */
LAYOUT_ASSERT(CARTERA_DESCRIPTOR_V1_0_SIZE == 152, "the 1.0 descriptor size");

/* Status codes and type tags are values modules compiled in: they never change. */
LAYOUT_ASSERT(CARTERA_OK == 0 && CARTERA_E_INTERNAL == 7 && CARTERA_E_NOT_PERMITTED == 11, "status codes");
LAYOUT_ASSERT(CARTERA_ROW == 100 && CARTERA_DONE == 101, "cursor codes");
LAYOUT_ASSERT(CARTERA_TYPE_CENTAVOS == 2 && CARTERA_TYPE_DATE == 3 && CARTERA_TYPE_BOOLEAN == 5, "type tags");

#endif
