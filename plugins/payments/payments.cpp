// payments: bank files in, each movement stored once, matched to open invoices, reviewed by a
// lead, corrected (README.md). This file: the module's descriptor; its jobs are the job table
// Payments::kJobs, each a member function of Payments in the file of its seam (payments.hpp,
// README.md "Files").
#include "payments.hpp"

#include <cartera/plugin.hpp>

#include <iterator>

namespace {

constexpr cartera_doc_type kDocTypes[] = {
    cartera::doc_out("adjustment-request", "urn:cartera:payment-adjustment:1"),
    cartera::doc_out("offset-request", "urn:cartera:payment-offset:1"),
    cartera::doc_out("cash-receipt-request", "urn:cartera:cash-receipt-request:1")};

constexpr cartera::ModuleInfo kInfo{"org.cartera.payments",
                                    "0.1.0",
                                    "Pagos: archivos del banco, aplicación y revisión",
                                    "cartera",
                                    "Apache-2.0",
                                    CARTERA_CAP_PAYMENTS,
                                    kDocTypes,
                                    std::size(kDocTypes),
                                    0,
                                    0};

} // namespace

CARTERA_PLUGIN(cartera::payments::Payments, kInfo)
