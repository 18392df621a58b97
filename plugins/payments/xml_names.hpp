// Finding elements by local name. pugixml does not resolve namespaces, and banks write camt.053
// with a default namespace or any prefix (camt:, ns2:): each reader checks its root's namespace
// once, and below it recognises elements by local name alone. The mapping and rule documents
// are read the same way, and loaded with the same checks (load_config_document).
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace cartera::payments {

// "ns2:Ntry" -> "Ntry".
std::string_view local_name(const char *name) noexcept;
std::string_view local_name(const pugi::xml_node &n) noexcept;

// The first child element with that local name, or an empty node.
pugi::xml_node child(const pugi::xml_node &parent, std::string_view name) noexcept;

// The namespace root declares for its own prefix: its attribute xmlns (no prefix) or xmlns:p
// (root "p:Document"), as written; empty when root does not declare it. Every reader checks its
// root's namespace with this (camt.053's Document, the CSV mapping, the rule file).
std::string_view root_namespace(const pugi::xml_node &root) noexcept;

// A document of the module's own configuration (a CSV mapping, a match rule file) loaded into
// doc, with the checks each of them makes: no DOCTYPE (pugixml never expands entities, but the
// host refuses DTDs everywhere: no entities, no XXE), well-formed, and its root element named
// root in namespace ns. Returns why the document is refused ("" when it is loaded): the caller
// says which document it is.
std::string load_config_document(pugi::xml_document &doc, std::string_view xml, std::string_view root,
                                 std::string_view ns);

} // namespace cartera::payments
