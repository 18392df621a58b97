// abi.h compiles alone as C++20 -pedantic with the same layout; plugin.hpp compiles too, and
// what it promises a module at compile time holds: a job table of every kind of job function
// dispatches (HasJobTable), the column types are the ABI's five, a descriptor built from a
// manifest's identity is constant-initialised with this header's ABI version.
#include "layout.h"
#include <cartera/abi.h>
#include <cartera/plugin.hpp>

#include <cstdint>
#include <string_view>

namespace {

struct Probe {
  explicit Probe(cartera::Context &) {}
  void member(cartera::Context &) {}
  void member_const(cartera::Context &) const {}
  void member_input(cartera::Context &, std::string_view) {}
  static void free_job(cartera::Context &) {}
  static void free_input(cartera::Context &, std::string_view) {}
  static constexpr cartera::Job<Probe> kJobs[] = {{"member", &Probe::member},
                                                  {"member-const", &Probe::member_const},
                                                  {"member-input", &Probe::member_input},
                                                  {"static", &Probe::free_job},
                                                  {"static-input", &Probe::free_input}};
};

static_assert(cartera::detail::HasJobTable<Probe>);
static_assert(!cartera::detail::HasRun<Probe>);
static_assert(Probe::kJobs[4].name == "static-input");

static_assert(cartera::ColumnType<cartera::Text>);
static_assert(cartera::ColumnType<std::int64_t>);
static_assert(cartera::ColumnType<cartera::Centavos>);
static_assert(cartera::ColumnType<cartera::Date>);
static_assert(cartera::ColumnType<bool>);
static_assert(!cartera::ColumnType<double>, "no ABI type is a floating-point number");
static_assert(!cartera::ColumnType<std::int32_t>, "integers are 64-bit");

constexpr cartera_doc_type kProbeDocs[] = {cartera::doc_out("note", "urn:cartera:test:note:1")};
constexpr cartera::ModuleIdentity kProbeIdentity{.id = "org.test.probe",
                                                 .name = "probe",
                                                 .version = "1.0.0",
                                                 .display_name = "probe",
                                                 .abi_minor_required = 1,
                                                 .capabilities = CARTERA_CAP_REPORTS,
                                                 .doc_types = kProbeDocs,
                                                 .doc_type_count = 1};
constexpr cartera::ModuleInfo kProbeInfo = cartera::module_info(kProbeIdentity, "cartera", "Apache-2.0");
constexpr cartera_plugin_descriptor kProbeDescriptor = cartera::describe<Probe>(kProbeInfo);

static_assert(kProbeDescriptor.struct_size == sizeof(cartera_plugin_descriptor));
static_assert(kProbeDescriptor.abi_major == CARTERA_ABI_MAJOR);
static_assert(kProbeDescriptor.abi_minor_built == CARTERA_ABI_MINOR);
static_assert(kProbeDescriptor.abi_minor_required == 1);
static_assert(kProbeDescriptor.capabilities == CARTERA_CAP_REPORTS);
static_assert(kProbeDescriptor.doc_type_count == 1);
static_assert(kProbeDescriptor.self_test == nullptr, "a module without self_test() has none");

} // namespace

int cartera_header_cxx_compiles() {
  return CARTERA_ABI_MAJOR + static_cast<int>(kProbeDescriptor.doc_type_count) - 1;
}
