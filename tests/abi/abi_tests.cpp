// The loader's decision table (design/abi.md A.11, A.12), row by row, on fixture modules.
#include "module_dir.hpp"

#include "base/failure.hpp"
#include "runtime/call/call.hpp"
#include "runtime/files/xml_schema.hpp"
#include "runtime/loader/elf_exports.hpp"
#include "runtime/loader/loader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

namespace {

namespace fs = std::filesystem;
using cartera::runtime::Failure;
using cartera::runtime::HostAbi;
using cartera::runtime::LoadedModule;
using cartera::runtime::ModuleCatalog;
using cartera::runtime::ModuleRecord;
using cartera::runtime::OwnedValue;
using cartera::testing::ManifestSpec;
using cartera::testing::ModuleDir;

class RecordingSink : public cartera::runtime::ResultSink {
public:
  void columns(const std::vector<cartera::runtime::ResultColumn> &c) override { cols = c; }
  void row(const std::vector<cartera::runtime::OwnedValue> &v) override { rows.push_back(v); }
  void raw(const std::string &, std::string_view chunk) override { raw_out += chunk; }
  void finish() override {}
  std::vector<cartera::runtime::ResultColumn> cols;
  std::vector<std::vector<cartera::runtime::OwnedValue>> rows;
  std::string raw_out;
};

struct Invocation {
  cartera_status status = CARTERA_OK;
  std::string error;
  RecordingSink sink;
  std::vector<cartera::runtime::EmittedDocument> documents;
};

// A host adapter in memory with one operation, good_recall (memory_key text, amount centavos,
// noted_on date), over the rows a test gives it; or one whose prepare fails as a database's
// would.
class MemoryRecall : public cartera::runtime::PreparedOperation {
public:
  explicit MemoryRecall(std::vector<std::vector<OwnedValue>> rows) : rows_(std::move(rows)) {}
  void bind(const std::string &, const OwnedValue &) override {}
  void add_row() override {}
  std::int64_t execute() override { return 0; }
  bool step() override { return ++next_ <= rows_.size(); }
  [[nodiscard]] std::uint32_t column_count() const override { return 3; }
  [[nodiscard]] const std::string &column_name(std::uint32_t i) const override { return names_.at(i); }
  [[nodiscard]] cartera_value column(std::uint32_t i) const override { return rows_.at(next_ - 1).at(i).view(); }

private:
  std::vector<std::vector<OwnedValue>> rows_;
  std::vector<std::string> names_{"memory_key", "amount", "noted_on"};
  std::size_t next_ = 0;
};

class MemoryData : public cartera::runtime::DataAccess {
public:
  [[nodiscard]] bool has_operation(const std::string &name) const override { return name == "good_recall"; }
  std::unique_ptr<cartera::runtime::PreparedOperation> prepare(const std::string &) override {
    if (locked) {
      throw std::runtime_error("database is locked");
    }
    return std::make_unique<MemoryRecall>(rows);
  }
  std::vector<std::vector<OwnedValue>> rows;
  bool locked = false;
};

OwnedValue owned(std::int32_t type, std::int64_t i, std::string s = {}) {
  OwnedValue v;
  v.type = type;
  v.i = i;
  v.s = std::move(s);
  return v;
}

// Creates an instance, runs one job, destroys the instance: what the job runner does, without
// the journal, so that the ABI is tested on its own.
// With as_job, the call names the manifest's job, as a run's does (op_prepare then holds the
// job to its <uses>).
Invocation invoke(const LoadedModule &mod, const std::string &job, cartera::runtime::DataAccess *data = nullptr,
                  bool as_job = false) {
  Invocation inv;
  cartera_call call;
  call.manifest = &mod.manifest;
  call.job = as_job ? mod.manifest.find_job(job) : nullptr;
  call.sink = &inv.sink;
  call.request_id = "R-test";
  call.data = data;
  void *instance = nullptr;
  inv.status = mod.descriptor.create(cartera::runtime::host_services(), &call, &instance);
  if (inv.status == CARTERA_OK) {
    inv.status = mod.descriptor.handle(instance, &call, cartera_str{job.data(), job.size()}, cartera_str{});
    mod.descriptor.destroy(instance);
  }
  inv.error = call.error_message;
  inv.documents.assign(call.documents.begin(), call.documents.end());
  return inv;
}

class AbiTest : public ::testing::Test {
protected:
  AbiTest() : schemas_(CARTERA_SCHEMA_XML_DIR) { schemas_.add_fallback_dir(dir_.path() / "schemas"); }
  void TearDown() override { cartera::runtime::unload_all_modules_for_tests(); }

  ModuleCatalog scan(HostAbi host = {}) { return ModuleCatalog::scan(dir_.path(), schemas_, host); }

  const ModuleRecord &only(const ModuleCatalog &c) {
    EXPECT_EQ(c.records().size(), 1u);
    return c.records().front();
  }

  // The refusal, whether found by the scan or by loading.
  std::string refusal(HostAbi host = {}) {
    ModuleCatalog c = scan(host);
    const ModuleRecord &r = only(c);
    if (!r.ok()) {
      return r.refusal;
    }
    try {
      cartera::runtime::load_module(r, host);
    } catch (const Failure &f) {
      return f.what();
    }
    return "";
  }

  std::shared_ptr<const LoadedModule> load(const std::string &name, HostAbi host = {}) {
    ModuleCatalog c = scan(host);
    const ModuleRecord *r = c.find(name);
    EXPECT_NE(r, nullptr);
    EXPECT_TRUE(r->ok()) << r->refusal;
    return cartera::runtime::load_module(*r, host);
  }

  ModuleDir dir_;
  cartera::runtime::SchemaSet schemas_;
};

TEST_F(AbiTest, WellFormedCModuleLoadsAndRuns) {
  dir_.add("plain", {"org.test.plain", "plain"});
  auto mod = load("plain");
  EXPECT_EQ(mod->descriptor.abi_major, 1);
  Invocation inv = invoke(*mod, "whoami");
  ASSERT_EQ(inv.status, CARTERA_OK) << inv.error;
  ASSERT_EQ(inv.sink.rows.size(), 1u);
  EXPECT_EQ(inv.sink.rows[0][0].s, "plain");
}

TEST_F(AbiTest, ModuleBuiltAgainstFrozen10HeaderLoads) {
  dir_.add("frozen_v10", {"org.test.frozen", "frozen", "1.0.0", 1, 0, 0}); // built with minor 0
  auto mod = load("frozen");
  EXPECT_EQ(invoke(*mod, "whoami").sink.rows.at(0).at(0).s, "frozen");
}

TEST_F(AbiTest, NewerModuleWithOldRequirementLoadsOnA10HostAndItsTailIsIgnored) {
  dir_.add("newer_minor", {"org.test.newer", "newer", "1.0.0", 1, 7, 0});
  auto mod = load("newer", HostAbi{1, 0});
  EXPECT_EQ(mod->descriptor.abi_minor_built, 7);
  EXPECT_EQ(invoke(*mod, "whoami").sink.rows.at(0).at(0).s, "newer");
}

TEST_F(AbiTest, UnmetMinorRequirementInDescriptorIsRefusedNamingBothVersions) {
  dir_.add("minor_required", {"org.test.minor", "minor"});
  const std::string why = refusal();
  EXPECT_NE(why.find("requires host ABI 1.9 or newer"), std::string::npos) << why;
  EXPECT_NE(why.find("implements ABI 1." + std::to_string(CARTERA_ABI_MINOR)), std::string::npos) << why;
  EXPECT_NE(why.find("org.test.minor"), std::string::npos) << why;
}

TEST_F(AbiTest, UnmetMinorRequirementInManifestIsRefusedBeforeLoading) {
  dir_.add("plain", {"org.test.plain", "plain", "1.0.0", 1, 3, 3});
  const std::string why = refusal();
  EXPECT_NE(why.find("requires host ABI 1.3 or newer; this host implements ABI 1." + std::to_string(CARTERA_ABI_MINOR)),
            std::string::npos)
      << why;
}

TEST_F(AbiTest, DescriptorClaimingAbi2IsRefusedNaming2And1) {
  dir_.add("abi2_descriptor", {"org.test.abi2", "abi2"});
  const std::string why = refusal();
  // The fixture claims major 2 with this header's minor.
  EXPECT_NE(why.find("built for ABI 2." + std::to_string(CARTERA_ABI_MINOR) + "; this host implements ABI 1." +
                     std::to_string(CARTERA_ABI_MINOR)),
            std::string::npos)
      << why;
}

TEST_F(AbiTest, ManifestClaimingAbi2IsRefusedWithoutLoading) {
  dir_.add("abi2_descriptor", {"org.test.abi2", "abi2", "1.0.0", 2, 0, 0});
  const ModuleCatalog c = scan();
  EXPECT_NE(only(c).refusal.find("declares ABI 2.0; this host implements ABI 1." + std::to_string(CARTERA_ABI_MINOR)),
            std::string::npos)
      << only(c).refusal;
}

TEST_F(AbiTest, ModuleExportingOnlyTheV2EntryIsRefusedAsAnotherMajor) {
  dir_.add("entry_v2", {"org.test.entryv2", "entryv2"});
  const std::string why = refusal();
  EXPECT_NE(why.find("built for ABI 2.x (exports cartera_plugin_entry_v2); this host implements ABI 1." +
                     std::to_string(CARTERA_ABI_MINOR)),
            std::string::npos)
      << why;
}

TEST_F(AbiTest, MissingLibraryFileIsRefused) {
  dir_.write_manifest({"org.test.gone", "gone", "1.0.0", 1, 0, 0, "gone.so"});
  EXPECT_NE(refusal().find("library gone.so named by the manifest does not exist"), std::string::npos);
}

TEST_F(AbiTest, FileThatIsNotElfIsRefused) {
  dir_.write_file("text.so", "this is not a shared object\n");
  dir_.write_manifest({"org.test.text", "text", "1.0.0", 1, 0, 0, "text.so"});
  const std::string why = refusal();
  EXPECT_NE(why.find("text.so"), std::string::npos) << why;
  EXPECT_NE(why.find("not"), std::string::npos) << why;
}

TEST_F(AbiTest, TruncatedLibraryIsRefused) {
  const std::string bytes = cartera::testing::read_text(fs::path(CARTERA_FIXTURE_DIR) / "plain.so");
  dir_.write_file("cut.so", bytes.substr(0, bytes.size() / 2));
  dir_.write_manifest({"org.test.cut", "cut", "1.0.0", 1, 0, 0, "cut.so"});
  const std::string why = refusal();
  EXPECT_NE(why.find("cut.so"), std::string::npos) << why;
  EXPECT_TRUE(why.find("truncated") != std::string::npos || why.find("not a loadable") != std::string::npos) << why;
}

TEST_F(AbiTest, LibraryWithoutEntrySymbolIsRefused) {
  dir_.add("no_entry", {"org.test.noentry", "noentry"});
  EXPECT_NE(refusal().find("does not export cartera_plugin_entry_v1"), std::string::npos);
}

TEST_F(AbiTest, UnresolvedDependencyIsRefusedAtLoadTimeNamingTheSymbol) {
  dir_.add("unresolved", {"org.test.unresolved", "unresolved"});
  const std::string why = refusal();
  EXPECT_NE(why.find("cannot load unresolved.so"), std::string::npos) << why;
  EXPECT_NE(why.find("cartera_test_symbol_nobody_defines"), std::string::npos) << why;
}

TEST_F(AbiTest, NullDescriptorIsRefused) {
  dir_.add("null_descriptor", {"org.test.null", "nulldesc"});
  EXPECT_NE(refusal().find("corrupt descriptor: cartera_plugin_entry_v1 returned NULL"), std::string::npos);
}

TEST_F(AbiTest, TooSmallDescriptorIsRefused) {
  dir_.add("small_struct", {"org.test.small", "small"});
  const std::string why = refusal();
  EXPECT_NE(why.find("struct_size is 16 bytes, smaller than the 152 bytes of an ABI 1.0 descriptor"), std::string::npos)
      << why;
}

TEST_F(AbiTest, NullMandatoryCallbackIsRefused) {
  dir_.add("null_callback", {"org.test.nullcb", "nullcb"});
  EXPECT_NE(refusal().find("mandatory callback 'handle' is NULL"), std::string::npos);
}

TEST_F(AbiTest, DuplicateIdIsRefused) {
  dir_.add("plain", {"org.test.plain", "plain"});
  dir_.add("plain", {"org.test.plain", "plain2", "1.0.0", 1, 0, 0, "plain2.so"});
  const ModuleCatalog c = scan();
  ASSERT_EQ(c.records().size(), 2u);
  EXPECT_TRUE(c.records()[0].ok());
  EXPECT_NE(c.records()[1].refusal.find("duplicate id 'org.test.plain' (already provided by plain.plugin.xml)"),
            std::string::npos)
      << c.records()[1].refusal;
}

TEST_F(AbiTest, ManifestWhoseHashDoesNotMatchTheBinaryIsRefused) {
  dir_.add("plain", {"org.test.plain", "plain", "1.0.0", 1, 0, 0, "", std::string(64, 'a')});
  EXPECT_NE(refusal().find("manifest does not match binary: sha256 of plain.so is"), std::string::npos);
}

TEST_F(AbiTest, ManifestWhoseIdDiffersFromTheDescriptorIsRefused) {
  dir_.add("plain", {"org.test.other", "plain"});
  const std::string why = refusal();
  EXPECT_NE(why.find("manifest does not match binary: id is 'org.test.plain' in the binary, 'org.test.other'"),
            std::string::npos)
      << why;
}

TEST_F(AbiTest, ManifestWhoseVersionDiffersFromTheDescriptorIsRefused) {
  dir_.add("plain", {"org.test.plain", "plain", "2.0.0"});
  EXPECT_NE(refusal().find("version is '1.0.0' in the binary, '2.0.0'"), std::string::npos);
}

// cartera_add_module stamps minor-built from the abi.h the module is compiled against; a
// template that writes it by hand (the stale_built fixture says 1) no longer matches the binary.
TEST_F(AbiTest, ManifestWhoseMinorBuiltDiffersFromTheDescriptorIsRefused) {
  dir_.add_stamped("stale_built", CARTERA_FIXTURE_DIR);
  const std::string why = refusal();
  EXPECT_NE(why.find("org.test.stalebuilt"), std::string::npos) << why;
  EXPECT_NE(why.find("manifest does not match binary: abi built is '1." + std::to_string(CARTERA_ABI_MINOR) +
                     "' in the binary, '1.1' in the manifest"),
            std::string::npos)
      << why;
}

// The same module with the value cartera_add_module stamps loads: only minor-built differed.
TEST_F(AbiTest, ManifestWhoseMinorBuiltIsStampedFromTheHeaderLoads) {
  dir_.add_stamped("stale_built", CARTERA_FIXTURE_DIR);
  const fs::path manifest = dir_.path() / "stale_built.plugin.xml";
  std::string text = cartera::testing::read_text(manifest);
  const std::string stale = "minor-built=\"1\"";
  ASSERT_NE(text.find(stale), std::string::npos) << text;
  text.replace(text.find(stale), stale.size(), "minor-built=\"" + std::to_string(CARTERA_ABI_MINOR) + "\"");
  dir_.write_file("stale_built.plugin.xml", text);
  auto mod = load("stalebuilt");
  EXPECT_EQ(mod->descriptor.abi_minor_built, CARTERA_ABI_MINOR);
  EXPECT_EQ(mod->manifest.abi_minor_built, CARTERA_ABI_MINOR);
}

// Every module built with cartera_add_module has the identity its manifest declares: the
// generated <target>_identity.hpp carries the template's id, version, display name,
// minor-required, capabilities and document types into the descriptor.
TEST_F(AbiTest, AModuleBuiltWithCarteraAddModuleHasItsManifestsIdentity) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  const cartera_plugin_descriptor &d = mod->descriptor;
  EXPECT_EQ(std::string(d.id.ptr, d.id.len), mod->manifest.id);
  EXPECT_EQ(std::string(d.version.ptr, d.version.len), mod->manifest.version);
  EXPECT_EQ(std::string(d.display_name.ptr, d.display_name.len), mod->manifest.display_name);
  EXPECT_EQ(d.abi_major, mod->manifest.abi_major);
  EXPECT_EQ(d.abi_minor_built, mod->manifest.abi_minor_built);
  EXPECT_EQ(d.abi_minor_required, mod->manifest.abi_minor_required);
  EXPECT_EQ(d.capabilities, mod->manifest.capability_bits);
  ASSERT_EQ(d.doc_type_count, 1u);
  EXPECT_EQ(std::string(d.doc_types[0].name.ptr, d.doc_types[0].name.len), "note");
}

TEST_F(AbiTest, InvalidManifestIsRefusedWithItsLine) {
  dir_.write_file("broken.plugin.xml", "<?xml version=\"1.0\"?>\n<plugin xmlns=\"urn:cartera:plugin-manifest:1\">\n");
  const ModuleCatalog c = scan();
  EXPECT_NE(only(c).refusal.find("invalid manifest:"), std::string::npos);
  EXPECT_NE(only(c).refusal.find("broken.plugin.xml:"), std::string::npos) << only(c).refusal;
}

TEST_F(AbiTest, WorldWritableLibraryIsRefused) {
  dir_.add("plain", {"org.test.plain", "plain"});
  ::chmod((dir_.path() / "plain.so").c_str(), 0777);
  EXPECT_NE(refusal().find("is world-writable"), std::string::npos);
}

TEST_F(AbiTest, LibraryReachedThroughASymlinkOutsideTheDirectoryIsRefused) {
  ModuleDir elsewhere;
  elsewhere.add("plain", {"org.test.plain", "plain"});
  fs::create_symlink(elsewhere.path() / "plain.so", dir_.path() / "plain.so");
  dir_.write_manifest({"org.test.plain", "plain", "1.0.0", 1, 0, 0, "plain.so"});
  EXPECT_NE(refusal().find("is not a regular file inside"), std::string::npos);
}

TEST_F(AbiTest, CreateFailureMessageReachesTheCallerVerbatim) {
  dir_.add("create_fails", {"org.test.createfails", "createfails"});
  auto mod = load("createfails");
  Invocation inv = invoke(*mod, "whoami");
  EXPECT_EQ(inv.status, CARTERA_E_INVALID_ARGUMENT);
  EXPECT_EQ(inv.error, "setting 'bank' is required by create-fails");
}

TEST_F(AbiTest, ThrowingModuleReturnsInternalWithTheMessageAndTheHostGoesOn) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation boom = invoke(*mod, "boom");
  EXPECT_EQ(boom.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(boom.error, "boom at row 3");
  Invocation next = invoke(*mod, "hello");
  ASSERT_EQ(next.status, CARTERA_OK) << next.error;
  ASSERT_EQ(next.sink.rows.size(), 1u);
  EXPECT_EQ(next.sink.rows[0][1].i, 123456);
  EXPECT_EQ(next.documents.size(), 1u);
}

TEST_F(AbiTest, TypedErrorKeepsItsCodeAndDetail) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation inv = invoke(*mod, "refuse");
  EXPECT_EQ(inv.status, CARTERA_E_INPUT_REJECTED);
  EXPECT_EQ(inv.error, "bank.xml:12: amount '-5' is negative");
}

TEST_F(AbiTest, HostServiceMisuseReturnsAnErrorCodeInsteadOfThrowing) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation inv = invoke(*mod, "misuse");
  EXPECT_EQ(inv.status, CARTERA_E_INVALID_ARGUMENT);
  EXPECT_NE(inv.error.find("host answered 1"), std::string::npos) << inv.error;
}

// plugin.hpp's job table: each job name reaches its function; a name not in the table is refused
// as UNSUPPORTED, naming the module by the last part of its id.
TEST_F(AbiTest, TheCxxJobTableDispatchesByNameAndRefusesAJobItDoesNotHave) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation approve = invoke(*mod, "approve");
  ASSERT_EQ(approve.status, CARTERA_OK) << approve.error;
  ASSERT_EQ(approve.sink.cols.size(), 1u);
  EXPECT_EQ(approve.sink.cols[0].name, "approved");
  Invocation unknown = invoke(*mod, "whoami");
  EXPECT_EQ(unknown.status, CARTERA_E_UNSUPPORTED);
  EXPECT_EQ(unknown.error, "good has no job 'whoami'");
}

TEST_F(AbiTest, TheCxxLayerReadsColumnsByNameWithTheirTypes) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  MemoryData data;
  data.rows = {{owned(CARTERA_TYPE_TEXT, 0, "a"), owned(CARTERA_TYPE_CENTAVOS, 150), owned(CARTERA_TYPE_DATE, 20414)},
               {owned(CARTERA_TYPE_TEXT, 0, "b"), owned(CARTERA_TYPE_CENTAVOS, -7), owned(CARTERA_TYPE_DATE, 20415)}};
  Invocation inv = invoke(*mod, "by-name", &data);
  ASSERT_EQ(inv.status, CARTERA_OK) << inv.error;
  ASSERT_EQ(inv.sink.rows.size(), 2u);
  EXPECT_EQ(inv.sink.rows[1][0].s, "b");
  EXPECT_EQ(inv.sink.rows[1][1].type, CARTERA_TYPE_CENTAVOS);
  EXPECT_EQ(inv.sink.rows[1][1].i, -7);
  EXPECT_EQ(inv.sink.rows[1][2].type, CARTERA_TYPE_DATE);
  EXPECT_EQ(inv.sink.rows[1][2].i, 20415);
}

TEST_F(AbiTest, TheCxxLayerRefusesAColumnReadAsAnotherTypeOrANullReadAsAValueNamingTheColumn) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  MemoryData data;
  data.rows = {{owned(CARTERA_TYPE_TEXT, 0, "a"), owned(CARTERA_TYPE_CENTAVOS, 150), owned(CARTERA_TYPE_DATE, 20414)}};
  Invocation as_text = invoke(*mod, "by-name-as-text", &data);
  EXPECT_EQ(as_text.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(as_text.error, "operation 'good_recall': column 'amount' is centavos, read as text");

  data.rows = {{owned(CARTERA_TYPE_TEXT, 0, "a"), owned(CARTERA_TYPE_NULL, 0), owned(CARTERA_TYPE_DATE, 20414)}};
  Invocation null = invoke(*mod, "by-name", &data);
  EXPECT_EQ(null.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(null.error, "operation 'good_recall': column 'amount' is NULL where a centavos value is read (read it as "
                        "optional)");
}

// The reads by index (Operation::integer(i), text(i)...) check the value's type as the named
// reads do: a text column read as an integer, or a NULL read as a value, is an error naming the
// operation and the column's index and name, never a 0 or "".
TEST_F(AbiTest, TheCxxLayerChecksTheTypeOfAColumnReadByPositionNamingItsIndex) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  MemoryData data;
  data.rows = {{owned(CARTERA_TYPE_TEXT, 0, "a"), owned(CARTERA_TYPE_CENTAVOS, 150), owned(CARTERA_TYPE_DATE, 20414)}};
  Invocation inv = invoke(*mod, "by-position", &data);
  ASSERT_EQ(inv.status, CARTERA_OK) << inv.error;
  ASSERT_EQ(inv.sink.rows.size(), 1u);
  EXPECT_EQ(inv.sink.rows[0][0].s, "a");
  EXPECT_EQ(inv.sink.rows[0][1].type, CARTERA_TYPE_CENTAVOS);
  EXPECT_EQ(inv.sink.rows[0][1].i, 150);
  EXPECT_EQ(inv.sink.rows[0][2].type, CARTERA_TYPE_DATE);
  EXPECT_EQ(inv.sink.rows[0][2].i, 20414);

  Invocation as_integer = invoke(*mod, "by-position-as-integer", &data);
  EXPECT_EQ(as_integer.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(as_integer.error, "operation 'good_recall': column 0 ('memory_key') is text, read as integer");

  data.rows = {{owned(CARTERA_TYPE_TEXT, 0, "a"), owned(CARTERA_TYPE_NULL, 0), owned(CARTERA_TYPE_DATE, 20414)}};
  Invocation null = invoke(*mod, "by-position", &data);
  EXPECT_EQ(null.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(
      null.error,
      "operation 'good_recall': column 1 ('amount') is NULL where a centavos value is read (check is_null first)");
}

TEST_F(AbiTest, TheCxxLayerRefusesAColumnTheOperationDoesNotHaveNamingThoseItHas) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  MemoryData data;
  Invocation inv = invoke(*mod, "by-name-missing", &data);
  EXPECT_EQ(inv.status, CARTERA_E_UNSUPPORTED);
  EXPECT_EQ(inv.error,
            "operation 'good_recall' has no column 'amount_due' (its columns: memory_key, amount, noted_on)");
}

// op_prepare's failure keeps the host's status and its reason: not every failure is UNSUPPORTED.
TEST_F(AbiTest, TheCxxLayerReportsTheHostsOwnStatusAndReasonWhenAnOperationCannotBePrepared) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation absent = invoke(*mod, "prepare-recall");
  EXPECT_EQ(absent.status, CARTERA_E_UNSUPPORTED);
  EXPECT_EQ(absent.error, "operation 'good_recall' is not available (the active host adapter does not implement "
                          "operation 'good_recall')");
  MemoryData data;
  data.locked = true;
  Invocation locked = invoke(*mod, "prepare-recall", &data);
  EXPECT_EQ(locked.status, CARTERA_E_INTERNAL);
  EXPECT_EQ(locked.error, "operation 'good_recall' cannot be prepared (host: database is locked)");
}

// op_prepare gives a job only the operations its <uses> lists (abi.h): good's overreach asks for
// good_remember, which the module declares and that job does not; the refusal is left on the
// call for the runner to audit.
TEST_F(AbiTest, OpPrepareRefusesAnOperationTheRunningJobDoesNotDeclare) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  MemoryData data;
  Invocation over = invoke(*mod, "overreach", &data, true);
  EXPECT_EQ(over.status, CARTERA_E_UNSUPPORTED);
  EXPECT_NE(over.error.find("job 'overreach' of module 'good' does not declare operation 'good_remember'"),
            std::string::npos)
      << over.error;
  EXPECT_EQ(invoke(*mod, "prepare-recall", &data, true).status, CARTERA_OK) << "what the job declares it reaches";
}

// add_business_days has no status (abi.h): past the calendar it answers the date unchanged, and
// plugin.hpp makes that an error rather than a wrong date.
TEST_F(AbiTest, TheCxxLayerRefusesABusinessDayPastTheHostsCalendar) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  Invocation inv = invoke(*mod, "calendar-edge");
  EXPECT_EQ(inv.status, CARTERA_E_INVALID_ARGUMENT);
  EXPECT_EQ(inv.error, "the business calendar does not cover 1 business days from day 47846");
}

TEST_F(AbiTest, SelfTestIsOfferedByTheCxxLayerWhenTheModuleHasOne) {
  dir_.add_stamped("good", CARTERA_FIXTURE_DIR);
  auto mod = load("good");
  EXPECT_NE(mod->descriptor.self_test, nullptr);
  dir_.add("plain", {"org.test.plain", "plain"});
  EXPECT_EQ(load("plain")->descriptor.self_test, nullptr);
}

TEST_F(AbiTest, ExceptionEscapingANoexceptCallbackTerminatesInsteadOfUnwindingIntoTheHost) {
  dir_.add("noexcept_throw", {"org.test.noexcept", "noexcept"});
  auto mod = load("noexcept");
  EXPECT_DEATH(invoke(*mod, "whoami"), "");
}

TEST_F(AbiTest, ModulesWithTheSameInternalSymbolEachCallTheirOwn) {
  dir_.add("shadow_a", {"org.test.shadowa", "shadowa"});
  dir_.add("shadow_b", {"org.test.shadowb", "shadowb"});
  auto a = load("shadowa");
  auto b = load("shadowb");
  EXPECT_EQ(invoke(*a, "whoami").sink.rows.at(0).at(0).s, "shadowa");
  EXPECT_EQ(invoke(*b, "whoami").sink.rows.at(0).at(0).s, "shadowb");
}

TEST_F(AbiTest, AnInstanceOutlivingTheRegistryKeepsItsLibraryMapped) {
  dir_.add("plain", {"org.test.plain", "plain"});
  auto mod = load("plain");
  cartera::runtime::unload_all_modules_for_tests();
  EXPECT_EQ(invoke(*mod, "whoami").sink.rows.at(0).at(0).s, "plain");
}

TEST_F(AbiTest, LoadUnloadReloadCycles) {
  dir_.add("plain", {"org.test.plain", "plain"});
  for (int i = 0; i < 3; ++i) {
    auto mod = load("plain");
    EXPECT_EQ(invoke(*mod, "whoami").status, CARTERA_OK);
    cartera::runtime::unload_all_modules_for_tests();
  }
}

TEST_F(AbiTest, ListingReadsManifestsOnlyAndRunsNoModuleCode) {
  // unresolved.so cannot even be loaded; the scan must still list it as ok (its manifest and
  // ELF are fine), which proves the scan never dlopens.
  dir_.add("unresolved", {"org.test.unresolved", "unresolved"});
  const ModuleCatalog c = scan();
  EXPECT_TRUE(only(c).ok()) << only(c).refusal;
}

TEST(ShippedModules, EachExportsExactlyTheEntrySymbol) {
  int count = 0;
  for (const auto &e : fs::directory_iterator(CARTERA_SHIPPED_MODULE_DIR)) {
    if (e.path().extension() != ".so") {
      continue;
    }
    ++count;
    const auto exports = cartera::runtime::read_elf_exports(e.path());
    ASSERT_TRUE(exports.ok) << e.path() << ": " << exports.error;
    EXPECT_EQ(exports.symbols, std::vector<std::string>{"cartera_plugin_entry_v1"}) << e.path();
  }
  EXPECT_GT(count, 0);
}

} // namespace
