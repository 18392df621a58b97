// Finding elements by local name. pugixml does not resolve namespaces, and banks write camt.053
// with a default namespace or any prefix (camt:, ns2:): each reader checks its root's namespace
// once, and below it recognises elements by local name alone. The mapping and rule documents
// are read the same way.
#pragma once

#include <pugixml.hpp>

#include <string_view>

namespace cartera::payments {

// "ns2:Ntry" -> "Ntry".
std::string_view local_name(const char *name) noexcept;
std::string_view local_name(const pugi::xml_node &n) noexcept;

// The first child element with that local name, or an empty node.
pugi::xml_node child(const pugi::xml_node &parent, std::string_view name) noexcept;

} // namespace cartera::payments
