#include "runtime/call/render.hpp"

#include "base/failure.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>
#include <cartera/sdk/text.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

namespace cartera::runtime {

std::string plain_text(const OwnedValue &v) {
  switch (v.type) {
  case CARTERA_TYPE_NULL:
    return "";
  case CARTERA_TYPE_INTEGER:
    return std::to_string(v.i);
  case CARTERA_TYPE_CENTAVOS:
    return sdk::format_pesos_plain(v.i);
  case CARTERA_TYPE_DATE:
    return sdk::format_iso_date(v.i);
  case CARTERA_TYPE_BOOLEAN:
    return v.i != 0 ? "true" : "false";
  default:
    return v.s;
  }
}

namespace {

std::string json_escape(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

class RawOnlyBase : public ResultSink {
public:
  explicit RawOnlyBase(std::ostream &out) : out_(out) {}
  void raw(const std::string &, std::string_view chunk) override { out_ << chunk; }

protected:
  std::ostream &out_;
};

// Buffers rows to size the columns; a terminal table is for people, who read hundreds of
// rows, not millions (those ask for CSV).
class TableSink : public RawOnlyBase {
public:
  using RawOnlyBase::RawOnlyBase;
  void columns(const std::vector<ResultColumn> &cols) override { cols_ = cols; }
  void row(const std::vector<OwnedValue> &values) override {
    std::vector<std::string> cells;
    cells.reserve(values.size());
    for (const auto &v : values) {
      // For people, on a terminal: a control character in data is shown, never sent to it.
      cells.push_back(v.type == CARTERA_TYPE_CENTAVOS ? sdk::format_pesos_co(v.i) : sdk::printable(plain_text(v)));
    }
    rows_.push_back(std::move(cells));
  }
  void finish() override {
    if (cols_.empty()) {
      return;
    }
    std::vector<std::size_t> width(cols_.size());
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      width[c] = utf8_width(cols_[c].name);
      for (const auto &r : rows_) {
        width[c] = std::max(width[c], utf8_width(r[c]));
      }
    }
    const auto right = [&](std::size_t c) {
      return cols_[c].type == CARTERA_TYPE_CENTAVOS || cols_[c].type == CARTERA_TYPE_INTEGER;
    };
    const auto line = [&](const std::vector<std::string> &cells) {
      for (std::size_t c = 0; c < cells.size(); ++c) {
        const std::string pad(width[c] - utf8_width(cells[c]), ' ');
        out_ << (c > 0 ? "  " : "") << (right(c) ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : ""));
      }
      out_ << '\n';
    };
    std::vector<std::string> header;
    std::vector<std::string> rule;
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      header.push_back(cols_[c].name);
      rule.emplace_back(width[c], '-');
    }
    line(header);
    line(rule);
    for (const auto &r : rows_) {
      line(r);
    }
  }

private:
  static std::size_t utf8_width(const std::string &s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
  }
  std::vector<ResultColumn> cols_;
  std::vector<std::vector<std::string>> rows_;
};

// Builds each line in a reused buffer: exports of a million rows go through here.
class CsvSink : public RawOnlyBase {
public:
  using RawOnlyBase::RawOnlyBase;
  void columns(const std::vector<ResultColumn> &cols) override {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      out_ << (c > 0 ? "," : "") << sdk::csv_field(cols[c].name);
    }
    out_ << '\n';
  }
  void row(const std::vector<OwnedValue> &values) override {
    line_.clear();
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (c > 0) {
        line_ += ',';
      }
      const OwnedValue &v = values[c];
      if (v.type == CARTERA_TYPE_INTEGER || v.type == CARTERA_TYPE_CENTAVOS) {
        append_number(v);
      } else if (v.type == CARTERA_TYPE_TEXT) {
        line_ += sdk::csv_field(v.s);
      } else {
        line_ += sdk::csv_field(plain_text(v));
      }
    }
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  void finish() override {}

private:
  void append_number(const OwnedValue &v) {
    if (v.type == CARTERA_TYPE_CENTAVOS) {
      sdk::append_pesos_plain(line_, v.i);
      return;
    }
    char buf[24];
    line_.append(buf, std::to_chars(buf, buf + sizeof buf, v.i).ptr);
  }
  std::string line_;
};

class XmlSink : public RawOnlyBase {
public:
  XmlSink(std::ostream &out, std::string module, std::string job)
      : RawOnlyBase(out), module_(std::move(module)), job_(std::move(job)) {}
  void columns(const std::vector<ResultColumn> &cols) override {
    cols_ = cols;
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << "<result xmlns=\"urn:cartera:result:1\" module=\"" << sdk::xml_escape(module_) << "\" job=\""
         << sdk::xml_escape(job_) << "\">\n";
    started_ = true;
  }
  void row(const std::vector<OwnedValue> &values) override {
    out_ << "  <row>";
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (values[c].type == CARTERA_TYPE_NULL) {
        continue;
      }
      out_ << '<' << cols_[c].name << '>' << sdk::xml_escape(plain_text(values[c])) << "</" << cols_[c].name << '>';
    }
    out_ << "</row>\n";
  }
  void finish() override {
    if (started_) {
      out_ << "</result>\n";
    }
  }

private:
  std::string module_;
  std::string job_;
  std::vector<ResultColumn> cols_;
  bool started_ = false;
};

class JsonSink : public RawOnlyBase {
public:
  using RawOnlyBase::RawOnlyBase;
  void columns(const std::vector<ResultColumn> &cols) override {
    cols_ = cols;
    out_ << "[";
    started_ = true;
  }
  void row(const std::vector<OwnedValue> &values) override {
    out_ << (first_ ? "\n  {" : ",\n  {");
    first_ = false;
    for (std::size_t c = 0; c < values.size(); ++c) {
      out_ << (c > 0 ? ", " : "") << json_escape(cols_[c].name) << ": ";
      const OwnedValue &v = values[c];
      if (v.type == CARTERA_TYPE_NULL) {
        out_ << "null";
      } else if (v.type == CARTERA_TYPE_INTEGER || v.type == CARTERA_TYPE_BOOLEAN) {
        out_ << plain_text(v);
      } else {
        out_ << json_escape(plain_text(v)); // amounts and dates as strings: exact, unambiguous
      }
    }
    out_ << "}";
  }
  void finish() override {
    if (started_) {
      out_ << (first_ ? "]\n" : "\n]\n");
    }
  }

private:
  std::vector<ResultColumn> cols_;
  bool started_ = false;
  bool first_ = true;
};

class RawSink : public RawOnlyBase {
public:
  using RawOnlyBase::RawOnlyBase;
  void columns(const std::vector<ResultColumn> &) override {}
  void row(const std::vector<OwnedValue> &) override {}
  void finish() override {}
};

} // namespace

std::unique_ptr<ResultSink> make_sink(const std::string &format, std::ostream &out, const std::string &module,
                                      const std::string &job) {
  if (format == "table") {
    return std::make_unique<TableSink>(out);
  }
  if (format == "csv") {
    return std::make_unique<CsvSink>(out);
  }
  if (format == "xml") {
    return std::make_unique<XmlSink>(out, module, job);
  }
  if (format == "json") {
    return std::make_unique<JsonSink>(out);
  }
  return std::make_unique<RawSink>(out);
}

} // namespace cartera::runtime
