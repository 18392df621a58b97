// XSD validation with libxml2 (pugixml does not validate). Every document the host reads or
// emits passes through here: DOCTYPEs are refused outright (no DTDs, no entities, no XXE),
// nothing is fetched from the network, and only UTF-8 is accepted.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::runtime {

struct CompiledSchema;

class SchemaSet {
public:
  // dir holds the .xsd files (share/cartera/schemas/xml).
  explicit SchemaSet(std::filesystem::path dir);
  ~SchemaSet();
  SchemaSet(const SchemaSet &) = delete;
  SchemaSet &operator=(const SchemaSet &) = delete;

  [[nodiscard]] const std::filesystem::path &dir() const noexcept { return dir_; }

  // A further folder searched after dir, for schemas that out-of-tree modules ship in
  // <module dir>/schemas/. The host's own schemas always win: a module cannot replace one.
  void add_fallback_dir(std::filesystem::path dir) { fallback_dirs_.push_back(std::move(dir)); }

  // Validates bytes against schema_file (a name in dir). On failure throws
  // Failure(kInputRefused) with "source:line: message".
  void validate(std::string_view bytes, const std::string &source, const std::string &schema_file);

  // validate() for a document whose root element must be in root_namespace (not checked when
  // empty), from one parse. Safe to call from several threads at once.
  void validate_document(std::string_view bytes, const std::string &source, const std::string &schema_file,
                         std::string_view root_namespace);

private:
  CompiledSchema &compiled(const std::string &schema_file);

  std::filesystem::path dir_;
  std::vector<std::filesystem::path> fallback_dirs_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<CompiledSchema>> cache_;
};

// Checks that bytes are well-formed UTF-8 XML without a DOCTYPE; returns the root element's
// namespace URI. Throws Failure(kInputRefused) with "source:line: message".
std::string check_xml_and_root_namespace(std::string_view bytes, const std::string &source);

// 1-based line of a byte offset in text (pugixml reports offsets, people want lines).
std::size_t line_of_offset(std::string_view text, std::ptrdiff_t offset) noexcept;

} // namespace cartera::runtime
