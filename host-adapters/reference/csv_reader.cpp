#include "reference/csv_reader.hpp"

#include <cartera/sdk/text.hpp>

#include "base/failure.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cartera::reference {

using runtime::refuse_input;

namespace {
// The interchange columns a line break belongs in (a postal address on two lines, a note); no
// id, name, amount or date has one.
bool allows_line_breaks(std::string_view column) {
  return column == "address" || column == "notes" || column == "description";
}
} // namespace

CsvFile::CsvFile(const std::filesystem::path &path, const std::vector<std::string> &required) : path_(path) {
  const std::string name = path.filename().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    refuse_input(path.string() + ": missing (an export must have " + name + ")");
  }
  // Read in place, at the file's size: through a stringstream a 1.6 GB invoice_lines.csv was
  // held twice.
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), size);
  }
  if (!in) {
    refuse_input(path.string() + ": cannot read");
  }
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
    text.erase(0, 3);
  }
  if (const std::size_t bad = sdk::first_invalid_utf8(text); bad != std::string::npos) {
    const std::size_t line =
        1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t column = bad - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
    refuse_input(name + ":" + std::to_string(line) + ": byte " + std::to_string(column) + " (" + hex +
                 ") is not UTF-8; export the file as UTF-8");
  }

  // Split into records and fields, honouring quotes (which may hold commas and newlines).
  // Fields go one after another into data_, and where each ends into ends_: a row costs its
  // bytes and a number per field (a vector of strings per row cost three times the file).
  const std::size_t newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  data_.reserve(text.size());
  bool header_done = false;
  bool quoted = false;
  bool field_started = false;
  std::size_t line = 1;
  std::size_t record_line = 1;
  std::size_t record_first = 0; // index in ends_ of the record's first field
  const auto end_field = [&] {
    ends_.push_back(data_.size());
    field_started = false;
  };
  const auto end_record = [&] {
    end_field();
    const std::size_t fields = ends_.size() - record_first;
    if (fields == 1 && field_view(record_first).empty()) {
      ends_.pop_back(); // a blank line
      return;
    }
    if (!header_done) {
      for (std::size_t i = 0; i < fields; ++i) {
        header_.emplace_back(field_view(i));
      }
      data_.clear();
      ends_.clear();
      header_done = true;
      check_header(name, required);
      ends_.reserve(header_.size() * (newlines + 1));
    } else if (fields != header_.size()) {
      refuse_input(name + ":" + std::to_string(record_line) + ": " + std::to_string(fields) +
                   " fields, the header has " + std::to_string(header_.size()));
    } else {
      lines_.push_back(record_line);
    }
    record_first = ends_.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          data_ += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') {
          ++line;
        }
        data_ += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else {
      data_ += c;
      field_started = true;
    }
  }
  if (quoted) {
    refuse_input(name + ":" + std::to_string(record_line) + ": a quoted field is never closed");
  }
  if (field_started || ends_.size() > record_first) {
    end_record(); // the last line had no newline
  }
  if (!header_done) {
    refuse_input(name + ":1: empty file; the first line must name the columns");
  }
  data_.shrink_to_fit();
  ends_.shrink_to_fit();
  // No control character gets in (an ESC in a name broke every statement of a run): one scan
  // of the fields' bytes, and the field, line and column found only for the one refused.
  for (std::size_t at = 0; at < data_.size();) {
    const std::size_t found = sdk::first_control_char(std::string_view(data_).substr(at), true);
    if (found == std::string_view::npos) {
      break;
    }
    at += found;
    const auto field = static_cast<std::size_t>(std::upper_bound(ends_.begin(), ends_.end(), at) - ends_.begin());
    const std::size_t column = field % header_.size();
    const auto c = static_cast<unsigned char>(data_[at]);
    if ((c != '\n' && c != '\r') || !allows_line_breaks(header_[column])) {
      refuse(field / header_.size(), header_[column],
             "holds the control character " + sdk::describe_control_char(c) +
                 (c == '\n' || c == '\r' ? " (a line break; only addresses and notes may have one)" : ""));
    }
    ++at;
  }
}

void CsvFile::check_header(const std::string &name, const std::vector<std::string> &required) {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (index_.count(header_[i]) != 0) {
      refuse_input(name + ":1: column '" + header_[i] + "' appears twice");
    }
    index_[header_[i]] = i;
  }
  std::string absent;
  for (const auto &r : required) {
    if (index_.count(r) == 0) {
      absent += (absent.empty() ? "" : ", ") + r;
    }
  }
  if (!absent.empty()) {
    refuse_input(name + ":1: missing column" + std::string(absent.find(',') != std::string::npos ? "s " : " ") +
                 absent);
  }
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (std::find(required.begin(), required.end(), header_[i]) == required.end()) {
      extra_columns_.push_back(i);
    }
  }
}

std::string_view CsvFile::field_view(std::size_t index) const {
  const std::size_t begin = index == 0 ? 0 : ends_[index - 1];
  return {data_.data() + begin, ends_[index] - begin};
}

std::string_view CsvFile::get(std::size_t row, const std::string &column) const {
  return field_view(row * header_.size() + index_.at(column));
}

std::string CsvFile::extra(std::size_t row) const {
  std::string out;
  for (std::size_t i : extra_columns_) {
    out += header_[i] + "=" + std::string(field_view(row * header_.size() + i)) + "\n";
  }
  return out;
}

void CsvFile::refuse(std::size_t row, const std::string &column, const std::string &why) const {
  refuse_input(path_.filename().string() + ":" + std::to_string(lines_[row]) + ": column " + column + ": '" +
               sdk::printable(get(row, column)) + "': " + why);
}

XmlRows::XmlRows(const std::string &file, const std::string &text, const std::string &section,
                 const std::string &element, const std::vector<std::string> &columns)
    : file_(file), element_(element) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    index_[columns[i]] = i;
  }
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size())) {
    refuse_input(file + ": not well-formed XML");
  }
  // Line of each element: one pass over the text, then a binary search per element.
  std::vector<std::size_t> newlines;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      newlines.push_back(i);
    }
  }
  for (auto node : doc.document_element().child(section.c_str()).children(element.c_str())) {
    std::vector<std::string> row;
    row.reserve(columns.size());
    for (const auto &c : columns) {
      row.emplace_back(node.attribute(c.c_str()).value());
    }
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, node.offset_debug()));
    lines_.push_back(
        1 + static_cast<std::size_t>(std::lower_bound(newlines.begin(), newlines.end(), offset) - newlines.begin()));
    // A character reference (&#27;) brings a control character into an attribute: refused as
    // in a CSV field.
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (const std::size_t at = sdk::first_control_char(row[i], allows_line_breaks(columns[i]));
          at != std::string::npos) {
        rows_.push_back(std::move(row));
        refuse(rows_.size() - 1, columns[i],
               "holds the control character " +
                   sdk::describe_control_char(static_cast<unsigned char>(rows_.back()[i][at])));
      }
    }
    std::string extra;
    for (auto x : node.children("extra")) {
      extra += std::string(x.attribute("name").value()) + "=" + x.attribute("value").value() + "\n";
    }
    rows_.push_back(std::move(row));
    extras_.push_back(std::move(extra));
  }
}

std::string_view XmlRows::get(std::size_t row, const std::string &column) const {
  return rows_[row][index_.at(column)];
}

void XmlRows::refuse(std::size_t row, const std::string &column, const std::string &why) const {
  refuse_input(file_ + ":" + std::to_string(lines_[row]) + ": " + element_ + "/@" + column + ": '" +
               sdk::printable(get(row, column)) + "': " + why);
}

} // namespace cartera::reference
