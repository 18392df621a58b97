#include "runtime/files/xml_schema.hpp"

#include "base/failure.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cartera::runtime {

namespace {

// Collects the first error libxml2 reports while a guard is alive on this thread.
struct ErrorCollector {
  std::string message;
  int line = 0;
  bool seen = false;
};

void collect(void *user, xmlErrorPtr error) {
  auto *c = static_cast<ErrorCollector *>(user);
  if (c->seen || error == nullptr || error->level < XML_ERR_ERROR) {
    return;
  }
  c->seen = true;
  c->line = error->line;
  c->message = error->message != nullptr ? error->message : "unknown XML error";
  while (!c->message.empty() && (c->message.back() == '\n' || c->message.back() == ' ')) {
    c->message.pop_back();
  }
}

class ErrorGuard {
public:
  explicit ErrorGuard(ErrorCollector &c) { xmlSetStructuredErrorFunc(&c, collect); }
  ~ErrorGuard() { xmlSetStructuredErrorFunc(nullptr, nullptr); }
  ErrorGuard(const ErrorGuard &) = delete;
  ErrorGuard &operator=(const ErrorGuard &) = delete;
};

// Schemas may include or import other local .xsd files; nothing else is ever loaded: no
// network, no external DTD, no entity from anywhere.
xmlParserInputPtr local_files_only(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
  (void)id;
  if (url == nullptr || std::strstr(url, "://") != nullptr) {
    return nullptr;
  }
  std::string path(url);
  if (path.size() < 4 || path.compare(path.size() - 4, 4, ".xsd") != 0) {
    return nullptr;
  }
  return xmlNewInputFromFile(ctxt, url);
}

struct DocDeleter {
  void operator()(xmlDoc *d) const noexcept { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

std::string located(const std::string &source, int line, const std::string &message) {
  std::ostringstream out;
  out << source;
  if (line > 0) {
    out << ':' << line;
  }
  out << ": " << message;
  return out.str();
}

std::once_flag &loader_once() {
  static std::once_flag once;
  return once;
}

void install_loader() {
  xmlInitParser();
  xmlSetExternalEntityLoader(local_files_only);
}

DocPtr parse_strict(std::string_view bytes, const std::string &source) {
  std::call_once(loader_once(), install_loader);
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) {
    refuse_input(source + ": document too large");
  }
  ErrorCollector errors;
  DocPtr doc;
  {
    ErrorGuard guard(errors);
    // No NOENT (entities stay unexpanded), no DTDLOAD, NONET: a DOCTYPE gets parsed as
    // inert data and then refused below.
    // One parser context per thread, kept: its dictionary of names carries over from one
    // document to the next, which made validating a day's 90,000 receipts a fifth cheaper.
    // COMPACT keeps short texts inside their nodes; the tree is never modified here.
    struct ContextPtr {
      xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
      ~ContextPtr() { xmlFreeParserCtxt(ctxt); }
    };
    thread_local ContextPtr parser;
    if (parser.ctxt == nullptr) {
      throw std::bad_alloc();
    }
    doc.reset(xmlCtxtReadMemory(parser.ctxt, bytes.data(), static_cast<int>(bytes.size()), source.c_str(), nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT));
  }
  if (!doc || errors.seen) {
    refuse_input(located(source, errors.line, errors.seen ? errors.message : "not well-formed XML"));
  }
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
    const std::size_t at = bytes.find("<!DOCTYPE");
    const int line =
        at == std::string_view::npos ? 0 : static_cast<int>(line_of_offset(bytes, static_cast<std::ptrdiff_t>(at)));
    refuse_input(located(source, line, "documents with a DOCTYPE are refused (no DTDs or entities are accepted)"));
  }
  if (doc->encoding != nullptr) {
    std::string enc(reinterpret_cast<const char *>(doc->encoding));
    std::transform(enc.begin(), enc.end(), enc.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (enc != "UTF-8" && enc != "UTF8") {
      refuse_input(located(source, 1, "encoding '" + enc + "' is refused; documents must be UTF-8"));
    }
  }
  return doc;
}

} // namespace

struct CompiledSchema {
  xmlSchemaPtr schema = nullptr;
  ~CompiledSchema() {
    if (schema != nullptr) {
      xmlSchemaFree(schema);
    }
  }
};

SchemaSet::SchemaSet(std::filesystem::path dir) : dir_(std::move(dir)) {}
SchemaSet::~SchemaSet() = default;

CompiledSchema &SchemaSet::compiled(const std::string &schema_file) {
  auto it = cache_.find(schema_file);
  if (it != cache_.end()) {
    return *it->second;
  }
  if (schema_file.empty() || schema_file.find('/') != std::string::npos ||
      schema_file.find("..") != std::string::npos) {
    fail("schema name '" + schema_file + "' must be a plain file name under " + dir_.string());
  }
  std::filesystem::path path = dir_ / schema_file;
  for (const auto &d : fallback_dirs_) {
    if (std::filesystem::is_regular_file(path)) {
      break;
    }
    path = d / schema_file;
  }
  if (!std::filesystem::is_regular_file(path)) {
    fail("schema " + schema_file + " is in neither " + dir_.string() + " nor a module's schemas folder");
  }
  std::call_once(loader_once(), install_loader);
  ErrorCollector errors;
  auto out = std::make_unique<CompiledSchema>();
  {
    ErrorGuard guard(errors);
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewParserCtxt(path.c_str());
    out->schema = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
  }
  if (out->schema == nullptr) {
    fail(located(path.string(), errors.line, "cannot compile schema: " + errors.message));
  }
  return *cache_.emplace(schema_file, std::move(out)).first->second;
}

void SchemaSet::validate(std::string_view bytes, const std::string &source, const std::string &schema_file) {
  validate_document(bytes, source, schema_file, {});
}

void SchemaSet::validate_document(std::string_view bytes, const std::string &source, const std::string &schema_file,
                                  std::string_view root_namespace) {
  DocPtr doc = parse_strict(bytes, source);
  if (!root_namespace.empty()) {
    const xmlNode *root = xmlDocGetRootElement(doc.get());
    const std::string_view ns = root != nullptr && root->ns != nullptr && root->ns->href != nullptr
                                    ? std::string_view(reinterpret_cast<const char *>(root->ns->href))
                                    : std::string_view();
    if (ns != root_namespace) {
      refuse_input(source + ": root namespace is '" + std::string(ns) + "', the manifest declares '" +
                   std::string(root_namespace) + "'");
    }
  }
  CompiledSchema *schema = nullptr;
  {
    // Only compiling and the cache need the lock: a compiled schema is read-only, and each
    // validation has its own context, so documents validate on several threads at once.
    std::lock_guard lock(mutex_);
    schema = &compiled(schema_file);
  }
  ErrorCollector errors;
  xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema->schema);
  xmlSchemaSetValidStructuredErrors(vctxt, collect, &errors);
  const int rc = xmlSchemaValidateDoc(vctxt, doc.get());
  xmlSchemaFreeValidCtxt(vctxt);
  if (rc != 0) {
    refuse_input(
        located(source, errors.line, errors.seen ? errors.message : "does not validate against " + schema_file));
  }
}

std::string check_xml_and_root_namespace(std::string_view bytes, const std::string &source) {
  DocPtr doc = parse_strict(bytes, source);
  xmlNode *root = xmlDocGetRootElement(doc.get());
  if (root == nullptr) {
    refuse_input(source + ": no root element");
  }
  return root->ns != nullptr && root->ns->href != nullptr ? std::string(reinterpret_cast<const char *>(root->ns->href))
                                                          : std::string();
}

std::size_t line_of_offset(std::string_view text, std::ptrdiff_t offset) noexcept {
  if (offset < 0) {
    return 0;
  }
  const auto end = std::min(static_cast<std::size_t>(offset), text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

} // namespace cartera::runtime
