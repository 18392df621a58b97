// payments: bank files in, each movement stored once, matched to open invoices, reviewed by a
// lead, corrected (README.md). This file: the module's descriptor; its jobs are the job table
// Payments::kJobs, each a member function of Payments in the file of its seam (payments.hpp,
// README.md "Files").
#include "payments.hpp"
#include "payments_identity.hpp"

#include <cartera/plugin.hpp>

#include <iterator>

namespace {

// Id, version, display name, ABI requirement, capabilities and document types: the manifest's
// (payments.plugin.xml.in), through the header cartera_add_module generates from it.
constexpr cartera::ModuleInfo kInfo = cartera::module_info(cartera_identity::kIdentity, "cartera", "Apache-2.0");

} // namespace

CARTERA_PLUGIN(cartera::payments::Payments, kInfo)
