/*
** hello — the worked example of a cartera module in plain C99, written against
** <cartera/abi.h> alone (and hello_identity.h, which cartera_add_module generates from the
** manifest template so that the module's identity is written once). It shows every part a
** module has: the one exported entry, a static descriptor, create/destroy/handle, typed
** parameters, result rows, a document, errors, and a setting read from cartera.xml.
**
**   cartera hello greet --name Ana [--times 2] [--as-of 2026-11-22]
*/
#include "hello_identity.h"

#include <cartera/abi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIT(s)                                                                                                         \
  { s, sizeof(s) - 1 }

/* The document types its manifest declares (hello.plugin.xml.in, through the header
** cartera_add_module generates from it). */
static const cartera_doc_type kDocTypes[] = {CARTERA_MODULE_DOC_TYPES};

struct hello {
  const cartera_host_services *host;
  char salutation[64]; /* from the module's settings, "Hola" by default */
};

static cartera_str cstr(const char *s) {
  cartera_str r;
  r.ptr = s;
  r.len = strlen(s);
  return r;
}

static cartera_status fail(const cartera_host_services *host, cartera_call *call, cartera_status code,
                           const char *message) {
  host->set_error(call, code, cstr(message), cstr(""));
  return code;
}

static cartera_status hello_create(const cartera_host_services *host, cartera_call *call, void **out) {
  struct hello *self;
  cartera_str value;
  /* Every service used here exists since ABI 1.0, which the descriptor requires, so no
  ** CARTERA_HAS_FIELD check is needed; a service added in 1.1 would need one. */
  self = (struct hello *)calloc(1, sizeof *self);
  if (self == NULL) {
    return fail(host, call, CARTERA_E_OUT_OF_MEMORY, "out of memory");
  }
  self->host = host;
  strcpy(self->salutation, "Hola");
  if (host->get_config(call, cstr("salutation"), &value) == CARTERA_OK && value.len < sizeof self->salutation) {
    memcpy(self->salutation, value.ptr, value.len);
    self->salutation[value.len] = '\0';
  }
  *out = self;
  return CARTERA_OK;
}

static void hello_destroy(void *instance) {
  free(instance);
}

/* Escapes the five XML specials; returns 0 when out is too small. */
static int xml_escape(const char *in, size_t len, char *out, size_t cap) {
  size_t o = 0, i;
  for (i = 0; i < len; ++i) {
    const char *rep = NULL;
    char one[2] = {in[i], 0};
    switch (in[i]) {
    case '<':
      rep = "&lt;";
      break;
    case '>':
      rep = "&gt;";
      break;
    case '&':
      rep = "&amp;";
      break;
    case '"':
      rep = "&quot;";
      break;
    case '\'':
      rep = "&apos;";
      break;
    default:
      rep = one;
      break;
    }
    if (o + strlen(rep) + 1 > cap) {
      return 0;
    }
    memcpy(out + o, rep, strlen(rep));
    o += strlen(rep);
  }
  out[o] = '\0';
  return 1;
}

static cartera_status greet(struct hello *self, cartera_call *call) {
  const cartera_host_services *host = self->host;
  cartera_value name, times, format;
  cartera_column cols[3];
  char line[256], escaped[512], doc[1024], key[160];
  int64_t i;
  int n;

  if (host->get_param(call, cstr("name"), &name) != CARTERA_OK || name.s.len == 0) {
    return fail(host, call, CARTERA_E_INVALID_ARGUMENT, "a name is needed");
  }
  if (name.s.len > 100) {
    return fail(host, call, CARTERA_E_INPUT_REJECTED, "name longer than 100 bytes");
  }
  if (host->get_param(call, cstr("times"), &times) != CARTERA_OK) {
    times.i = 1;
  }
  if (times.i < 1 || times.i > 1000) {
    return fail(host, call, CARTERA_E_INVALID_ARGUMENT, "times must be between 1 and 1000");
  }
  if (host->get_param(call, cstr("format"), &format) == CARTERA_OK && format.s.len == 3 &&
      memcmp(format.s.ptr, "svg", 3) == 0) {
    n = snprintf(doc, sizeof doc,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"40\">"
                 "<text x=\"10\" y=\"25\">%s, %.*s</text></svg>\n",
                 self->salutation, (int)name.s.len, name.s.ptr);
    return host->emit_output(call, cstr("image/svg+xml"), cstr(doc));
  }

  cols[0].name = cstr("n");
  cols[0].type = CARTERA_TYPE_INTEGER;
  cols[1].name = cstr("greeting");
  cols[1].type = CARTERA_TYPE_TEXT;
  cols[2].name = cstr("request");
  cols[2].type = CARTERA_TYPE_TEXT;
  cols[0].reserved = cols[1].reserved = cols[2].reserved = 0;
  if (host->result_columns(call, cols, 3) != CARTERA_OK) {
    return CARTERA_E_INTERNAL;
  }
  for (i = 1; i <= times.i; ++i) {
    cartera_value row[3];
    if (host->is_cancelled(call)) {
      return fail(host, call, CARTERA_E_CANCELLED, "cancelled");
    }
    snprintf(line, sizeof line, "%s, %.*s", self->salutation, (int)name.s.len, name.s.ptr);
    memset(row, 0, sizeof row);
    row[0].type = CARTERA_TYPE_INTEGER;
    row[0].i = i;
    row[1].type = CARTERA_TYPE_TEXT;
    row[1].s = cstr(line);
    row[2].type = CARTERA_TYPE_TEXT;
    row[2].s = host->request_id(call);
    if (host->result_row(call, row, 3) != CARTERA_OK) {
      return CARTERA_E_INTERNAL;
    }
    host->progress(call, (uint64_t)i, (uint64_t)times.i, cstr("greeting"));
  }

  /* One document per name: the key is the business fact, so a rerun emits nothing new. */
  if (!xml_escape(name.s.ptr, name.s.len, escaped, sizeof escaped)) {
    return fail(host, call, CARTERA_E_INPUT_REJECTED, "name too long to escape");
  }
  n = snprintf(doc, sizeof doc,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<greeting xmlns=\"urn:cartera:example:greeting:1\">\n"
               "  <to>%s</to>\n  <text>%s, %s</text>\n  <times>%lld</times>\n</greeting>\n",
               escaped, self->salutation, escaped, (long long)times.i);
  if (n < 0 || (size_t)n >= sizeof doc) {
    return fail(host, call, CARTERA_E_INTERNAL, "document too long");
  }
  snprintf(key, sizeof key, "greeting/%.*s", (int)name.s.len, name.s.ptr);
  host->log(call, CARTERA_LOG_INFO, cstr("greeted"));
  return host->emit_document(call, cstr("greeting"), cstr(key), cstr(doc));
}

static cartera_status hello_handle(void *instance, cartera_call *call, cartera_str job, cartera_str input) {
  struct hello *self = (struct hello *)instance;
  (void)input;
  if (job.len == 5 && memcmp(job.ptr, "greet", 5) == 0) {
    return greet(self, call);
  }
  return fail(self->host, call, CARTERA_E_UNSUPPORTED, "unknown job");
}

/* Id, version, display name, the ABI minor required, capabilities: the manifest's, as
** hello_identity.h has them; the ABI it is built with: the header's, as the stamped manifest. */
static const cartera_plugin_descriptor kDescriptor = {
    sizeof(cartera_plugin_descriptor),
    CARTERA_ABI_MAJOR,
    CARTERA_ABI_MINOR,
    CARTERA_MODULE_ABI_MINOR_REQUIRED, /* 0: needs only what ABI 1.0 offers */
    0,
    0,
    LIT(CARTERA_MODULE_ID),
    LIT(CARTERA_MODULE_VERSION),
    LIT(CARTERA_MODULE_DISPLAY_NAME),
    LIT("cartera"),
    LIT("Apache-2.0"),
    CARTERA_MODULE_CAPABILITIES,
    kDocTypes,
    CARTERA_MODULE_DOC_TYPE_COUNT,
    0,
    hello_create,
    hello_destroy,
    hello_handle,
    NULL,
};

CARTERA_PLUGIN_EXPORT const cartera_plugin_descriptor *cartera_plugin_entry_v1(void) {
  return &kDescriptor;
}
