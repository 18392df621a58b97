// <module>.plugin.xml: a module's identity, ABI, library hash, capabilities, document types,
// named operations and jobs, read without running any of the module's code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cartera::runtime {

class SchemaSet;

struct ParamSpec {
  std::string name; // the CLI option is --name
  std::string type; // text | integer | amount | date | boolean
  std::string help;
  bool required = false;
  std::optional<std::string> default_value;
  std::vector<std::string> choices; // empty = any value of the type
  bool positional = false;          // the job's one bare word binds here
  std::string schema;               // a file's XSD, validated by the host
};

struct JobSpec {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  std::vector<std::string> operations; // named operations the job uses
  std::vector<std::string> formats;    // table csv xml json svg html pdf
  std::string input_doc_type;          // document type read from --input, or empty
  bool writes = false;                 // changes state (journaled as such)
  std::set<std::string> roles;         // roles allowed to run it; empty = any user of the department
  [[nodiscard]] const ParamSpec *find_param(const std::string &n) const;
  [[nodiscard]] const ParamSpec *positional_param() const;
  [[nodiscard]] bool has_format(const std::string &f) const;
};

struct DocTypeSpec {
  std::string name;
  std::string namespace_uri;
  std::string schema;            // file name under schemas/xml
  int direction = 0;             // CARTERA_DOC_OUT / CARTERA_DOC_IN
  std::string customer_path;     // "holder/@customer": archived in that customer's folder (ABI 1.2)
  std::string period_path;       // a date in the document choosing the folder's year and month
  bool outbox = true;            // written to the outbox when no recipient takes it
  bool archive_deferred = false; // filed by `cartera archive file` after the run, not by it
};

struct Manifest {
  std::filesystem::path path;
  std::string id;
  std::string name; // the CLI command: cartera NAME JOB
  std::string version;
  std::string display_name;
  std::string description;
  std::uint16_t abi_major = 0;
  std::uint16_t abi_minor_built = 0;
  std::uint16_t abi_minor_required = 0;
  std::string library_file;
  std::string library_sha256;
  std::vector<std::string> capabilities;
  std::uint64_t capability_bits = 0;
  std::vector<DocTypeSpec> doc_types;
  std::vector<std::string> operations;
  std::vector<JobSpec> jobs;

  [[nodiscard]] const JobSpec *find_job(const std::string &n) const;
  [[nodiscard]] const DocTypeSpec *find_doc_type(const std::string &n) const;
};

// Validates against plugin-manifest.xsd and reads it. Throws Failure(kInputRefused).
Manifest read_manifest(const std::filesystem::path &path, SchemaSet &schemas);

// CARTERA_CAP_* bit for a capability word, 0 if unknown.
std::uint64_t capability_bit(const std::string &word) noexcept;
std::string capability_words(std::uint64_t bits);

} // namespace cartera::runtime
