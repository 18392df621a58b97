#include "exchange/acknowledgement.hpp"

#include "base/failure.hpp"
#include "exchange/delivery.hpp"
#include "runtime/files/xml_schema.hpp"

#include <pugixml.hpp>

namespace cartera::exchange {

Answer receive_acknowledgement(runtime::Host &host, std::string_view bytes, const std::string &source,
                               const std::string &sender) {
  // Refuses a DOCTYPE, entities and bad UTF-8 before any parser sees the bytes.
  const std::string ns = runtime::check_xml_and_root_namespace(bytes, source);
  if (ns != "urn:cartera:acknowledgement:1") {
    runtime::refuse_input(source + ": not an acknowledgement (root namespace '" + ns +
                          "', expected urn:cartera:acknowledgement:1)");
  }
  host.schemas().validate(bytes, source, "acknowledgement.xsd");
  pugi::xml_document doc;
  doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default & ~pugi::parse_doctype);
  const pugi::xml_node root = doc.document_element();
  Answer a;
  a.document = root.attribute("document").value();
  a.from = root.attribute("from").value();
  const pugi::xml_node accepted = root.child("accepted");
  a.accepted = static_cast<bool>(accepted);
  a.number = accepted.attribute("number").value();
  a.reason = root.child("rejected").attribute("reason").value();
  if (!sender.empty() && a.from != sender) {
    runtime::not_permitted(source + ": recipient '" + sender + "' answered as '" + a.from +
                           "'; a recipient answers only for the documents sent to it");
  }

  auto &store = host.store();
  const auto delivery = store.find_delivery(a.document, a.from);
  if (!delivery) {
    runtime::refuse_input(source + ": document " + a.document + " was never sent to recipient '" + a.from +
                          "' (cartera exchange status)");
  }
  if (delivery->state == "acknowledged" || delivery->state == "rejected") {
    const bool same = (delivery->state == "acknowledged") == a.accepted && delivery->answer_number == a.number &&
                      delivery->answer_reason == a.reason;
    if (!same) {
      runtime::refuse_input(
          source + ": document " + a.document + " was already answered by '" + a.from + "' (" + delivery->state +
          (delivery->answer_number.empty() ? "" : " as " + delivery->answer_number) +
          (delivery->answer_reason.empty() ? "" : ": " + delivery->answer_reason) + "); a different answer is refused");
    }
    a.already_recorded = true;
    return a;
  }
  sql::WriteTransaction tr(store.session());
  store.record_answer(a.document, a.from, a.accepted, a.number, a.reason, utc_now_iso());
  store.audit(runtime::AuditEntry{0, utc_now_iso(), a.from, "", a.accepted ? "acknowledged" : "rejected", a.document,
                                  a.accepted ? "number " + a.number : "reason: " + a.reason});
  tr.commit();
  return a;
}

} // namespace cartera::exchange
