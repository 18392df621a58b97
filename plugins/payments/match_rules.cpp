// Reading the rule file (schemas/xml/payment-rules.xsd), and the rules a company starts with.
#include "match_rules.hpp"
#include "xml_names.hpp"

#include <cartera/sdk/money.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cartera::payments {

namespace {

constexpr std::string_view kRulesNamespace = "urn:cartera:payment-rules:1";

std::string_view rule_kind_name(Rule::Kind k) {
  switch (k) {
  case Rule::Kind::kReference:
    return "reference";
  case Rule::Kind::kPayerExact:
    return "payer-exact";
  case Rule::Kind::kPayerOldest:
    return "payer-oldest";
  }
  return "?";
}

// ---- The rule file ----

[[noreturn]] void bad_rules(const std::string &why) {
  throw std::invalid_argument("payment rules: " + why);
}

Rule::Kind parse_rule_kind(std::string_view text, std::string_view rule) {
  for (const Rule::Kind k : {Rule::Kind::kReference, Rule::Kind::kPayerExact, Rule::Kind::kPayerOldest}) {
    if (rule_kind_name(k) == text) {
      return k;
    }
  }
  bad_rules("rule '" + std::string(rule) + "': unknown kind '" + std::string(text) + "'");
}

// xs:decimal and xs:boolean collapse white space, so " 0.4 " is valid and means 0.4.
std::string_view trimmed(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && blank(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Pesos and percentages share one lexical form, at most two decimals, so both are read exactly
// as hundredths: "12.50" pesos is 1250 centavos, "0.4" percent is 40 basis points.
std::int64_t parse_hundredths(const pugi::xml_attribute &a, std::string_view rule) {
  const sdk::ParsedAmount parsed = sdk::parse_pesos(trimmed(a.value()));
  if (!parsed.centavos) {
    bad_rules("rule '" + std::string(rule) + "': " + a.name() + " '" + a.value() + "': " + describe(parsed.error));
  }
  return *parsed.centavos;
}

constexpr std::string_view kToleranceKinds[] = {"bank-fee", "retefuente", "reteica", "reteiva", "gmf", "rounding"};

Tolerance parse_tolerance(const pugi::xml_node &n, std::string_view rule) {
  Tolerance t;
  t.kind = n.attribute("kind").value();
  if (std::find(std::begin(kToleranceKinds), std::end(kToleranceKinds), t.kind) == std::end(kToleranceKinds)) {
    bad_rules("rule '" + std::string(rule) + "': unknown tolerance kind '" + t.kind + "'");
  }
  if (const pugi::xml_attribute a = n.attribute("max-amount")) {
    t.max_amount = parse_hundredths(a, rule);
  }
  if (const pugi::xml_attribute a = n.attribute("max-percent")) {
    t.max_basis_points = parse_hundredths(a, rule);
  }
  // XSD 1.0 cannot require one of two attributes; a tolerance without caps would accept any
  // difference, which is never what a rule file means.
  if (t.max_amount < 0 && t.max_basis_points < 0) {
    bad_rules("rule '" + std::string(rule) + "': tolerance '" + t.kind + "' needs max-amount or max-percent");
  }
  return t;
}

} // namespace

RuleSet parse_rules(std::string_view xml) {
  pugi::xml_document doc;
  if (const std::string refused = load_config_document(doc, xml, "rules", kRulesNamespace); !refused.empty()) {
    bad_rules(refused);
  }
  const pugi::xml_node root = doc.document_element();

  // The XSD is assumed to have been checked; what is still checked here costs nothing and keeps
  // a hand-edited file from becoming rules nobody wrote.
  RuleSet set;
  std::unordered_set<std::string> names;
  for (const pugi::xml_node n : root.children()) {
    if (n.type() != pugi::node_element || local_name(n) != "rule") {
      continue;
    }
    Rule r;
    r.name = n.attribute("name").value();
    if (r.name.empty()) {
      bad_rules("a rule needs a name");
    }
    if (!names.insert(r.name).second) {
      bad_rules("rule name '" + r.name + "' is used twice");
    }
    r.kind = parse_rule_kind(n.attribute("kind").value(), r.name);
    const std::string_view credit = trimmed(n.attribute("credit-overpayment").as_string("true"));
    r.credit_overpayment = credit == "true" || credit == "1";
    for (const pugi::xml_node t : n.children()) {
      if (t.type() == pugi::node_element && local_name(t) == "tolerance") {
        r.tolerances.push_back(parse_tolerance(t, r.name));
      }
    }
    set.rules.push_back(std::move(r));
  }
  if (set.rules.empty()) {
    bad_rules("no rule");
  }
  return set;
}

RuleSet default_rules() {
  // Kept equal to tests/data/rules/default-rules.xml (the test compares them).
  const std::vector<Tolerance> small = {
      {"gmf", -1, 40},              // 4 x 1000 = 0.40 %
      {"bank-fee", 2'000'000, 500}, // $ 20.000,00 and 5 % of what is owed: a fee, not half an invoice
  };
  RuleSet set;
  set.rules.push_back(Rule{"reference", Rule::Kind::kReference, small, true});
  set.rules.push_back(Rule{"payer-exact", Rule::Kind::kPayerExact, small, true});
  set.rules.push_back(Rule{"payer-oldest", Rule::Kind::kPayerOldest, {}, true});
  return set;
}

} // namespace cartera::payments
