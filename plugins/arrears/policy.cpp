// Reading the policy file (schemas/xml/arrears-policy.xsd), the defaults, and the stage of a
// contract.
#include "policy.hpp"

#include <cartera/sdk/money.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace cartera::arrears {

namespace {

constexpr std::string_view kPolicyNamespace = "urn:cartera:arrears-policy:1";
constexpr std::string_view kPolicyRoot = "arrears-policy";

constexpr ContractKind kContractKinds[] = {ContractKind::kFamiliar, ContractKind::kColectivo,
                                           ContractKind::kIndividual};

// ---- Reading the file ----

// Every refusal names where (line), what (the element or attribute) and the value written.
class PolicyReader {
public:
  explicit PolicyReader(std::string_view xml) : xml_(xml) {}

  std::size_t line_of(const pugi::xml_node &n) const noexcept { return line_at(n.offset_debug()); }
  std::size_t line_at(std::ptrdiff_t offset) const noexcept {
    if (offset < 0) {
      return 0;
    }
    const std::size_t end = std::min(static_cast<std::size_t>(offset), xml_.size());
    return 1 +
           static_cast<std::size_t>(std::count(xml_.begin(), xml_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
  }

  [[noreturn]] void refuse(std::size_t line, const std::string &why) const {
    throw std::invalid_argument("arrears policy: " + (line > 0 ? "line " + std::to_string(line) + ": " : "") + why);
  }
  [[noreturn]] void refuse(const pugi::xml_node &n, const std::string &why) const { refuse(line_of(n), why); }

private:
  std::string_view xml_;
};

std::string_view policy_local_name(std::string_view name) noexcept {
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace the root declares for its own prefix (xmlns, or xmlns:p for "p:arrears-policy").
std::string_view policy_root_namespace(const pugi::xml_node &root) noexcept {
  const std::string_view name = root.name();
  const std::size_t colon = name.find(':');
  const std::string wanted = colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  return root.attribute(wanted.c_str()).value();
}

// XSD types collapse or trim white space around numbers and booleans: " 30 " is 30.
std::string_view xsd_trimmed(std::string_view s) noexcept {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

std::string quoted_value(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// "stage 'aviso' days '0'" / "policy (company 'X', kind 'familiar') minimum-notice-days '-1'".
std::string field_written(std::string_view owner, const pugi::xml_attribute &a) {
  return std::string(owner) + " " + a.name() + " " + quoted_value(a.value());
}

// A count written as xs:positiveInteger: digits (an optional '+'), at least 1, at most max.
std::int32_t positive_count_attribute(const PolicyReader &r, const pugi::xml_node &n, const pugi::xml_attribute &a,
                                      std::string_view owner, std::int32_t max) {
  std::string_view text = xsd_trimmed(a.value());
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
  }
  if (!text.empty() && text.front() == '-' && text.size() > 1 &&
      std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    r.refuse(n, field_written(owner, a) + ": must be a whole number of at least 1, not negative");
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    r.refuse(n, field_written(owner, a) + ": not a whole number");
  }
  std::int64_t v = 0;
  for (const char c : text) {
    v = v * 10 + (c - '0');
    if (v > max) {
      r.refuse(n, field_written(owner, a) + ": more than " + std::to_string(max));
    }
  }
  if (v == 0) {
    r.refuse(n, field_written(owner, a) + ": must be at least 1, not zero");
  }
  return static_cast<std::int32_t>(v);
}

bool boolean_attribute(const PolicyReader &r, const pugi::xml_node &n, const pugi::xml_attribute &a,
                       std::string_view owner) {
  const std::string_view v = xsd_trimmed(a.value());
  if (v == "true" || v == "1") {
    return true;
  }
  if (v == "false" || v == "0") {
    return false;
  }
  r.refuse(n, field_written(owner, a) + ": not true or false");
}

// An id as the XSD's Id type writes it: not empty, no blank around it.
std::string id_attribute(const PolicyReader &r, const pugi::xml_node &n, const pugi::xml_attribute &a,
                         std::string_view owner) {
  const std::string_view v = a.value();
  if (v.empty() || xsd_trimmed(v) != v) {
    r.refuse(n, field_written(owner, a) + ": must be non-empty, with no blank around it");
  }
  return std::string(v);
}

// xs:NCName, as far as stage ids go: a letter or '_' (or any non-ASCII character), then letters,
// digits, '.', '-', '_'.
bool is_stage_ncname(std::string_view s) noexcept {
  if (s.empty()) {
    return false;
  }
  const auto letter = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  };
  const auto rest = [&](unsigned char c) { return letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; };
  if (!letter(static_cast<unsigned char>(s.front()))) {
    return false;
  }
  return std::all_of(s.begin() + 1, s.end(), [&](char c) { return rest(static_cast<unsigned char>(c)); });
}

Channels channels_attribute(const PolicyReader &r, const pugi::xml_node &n, const pugi::xml_attribute &a,
                            std::string_view owner) {
  Channels c;
  const std::string_view text = a.value();
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && xsd_trimmed(text.substr(i, 1)).empty()) {
      ++i;
    }
    std::size_t j = i;
    while (j < text.size() && !xsd_trimmed(text.substr(j, 1)).empty()) {
      ++j;
    }
    const std::string_view word = text.substr(i, j - i);
    if (word == "letter") {
      c.letter = true;
    } else if (word == "sms") {
      c.sms = true;
    } else if (word == "email") {
      c.email = true;
    } else if (!word.empty()) {
      r.refuse(n, field_written(owner, a) + ": unknown channel " + quoted_value(word) + " (letter, sms, email)");
    }
    i = j;
  }
  return c;
}

std::string stage_named(const Stage &s) {
  return "stage " + quoted_value(s.id);
}

std::string policy_named(const PolicyEntry &p) {
  std::string who = "policy (company ";
  who += p.company ? quoted_value(*p.company) : std::string("any");
  who += ", kind ";
  who += p.kind ? quoted_value(contract_kind_name(*p.kind)) : std::string("any");
  return who + ")";
}

Stage read_stage(const PolicyReader &r, const pugi::xml_node &n) {
  Stage s;
  const pugi::xml_attribute id = n.attribute("id");
  if (!id) {
    r.refuse(n, "stage: id is required");
  }
  if (!is_stage_ncname(id.value())) {
    r.refuse(n,
             "stage id " + quoted_value(id.value()) + ": not a name (a letter, then letters, digits, '.', '-', '_')");
  }
  s.id = id.value();
  const std::string owner = stage_named(s);
  s.label = s.id;
  for (const pugi::xml_attribute a : n.attributes()) {
    const std::string_view name = a.name();
    if (name == "id") {
      continue;
    }
    if (name == "label") {
      s.label = id_attribute(r, n, a, owner);
    } else if (name == "installments") {
      s.installments = positive_count_attribute(r, n, a, owner, 1000);
    } else if (name == "days") {
      s.days = positive_count_attribute(r, n, a, owner, 36500);
    } else if (name == "notify") {
      s.notify = channels_attribute(r, n, a, owner);
    } else if (name == "cancels") {
      s.cancels = boolean_attribute(r, n, a, owner);
    } else if (name.substr(0, 5) != "xmlns") {
      r.refuse(n, owner + ": unknown attribute " + quoted_value(name));
    }
  }
  // XSD 1.0 cannot require one of two attributes: a stage without thresholds is reached by
  // nobody, or by everybody, and neither is what a policy means.
  if (!s.installments && !s.days) {
    r.refuse(n, owner + ": needs installments or days (or both)");
  }
  return s;
}

// The checks across the stages of one policy (the XSD checks none of them but unique ids).
void check_stage_order(const PolicyReader &r, const PolicyEntry &p, const std::vector<std::size_t> &lines) {
  const std::string owner = policy_named(p);
  if (p.stages.empty()) {
    r.refuse(p.line, owner + ": has no stage");
  }
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < p.stages.size(); ++i) {
    const Stage &s = p.stages[i];
    if (!ids.insert(s.id).second) {
      r.refuse(lines[i], stage_named(s) + ": id " + quoted_value(s.id) + " is used twice in " + owner);
    }
    if (s.cancels && i + 1 != p.stages.size()) {
      r.refuse(lines[i], owner + ", " + stage_named(s) +
                             " cancels 'true': the cancelling stage must be the last, and " +
                             stage_named(p.stages[i + 1]) + " follows it");
    }
    if (i == 0) {
      continue;
    }
    // In order: reaching a stage means having reached the one before, so each threshold a stage
    // has, the stage before has too, and lower. Equal thresholds would make the earlier stage
    // one nobody is ever in.
    const Stage &prev = p.stages[i - 1];
    const auto check = [&](const std::optional<std::int32_t> &mine, const std::optional<std::int32_t> &theirs,
                           std::string_view what) {
      if (!mine) {
        return;
      }
      const std::string written =
          owner + ", " + stage_named(s) + " " + std::string(what) + " " + quoted_value(std::to_string(*mine));
      if (!theirs) {
        r.refuse(lines[i], written + ": " + stage_named(prev) + " before it has no " + std::string(what) +
                               " threshold, so it would be skipped (the stages must be in order)");
      }
      if (*mine <= *theirs) {
        r.refuse(lines[i], written + ": not above " + stage_named(prev) + " " + std::string(what) + " '" +
                               std::to_string(*theirs) + "' (the stages must be in order, thresholds increasing)");
      }
    };
    check(s.installments, prev.installments, "installments");
    check(s.days, prev.days, "days");
  }
  // No cancellation without a demand to pay, dated and delivered (allanamiento a la mora,
  // T-196/07, T-158/10): the minimum notice days count from a notice some stage sends.
  const Stage &last = p.stages.back();
  if (last.cancels && std::none_of(p.stages.begin(), p.stages.end(), [](const Stage &s) { return s.notify.any(); })) {
    r.refuse(lines.back(), stage_named(last) + " cancels 'true': no stage of " + owner +
                               " notifies (notify is empty everywhere), so no cancellation could ever be preceded "
                               "by the notice it requires");
  }
}

PolicyEntry read_policy_entry(const PolicyReader &r, const pugi::xml_node &n) {
  PolicyEntry p;
  p.line = r.line_of(n);
  // Company and kind first: every other message names the policy by them.
  if (const pugi::xml_attribute a = n.attribute("company")) {
    p.company = id_attribute(r, n, a, "policy");
  }
  if (const pugi::xml_attribute a = n.attribute("kind")) {
    p.kind = parse_contract_kind(xsd_trimmed(a.value()));
    if (!p.kind) {
      r.refuse(n, field_written("policy", a) + ": unknown contract kind (familiar, colectivo, individual)");
    }
  }
  const std::string owner = policy_named(p);
  for (const pugi::xml_attribute a : n.attributes()) {
    const std::string_view name = a.name();
    if (name == "company" || name == "kind") {
      continue;
    }
    if (name == "minimum-notice-days") {
      p.minimum_notice_days = positive_count_attribute(r, n, a, owner, 36500);
    } else if (name == "reactivation-days") {
      p.reactivation_days = positive_count_attribute(r, n, a, owner, 36500);
    } else if (name == "minimum-balance") {
      const sdk::ParsedAmount amount = sdk::parse_decimal_pesos(xsd_trimmed(a.value()));
      if (!amount.centavos) {
        r.refuse(n, field_written(owner, a) + ": " + sdk::describe(amount.error) + " (pesos)");
      }
      p.minimum_balance = *amount.centavos;
    } else if (name.substr(0, 5) != "xmlns") {
      r.refuse(n, owner + ": unknown attribute " + quoted_value(name));
    }
  }
  std::vector<std::size_t> lines;
  for (const pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) {
      continue;
    }
    if (policy_local_name(c.name()) != "stage") {
      r.refuse(c, owner + ": unknown element " + quoted_value(c.name()));
    }
    p.stages.push_back(read_stage(r, c));
    lines.push_back(r.line_of(c));
  }
  check_stage_order(r, p, lines);
  return p;
}

Exclusion read_exclusion(const PolicyReader &r, const pugi::xml_node &n) {
  Exclusion e;
  const pugi::xml_attribute contract = n.attribute("contract");
  if (!contract) {
    r.refuse(n, "exclude: contract is required");
  }
  for (const pugi::xml_attribute a : n.attributes()) {
    const std::string_view name = a.name();
    if (name == "contract") {
      e.contract = id_attribute(r, n, a, "exclude");
    } else if (name == "company") {
      e.company = id_attribute(r, n, a, "exclude");
    } else if (name == "reason") {
      e.reason = a.value();
    } else if (name.substr(0, 5) != "xmlns") {
      r.refuse(n, "exclude " + quoted_value(contract.value()) + ": unknown attribute " + quoted_value(name));
    }
  }
  return e;
}

// ---- Writing it ----

void append_xml_escaped(std::string &out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\n':
      out += "&#10;";
      break;
    case '\t':
      out += "&#9;";
      break;
    case '\r':
      out += "&#13;";
      break;
    default:
      out += c;
    }
  }
}

void write_attribute(std::string &out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  append_xml_escaped(out, value);
  out += '"';
}

std::string channels_written(const Channels &c) {
  std::string s;
  for (const auto &[on, name] : {std::pair{c.letter, "letter"}, std::pair{c.sms, "sms"}, std::pair{c.email, "email"}}) {
    if (on) {
      s += s.empty() ? "" : " ";
      s += name;
    }
  }
  return s;
}

// ---- Assessing a contract ----

bool stage_reached(const Stage &s, const ContractFacts &f, bool &by_installments, bool &by_days) noexcept {
  by_installments = s.installments && f.unpaid_installments >= *s.installments;
  by_days = s.days && f.days_past_due >= *s.days;
  return by_installments || by_days;
}

} // namespace

std::string_view contract_kind_name(ContractKind k) noexcept {
  switch (k) {
  case ContractKind::kFamiliar:
    return "familiar";
  case ContractKind::kColectivo:
    return "colectivo";
  case ContractKind::kIndividual:
    return "individual";
  }
  return "?";
}

std::optional<ContractKind> parse_contract_kind(std::string_view name) noexcept {
  for (const ContractKind k : kContractKinds) {
    if (contract_kind_name(k) == name) {
      return k;
    }
  }
  return std::nullopt;
}

std::string_view standing_name(Standing s) noexcept {
  switch (s) {
  case Standing::kInStage:
    return "in-stage";
  case Standing::kNoPolicy:
    return "no-policy";
  case Standing::kExcludedByPolicy:
    return "excluded";
  case Standing::kExcludedByHost:
    return "excluded-by-host";
  case Standing::kUnderMinimumBalance:
    return "under-minimum-balance";
  case Standing::kNoThresholdReached:
    return "no-threshold-reached";
  }
  return "?";
}

const PolicyEntry *Policy::select(std::string_view company, ContractKind kind) const noexcept {
  // Rank 3: company and kind; 2: company; 1: kind; 0: neither. parse_policy refuses two entries
  // for the same company and kind, so the best is unique.
  const PolicyEntry *best = nullptr;
  int best_rank = -1;
  for (const PolicyEntry &e : entries) {
    if ((e.company && *e.company != company) || (e.kind && *e.kind != kind)) {
      continue;
    }
    const int rank = (e.company ? 2 : 0) + (e.kind ? 1 : 0);
    if (rank > best_rank) {
      best = &e;
      best_rank = rank;
    }
  }
  return best;
}

const Exclusion *Policy::exclusion(std::string_view company, std::string_view contract) const noexcept {
  for (const Exclusion &e : exclusions) {
    if (e.contract == contract && (!e.company || *e.company == company)) {
      return &e;
    }
  }
  return nullptr;
}

Policy parse_policy(std::string_view xml) {
  const PolicyReader r(xml);
  // pugixml never expands entities, but the host refuses DTDs everywhere (no entities, no XXE).
  constexpr std::string_view kDoctype = "documents with a DOCTYPE are refused (no DTDs or entities are accepted)";
  if (const std::size_t at = xml.find("<!DOCTYPE"); at != std::string_view::npos) {
    r.refuse(r.line_at(static_cast<std::ptrdiff_t>(at)), std::string(kDoctype));
  }
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  for (const pugi::xml_node n : doc.children()) {
    if (n.type() == pugi::node_doctype) {
      r.refuse(n, std::string(kDoctype));
    }
  }
  if (!parsed) {
    r.refuse(r.line_at(parsed.offset), std::string("not well-formed XML: ") + parsed.description());
  }
  const pugi::xml_node root = doc.document_element();
  if (policy_local_name(root.name()) != kPolicyRoot || policy_root_namespace(root) != kPolicyNamespace) {
    r.refuse(root, "the root element must be " + std::string(kPolicyRoot) + " in namespace " +
                       std::string(kPolicyNamespace) + ", not " + quoted_value(root.name()) + " in " +
                       quoted_value(policy_root_namespace(root)));
  }

  Policy p;
  std::set<std::tuple<bool, std::string, int>> scopes; // (has company, company, kind or -1)
  std::set<std::pair<std::string, std::string>> excluded;
  for (const pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element) {
      continue;
    }
    const std::string_view name = policy_local_name(n.name());
    if (name == "policy") {
      PolicyEntry e = read_policy_entry(r, n);
      const auto scope =
          std::tuple{e.company.has_value(), e.company.value_or(""), e.kind ? static_cast<int>(*e.kind) : -1};
      if (!scopes.insert(scope).second) {
        const auto first = std::find_if(p.entries.begin(), p.entries.end(), [&](const PolicyEntry &o) {
          return o.company == e.company && o.kind == e.kind;
        });
        r.refuse(e.line, policy_named(e) + ": defined twice (first on line " + std::to_string(first->line) + ")");
      }
      p.entries.push_back(std::move(e));
    } else if (name == "exclude") {
      Exclusion e = read_exclusion(r, n);
      if (!excluded.insert({e.company.value_or(""), e.contract}).second) {
        r.refuse(n, "exclude contract " + quoted_value(e.contract) + ": excluded twice");
      }
      p.exclusions.push_back(std::move(e));
    } else {
      r.refuse(n, "unknown element " + quoted_value(n.name()));
    }
  }
  if (p.entries.empty()) {
    r.refuse(root, "no policy: at least one <policy> is required");
  }
  return p;
}

Policy default_policy() {
  // Kept equal to tests/data/arrears/default-policy.xml (the test compares them); README.md
  // "Defaults" says where each figure comes from.
  constexpr Channels kAll{true, true, true};
  PolicyEntry e;
  e.stages = {
      Stage{"aviso", "Aviso", 1, 30, kAll, false},
      Stage{"pre-cancelacion", "Pre-cancelación", 2, 60, kAll, false},
      Stage{"cancelacion", "Cancelación", 3, 90, kAll, true},
  };
  Policy p;
  p.entries.push_back(std::move(e));
  return p;
}

std::string policy_xml(const Policy &p) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<arrears-policy xmlns=\"";
  out += kPolicyNamespace;
  out += "\">\n";
  for (const PolicyEntry &e : p.entries) {
    out += "  <policy";
    if (e.company) {
      write_attribute(out, "company", *e.company);
    }
    if (e.kind) {
      write_attribute(out, "kind", contract_kind_name(*e.kind));
    }
    write_attribute(out, "minimum-notice-days", std::to_string(e.minimum_notice_days));
    write_attribute(out, "reactivation-days", std::to_string(e.reactivation_days));
    write_attribute(out, "minimum-balance", sdk::pesos(e.minimum_balance));
    out += ">\n";
    for (const Stage &s : e.stages) {
      out += "    <stage";
      write_attribute(out, "id", s.id);
      write_attribute(out, "label", s.label);
      if (s.installments) {
        write_attribute(out, "installments", std::to_string(*s.installments));
      }
      if (s.days) {
        write_attribute(out, "days", std::to_string(*s.days));
      }
      write_attribute(out, "notify", channels_written(s.notify));
      write_attribute(out, "cancels", s.cancels ? "true" : "false");
      out += "/>\n";
    }
    out += "  </policy>\n";
  }
  for (const Exclusion &x : p.exclusions) {
    out += "  <exclude";
    write_attribute(out, "contract", x.contract);
    if (x.company) {
      write_attribute(out, "company", *x.company);
    }
    if (!x.reason.empty()) {
      write_attribute(out, "reason", x.reason);
    }
    out += "/>\n";
  }
  out += "</arrears-policy>\n";
  return out;
}

Assessment assess(const Policy &policy, const ContractFacts &f, std::int64_t as_of) {
  if (f.unpaid_installments < 0 || f.days_past_due < 0) {
    throw std::invalid_argument("arrears: contract '" + std::string(f.contract) + "': unpaid installments " +
                                std::to_string(f.unpaid_installments) + " and days past due " +
                                std::to_string(f.days_past_due) + " cannot be negative");
  }
  Assessment a;
  a.amount_to_leave_arrears = std::max<std::int64_t>(f.overdue_balance, 0);
  a.policy = policy.select(f.company, f.kind);
  // In this order, so that the report gives the reason that settles it: without a policy nothing
  // else can be said; an excluded contract is excluded whatever it owes.
  if (a.policy == nullptr) {
    a.standing = Standing::kNoPolicy;
    return a;
  }
  if (policy.exclusion(f.company, f.contract) != nullptr) {
    a.standing = Standing::kExcludedByPolicy;
    return a;
  }
  if (f.excluded_by_host) {
    a.standing = Standing::kExcludedByHost;
    return a;
  }
  // A balance exactly at the smallest one counts; nothing overdue never does, whatever the
  // smallest balance says (0 means every centavo counts, not that no debt does).
  if (f.overdue_balance < a.policy->minimum_balance || f.overdue_balance <= 0) {
    a.standing = Standing::kUnderMinimumBalance;
    return a;
  }
  const std::vector<Stage> &stages = a.policy->stages;
  // The stages are in order (parse_policy checks it), so the contract is in the last one it
  // reaches, and the next is the one after.
  for (std::size_t i = 0; i < stages.size(); ++i) {
    bool by_installments = false;
    bool by_days = false;
    if (!stage_reached(stages[i], f, by_installments, by_days)) {
      break;
    }
    a.stage = i;
    a.by_installments = by_installments;
    a.by_days = by_days;
  }
  a.standing = a.stage ? Standing::kInStage : Standing::kNoThresholdReached;
  const std::size_t next = a.stage ? *a.stage + 1 : 0;
  if (next < stages.size()) {
    const Stage &n = stages[next];
    a.next_stage = next;
    if (n.days) {
      a.next_stage_on = as_of + (*n.days - f.days_past_due);
    }
    if (n.installments) {
      a.installments_to_next = *n.installments - f.unpaid_installments;
    }
  }
  return a;
}

} // namespace cartera::arrears
