#include "xml_names.hpp"

#include <string>

namespace cartera::payments {

std::string_view local_name(const char *name) noexcept {
  const std::string_view n(name);
  const std::size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string_view local_name(const pugi::xml_node &n) noexcept {
  return local_name(n.name());
}

pugi::xml_node child(const pugi::xml_node &parent, std::string_view name) noexcept {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) {
      return c;
    }
  }
  return {};
}

std::string_view root_namespace(const pugi::xml_node &root) noexcept {
  const std::string_view name = root.name();
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) {
    return root.attribute("xmlns").value();
  }
  const std::string_view prefix = name.substr(0, colon);
  for (const pugi::xml_attribute a : root.attributes()) {
    const std::string_view n = a.name();
    if (n.size() == 6 + prefix.size() && n.substr(0, 6) == "xmlns:" && n.substr(6) == prefix) {
      return a.value();
    }
  }
  return {};
}

std::string load_config_document(pugi::xml_document &doc, std::string_view xml, std::string_view root,
                                 std::string_view ns) {
  constexpr std::string_view kDoctype = "documents with a DOCTYPE are refused (no DTDs or entities are accepted)";
  if (xml.find("<!DOCTYPE") != std::string_view::npos) {
    return std::string(kDoctype);
  }
  // parse_doctype: a DOCTYPE written otherwise than "<!DOCTYPE" is still found as a node.
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  for (const pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      return std::string(kDoctype);
    }
  }
  if (!parsed) {
    return std::string("not well-formed XML: ") + parsed.description();
  }
  const pugi::xml_node element = doc.document_element();
  if (local_name(element) != root || root_namespace(element) != ns) {
    return "the root element must be " + std::string(root) + " in namespace " + std::string(ns);
  }
  return {};
}

} // namespace cartera::payments
