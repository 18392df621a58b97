// payments: bank files in, each movement stored once, matched to open invoices, reviewed by a
// lead, corrected (README.md). This file: the module's descriptor and its job dispatch; each job
// is a member function of Payments in the file of its seam (payments.hpp, README.md "Files").
#include "payments.hpp"
#include "payments_identity.hpp"

#include <cartera/plugin.hpp>

#include <iterator>
#include <string>
#include <string_view>

namespace cartera::payments {

void Payments::run(Context &ctx, std::string_view job, std::string_view) {
  if (job == "import") {
    import(ctx);
  } else if (job == "entries") {
    entries(ctx);
  } else if (job == "files") {
    files(ctx);
  } else if (job == "match") {
    match(ctx);
  } else if (job == "review") {
    review(ctx);
  } else if (job == "approve") {
    approve(ctx);
  } else if (job == "reject") {
    reject(ctx);
  } else if (job == "unidentified") {
    unidentified(ctx);
  } else if (job == "assign") {
    assign(ctx);
  } else if (job == "return-check") {
    return_check(ctx);
  } else if (job == "reclassify") {
    reclassify(ctx);
  } else if (job == "offset") {
    offset(ctx);
  } else if (job == "report") {
    report(ctx);
  } else if (job == "open-items") {
    open_items(ctx);
  } else if (job == "returned-checks") {
    returned_checks(ctx);
  } else {
    throw Error(CARTERA_E_UNSUPPORTED, "payments has no job '" + std::string(job) + "'");
  }
}

} // namespace cartera::payments

namespace {

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (payments.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(cartera::payments::Payments, kInfo)
