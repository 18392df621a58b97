#include "xml_names.hpp"

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

} // namespace cartera::payments
