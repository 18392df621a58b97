#include "runtime/archive/archive.hpp"

#include "runtime/files/outbox.hpp"
#include "runtime/files/sha256.hpp"

#include <cartera/sdk/contact_rules.hpp>
#include <cartera/sdk/date.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace cartera::runtime {

namespace {

std::string_view local_name(std::string_view name) {
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_by_local_name(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) {
      return c;
    }
  }
  return {};
}

} // namespace

std::string value_at_document_path(std::string_view xml, std::string_view path) {
  pugi::xml_document doc;
  // Documents reaching the archive were validated already; the parse only reads a value, and
  // pugixml never resolves entities or DOCTYPEs.
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return {};
  }
  pugi::xml_node node = doc.document_element();
  while (node) {
    const std::size_t slash = path.find('/');
    const std::string_view step = path.substr(0, slash);
    if (!step.empty() && step.front() == '@') {
      const std::string_view attribute = step.substr(1);
      for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
        if (local_name(a.name()) == attribute) {
          return a.value();
        }
      }
      return {};
    }
    if (slash == std::string_view::npos) {
      return {};
    }
    node = child_by_local_name(node, step);
    path.remove_prefix(slash + 1);
  }
  return {};
}

ArchiveFolder archive_folder(std::string_view xml, const std::string &customer_path, const std::string &period_path,
                             std::int64_t now_us) {
  ArchiveFolder f;
  f.customer = value_at_document_path(xml, customer_path);
  if (f.customer.empty()) {
    throw std::runtime_error("the document names no customer at " + customer_path + ", so it cannot be archived");
  }
  f.period = sdk::format_iso_date(sdk::bogota_from_utc_us(now_us).date).substr(0, 7); // the run's month, in Bogotá
  if (!period_path.empty()) {
    const std::string value = value_at_document_path(xml, period_path);
    if (value.size() >= 10 && sdk::parse_iso_date(std::string_view(value).substr(0, 10))) {
      f.period = value.substr(0, 7);
    }
  }
  f.dir = customer_folder(f.customer) + "/" + f.period.substr(0, 4) + "/" + f.period.substr(5, 2);
  return f;
}

std::string customer_folder(std::string_view customer_id) {
  const auto safe_byte = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
  };
  const bool plain = !customer_id.empty() && customer_id != "." && customer_id != ".." &&
                     std::all_of(customer_id.begin(), customer_id.end(), safe_byte);
  if (plain) {
    return std::string(customer_id); // the common case, and the names folders had before
  }
  if (customer_id.empty()) {
    return "%"; // no escape ends there, so no other id makes it
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(customer_id.size() * 3);
  for (const char c : customer_id) {
    // '.' is escaped too, so that "." and ".." never name the folder itself or its parent.
    if (safe_byte(c) && c != '.') {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

std::string versioned_file_name(std::string_view file_name, std::string_view sha256_hex) {
  if (file_name.empty() || file_name.front() == '.' || file_name.find('/') != std::string_view::npos ||
      file_name.find('\\') != std::string_view::npos) {
    throw std::invalid_argument("'" + std::string(file_name) + "' is not a plain file name");
  }
  for (const char c : file_name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw std::invalid_argument("a file name has a control character");
    }
  }
  const std::size_t dot = file_name.rfind('.');
  const std::string_view stem = dot == std::string_view::npos ? file_name : file_name.substr(0, dot);
  const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : file_name.substr(dot);
  return std::string(stem) + "-" + std::string(sha256_hex.substr(0, 8)) + std::string(ext);
}

std::string unversioned_file_name(std::string_view path) {
  std::string name(path.substr(path.rfind('/') + 1));
  const std::size_t dot = name.rfind('.');
  const std::size_t dash = name.rfind('-', dot == std::string::npos ? std::string::npos : dot);
  const std::size_t end = dot == std::string::npos ? name.size() : dot;
  if (dash != std::string::npos && end - dash == 9 && name.find_first_not_of("0123456789abcdef", dash + 1) >= end) {
    name.erase(dash, 9);
  }
  return name;
}

void place_archive_file(const std::filesystem::path &root, const std::string &relative, std::string_view content) {
  const std::filesystem::path target = root / relative;
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    throw std::runtime_error("archive: cannot create " + target.parent_path().string() + ": " + ec.message());
  }
  // The temporary name is this process's and this call's alone: two processes (or two of a
  // filing pass's threads) placing the same document must not write, link or remove each
  // other's temporary file.
  static std::atomic<unsigned long long> placed{0};
  const std::filesystem::path temp =
      target.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(placed.fetch_add(1)) + "-" +
                              target.filename().string());
  write_new_file(temp, content, false);
  // link() never replaces: an existing file stays as it is and is checked instead.
  if (::link(temp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    if (err != EEXIST) {
      throw std::runtime_error("archive: cannot place " + target.string() + ": " + std::strerror(err));
    }
    if (sha256_hex(read_whole_file(target)) != sha256_hex(content)) {
      throw std::runtime_error("archive: " + target.string() +
                               " exists with other contents; it was altered after it was archived (archive verify)");
    }
    return;
  }
  ::unlink(temp.c_str());
}

} // namespace cartera::runtime
