// What receipts publishes to statements (statement_movements): the credit notes accounting
// issued on requests made by hand, from the module's register (rcp_credit_note) and the answers
// the host's exchange keeps (document_answers, matched by credit_note_document_key). The module
// reads no host table itself.
#pragma once

#include <cartera/plugin.hpp>

namespace cartera::receipts {

// The statement-movements job (receipts.operations.xml, rcp_statement_movements).
void statement_movements(Context &ctx);

} // namespace cartera::receipts
