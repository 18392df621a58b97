#include "concepts.hpp"

#include <pugixml.hpp>

#include <cstring>
#include <stdexcept>

namespace cartera::receipts {

const CreditNoteConcepts &credit_note_concepts() {
  static const CreditNoteConcepts kConcepts = [] {
    CreditNoteConcepts c;
    pugi::xml_document doc;
    if (!doc.load_buffer(kConceptsXml, std::strlen(kConceptsXml))) {
      throw std::runtime_error("the compiled-in DIAN entry list is not XML");
    }
    const pugi::xml_node root = doc.child("dian-concepts");
    c.default_anexo = root.attribute("default").value();
    for (const pugi::xml_node anexo : root.children("anexo")) {
      auto &codes = c.by_anexo[anexo.attribute("version").value()];
      for (const pugi::xml_node entry : anexo.child("credit-note").children("concept")) {
        codes[entry.attribute("code").value()] = entry.text().get();
      }
    }
    return c;
  }();
  return kConcepts;
}

} // namespace cartera::receipts
