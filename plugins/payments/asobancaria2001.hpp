// Asobancaria 2001 "archivo de recaudo": the collection file a Colombian bank sends the company
// whose payments it collected (layout: shared/domain/colombia.md §6.1). Fixed-width ASCII
// records of 162 characters: 01 file header, then per lot 05 header, 06 details and 08 control,
// then the 09 file control. The parser checks the record order, every field's syntax and every
// control total before returning anything: a file that does not add up is refused whole, since
// a partial import would post some payments of a lot and silently lose others.
#pragma once

#include "bank_file.hpp"

#include <string_view>

namespace cartera::payments {

// Reads the whole file. Throws BankFileError naming the physical line (1-based), the field as
// colombia.md names it ("06 valor recaudado", "08 valor total recaudado del lote"), its value
// and why. Each 06 becomes one BankEntry (money in; reversal set when it carries a causal de
// devolución), dated on the 01's fecha de recaudo.
BankFile parse_asobancaria2001(std::string_view bytes);

} // namespace cartera::payments
