// DIAN's credit-note concepts (cbc:ResponseCode) per Anexo Técnico version, from
// schemas/data/dian-credit-note-concepts.xml (compiled in; see concepts_data.cpp.in).
#pragma once

#include <map>
#include <string>

namespace cartera::receipts {

extern const char *const kConceptsXml;

struct CreditNoteConcepts {
  std::string default_anexo;                                          // the data file's default
  std::map<std::string, std::map<std::string, std::string>> by_anexo; // anexo -> code -> description
};

// Parses kConceptsXml; throws std::runtime_error if the compiled-in data is unreadable.
const CreditNoteConcepts &credit_note_concepts();

} // namespace cartera::receipts
