// The HTML and PDF renderings of a statement of account, checked on what a reader gets: the HTML
// through libxml2's HTML parser (and its XML parser, since the page is also well-formed XHTML),
// the PDF through poppler's pdfinfo and pdftotext.
#include "html_renderer.hpp"
#include "labels.hpp"
#include "pdf_renderer.hpp"
#include "smtp_server.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <gtest/gtest.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace cartera::statements;
using cartera::sdk::CivilDate;
using cartera::sdk::days_from_civil;

std::int64_t civil_day(std::int32_t y, std::uint32_t m, std::uint32_t d) {
  return days_from_civil(CivilDate{y, m, d});
}

std::int64_t pesos(std::int64_t whole) {
  return whole * 100;
}

Issuer issuer() {
  return {"Bienestar Andino Medicina Prepagada S.A.",
          "900123456-7",
          "Calle 72 # 10-34, piso 5",
          "Bogotá D.C.",
          "601 555 0100",
          "cartera@bienestarandino.example"};
}

// Fills in what statement_builder derives, so that every statement here keeps the model's
// invariants: running balances, totals, amount due, and causes that add up to the difference
// (the last cause takes what the others leave).
void settle(Statement &s) {
  std::int64_t balance = s.opening_balance;
  s.total_debits = 0;
  s.total_credits = 0;
  for (Movement &m : s.movements) {
    balance += m.debit - m.credit;
    m.balance = balance;
    s.total_debits += m.debit;
    s.total_credits += m.credit;
  }
  s.closing_balance = balance;
  s.amount_due = std::max<std::int64_t>(0, s.closing_balance + s.interest_to_date);
  s.difference = s.amount_due - s.previous_amount_due;
  if (!s.causes.empty()) {
    std::int64_t others = 0;
    for (std::size_t i = 0; i + 1 < s.causes.size(); ++i) {
      others += s.causes[i].amount;
    }
    s.causes.back().amount = s.difference - others;
  }
}

Movement movement(std::int64_t date, std::string kind, std::string document, std::string reference,
                  std::string description, std::int64_t debit, std::int64_t credit, std::string contract = "") {
  Movement m;
  m.date = date;
  m.kind = std::move(kind);
  m.document = std::move(document);
  m.reference = std::move(reference);
  m.description = std::move(description);
  m.contract_id = std::move(contract);
  m.debit = debit;
  m.credit = credit;
  return m;
}

std::vector<AgingBucket> aging(std::int64_t current, std::int64_t d30, std::int64_t d60, std::int64_t d90,
                               std::int64_t d180, std::int64_t over) {
  return {{"Corriente", current}, {"1-30", d30},    {"31-60", d60},
          {"61-90", d90},         {"91-180", d180}, {"Más de 180", over}};
}

Statement november(std::string id) {
  Statement s;
  s.statement_id = std::move(id);
  s.issuer = issuer();
  s.period_start = civil_day(2026, 11, 1);
  s.period_end = civil_day(2026, 11, 30);
  s.issued_on = civil_day(2026, 11, 30);
  return s;
}

// A family contract: three members billed last month, a fourth joined in November.
Statement family() {
  Statement s = november("contract/K-1001/2026-11");
  s.holder = {"C-0101", "CC", "52123456", "María Fernanda Muñoz Peña", "Carrera 15 # 93-60, apto 402", "Bogotá D.C."};
  s.contract.contract_id = "K-1001";
  s.contract.kind = "familiar";
  s.contract.plan = "Plan Oro Familiar";
  s.contract.members = {{"K-1001-01", "María Fernanda Muñoz Peña", "18-44", "Oro", pesos(120000)},
                        {"K-1001-02", "Andrés Felipe Gómez Ruiz", "45-59", "Oro", pesos(120000)},
                        {"K-1001-03", "Tomás Gómez Muñoz", "0-17", "Oro", pesos(85000)},
                        {"K-1001-04", "Sofía Gómez Muñoz", "0-17", "Oro", pesos(87500)}};
  s.opening_balance = pesos(325000);
  s.movements = {
      movement(civil_day(2026, 11, 5), "payment", "RC-55210", "FE-11790", "Pago PSE", 0, pesos(325000), "K-1001"),
      movement(civil_day(2026, 11, 25), "invoice", "FE-11873", "K-1001", "Cuota diciembre 2026", pesos(412500), 0,
               "K-1001"),
  };
  s.open_items = {
      {"FE-11873", "K-1001", civil_day(2026, 11, 25), civil_day(2026, 12, 5), pesos(412500), pesos(412500), 0}};
  s.aging = aging(pesos(412500), 0, 0, 0, 0, 0);
  s.due_date = civil_day(2026, 12, 5);
  s.previous_amount_due = pesos(325000);
  s.causes = {{"member-added", "K-1001-04", "Ingreso de Sofía Gómez Muñoz (0-17) desde el 15/11/2026", 0}};
  settle(s);
  return s;
}

// A collective contract of 40 members: the employer's HR office reads it, and it runs to several
// pages.
Statement collective() {
  Statement s = november("contract/K-C-2040/2026-11");
  s.holder = {"C-0400",
              "NIT",
              "901234567-1",
              "Inversiones Cafeteras del Quindío S.A.S.",
              "Avenida Bolívar # 12N-45, oficina 301",
              "Armenia"};
  s.contract.contract_id = "K-C-2040";
  s.contract.kind = "colectivo";
  s.contract.plan = "Plan Empresarial Plus";
  const char *const first[] = {"Andrés",    "Lucía",     "José",    "María",  "Camilo",
                               "Valentina", "Sebastián", "Daniela", "Julián", "Natalia"};
  const char *const last[] = {"Gómez", "Rodríguez", "Peña", "Muñoz", "Ramírez", "Castaño", "López", "Hernández"};
  const char *const bands[] = {"0-17", "18-44", "45-59", "60+"};
  const std::int64_t fees[] = {pesos(95000), pesos(142000), pesos(198500), pesos(265300)};
  std::int64_t monthly = 0;
  for (int i = 0; i < 40; ++i) {
    Member m;
    m.member_id = "K-C-2040-" + std::to_string(100 + i);
    m.name = std::string(first[i % 10]) + " " + last[i % 8] + " " + last[(i * 3 + 1) % 8];
    m.age_band = bands[(i * 7) % 4];
    m.plan = i % 5 == 0 ? "Empresarial Plus Dental" : "Empresarial Plus";
    m.monthly_fee = fees[(i * 7) % 4];
    monthly += m.monthly_fee;
    s.contract.members.push_back(m);
  }
  s.opening_balance = pesos(7250000);
  s.movements.push_back(movement(civil_day(2026, 11, 1), "invoice", "FE-20011", "K-C-2040",
                                 "Cuota noviembre 2026 — 40 beneficiarios", monthly, 0));
  for (int i = 0; i < 14; ++i) {
    const std::int64_t date = civil_day(2026, 11, static_cast<std::uint32_t>(2 + i * 2));
    const std::string n = std::to_string(6100 + i);
    if (i % 4 == 3) {
      s.movements.push_back(movement(date, "credit-note", "NC-" + n, "FE-20011",
                                     "Retiro de beneficiario: devolución proporcional de la cuota del mes", 0,
                                     pesos(47500 + 1000 * i)));
    } else if (i % 5 == 4) {
      s.movements.push_back(movement(date, "adjustment", "AJ-" + n, "FE-19876",
                                     "Ajuste por novedad de nómina reportada tarde por recursos humanos de la "
                                     "empresa, según acta del comité de novedades",
                                     pesos(12345), 0));
    } else {
      s.movements.push_back(movement(date, "payment", "RC-" + n, "Transferencia 00" + n,
                                     "Pago por transferencia bancaria", 0, pesos(415000 + 2500 * i)));
    }
  }
  s.movements.push_back(movement(civil_day(2026, 11, 28), "reclassification", "RE-0042", "FE-19876",
                                 "Reclasificación de anticipo a la factura de octubre", 0, pesos(100000)));
  s.interest_to_date = pesos(18250) + 37;
  for (int i = 0; i < 6; ++i) {
    const std::int64_t issued = civil_day(2026, static_cast<std::uint32_t>(5 + i), 1);
    const std::int64_t due = issued + 10;
    s.open_items.push_back({"FE-" + std::to_string(19500 + i * 70), "K-C-2040", issued, due, monthly,
                            pesos(350000 + 120000 * i), std::max<std::int64_t>(0, s.period_end - due)});
  }
  s.aging = aging(pesos(1200000), pesos(950000), pesos(830000), pesos(710000), pesos(1690000), 0);
  s.due_date = civil_day(2026, 12, 10);
  s.previous_amount_due = pesos(7250000);
  s.causes = {
      {"member-added", "K-C-2040-138", "Ingreso de Daniela Rodríguez Muñoz (18-44) el 03/11/2026", pesos(142000)},
      {"member-added", "K-C-2040-139", "Ingreso de Julián Castaño Peña (45-59) el 17/11/2026", pesos(198500)},
      {"member-removed", "K-C-2040-077", "Retiro de Camilo Ramírez López el 31/10/2026", -pesos(95000)},
      {"age-band-change", "K-C-2040-112", "José Peña Gómez pasó al grupo 60+", pesos(66800)},
      {"interest", "", "Intereses de mora causados a la fecha", s.interest_to_date},
      {"payments-pending", "", "Saldo de periodos anteriores que sigue pendiente", 0}};
  settle(s);
  return s;
}

// A customer who paid ahead: the statement shows a balance in the customer's favour.
Statement credit_balance() {
  Statement s = november("customer/C-0777/2026-11");
  s.holder = {"C-0777", "CC", "80123456", "Jorge Andrés Gutiérrez Ibáñez", "Calle 10 Sur # 43A-20", "Medellín"};
  s.opening_balance = 0;
  s.movements = {
      movement(civil_day(2026, 11, 3), "payment", "RC-7001", "PSE 88120", "Pago anticipado PSE", 0, pesos(500000),
               "K-77"),
      movement(civil_day(2026, 11, 20), "invoice", "FE-30001", "K-77", "Cuota diciembre 2026", pesos(180000), 0,
               "K-77"),
  };
  s.previous_amount_due = pesos(180000);
  s.causes = {{"payments-ahead", "", "Pago anticipado del 03/11/2026 aplicado a la cuota de diciembre", 0}};
  settle(s);
  return s;
}

// A customer with two contracts, a returned check and moratory interest.
Statement customer_with_interest() {
  Statement s = november("customer/C-0555/2026-11");
  s.holder = {"C-0555", "NIT", "800765432-1", "Comercializadora Ñandú Ltda.", "Carrera 7 # 45-12", "Cali"};
  s.opening_balance = pesos(1250000);
  s.movements = {
      movement(civil_day(2026, 11, 2), "payment", "RC-9001", "Cheque 004512", "Pago con cheque Banco de Bogotá", 0,
               pesos(800000), "K-501"),
      movement(civil_day(2026, 11, 9), "returned-check", "CD-0031", "Cheque 004512",
               "Cheque devuelto por fondos insuficientes", pesos(800000), 0, "K-501"),
      movement(civil_day(2026, 11, 10), "interest", "IM-0456", "FE-8801", "Intereses de mora octubre 2026",
               pesos(23456) + 78, 0, "K-501"),
      movement(civil_day(2026, 11, 15), "invoice", "FE-8950", "K-502", "Cuota noviembre 2026", pesos(210000), 0,
               "K-502"),
      movement(civil_day(2026, 11, 20), "credit-note", "NC-0120", "FE-8801", "Descuento por pronto pago no aplicado", 0,
               pesos(15000), "K-501"),
  };
  s.interest_to_date = pesos(31210) + 55;
  s.open_items = {
      {"FE-8801", "K-501", civil_day(2026, 9, 1), civil_day(2026, 9, 16), pesos(650000), pesos(635000), 75},
      {"FE-8877", "K-501", civil_day(2026, 10, 1), civil_day(2026, 10, 16), pesos(650000), pesos(623534), 45},
      {"FE-8950", "K-502", civil_day(2026, 11, 15), civil_day(2026, 12, 1), pesos(210000), pesos(210000), 0},
  };
  s.aging = aging(pesos(210000), 0, pesos(623534), pesos(635000), 0, 0);
  s.due_date = civil_day(2026, 12, 1);
  s.previous_amount_due = pesos(1250000);
  s.causes = {{"interest", "", "Intereses de mora de octubre y los causados a la fecha", pesos(54667) + 33},
              {"billing-other", "", "Cuota de noviembre del contrato K-502", pesos(210000)},
              {"adjustment", "", "Nota crédito NC-0120", 0}};
  settle(s);
  return s;
}

std::vector<Statement> all_statements() {
  return {family(), collective(), credit_balance(), customer_with_interest()};
}

// An amount as the renderings write it ("+$ 1.234,56", "-$ 12,00"), back to centavos.
std::int64_t parse_co(const std::string &text) {
  std::int64_t value = 0;
  bool negative = false;
  for (char c : text) {
    if (c == '-') {
      negative = true;
    } else if (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
    }
  }
  return negative ? -value : value;
}

// ---- HTML ----------------------------------------------------------------------------------

void collect_error(void *messages, xmlErrorPtr e) {
  auto &out = *static_cast<std::vector<std::string> *>(messages);
  out.push_back(std::to_string(e->line) + ": " + (e->message != nullptr ? e->message : "?"));
}

struct DocFree {
  void operator()(xmlDoc *d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

// Parses with libxml2's HTML parser (xml = false) or XML parser; what either complained about.
DocPtr parse(const std::string &html, bool xml, std::vector<std::string> &messages) {
  xmlSetStructuredErrorFunc(&messages, collect_error);
  xmlDoc *doc =
      xml ? xmlReadMemory(html.data(), static_cast<int>(html.size()), "statement.xhtml", "UTF-8", XML_PARSE_NONET)
          : htmlReadMemory(html.data(), static_cast<int>(html.size()), "statement.html", "UTF-8", HTML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  return DocPtr(doc);
}

std::vector<std::string> texts(xmlDoc *doc, const char *xpath) {
  std::vector<std::string> out;
  xmlXPathContext *ctx = xmlXPathNewContext(doc);
  xmlXPathObject *result = xmlXPathEvalExpression(reinterpret_cast<const xmlChar *>(xpath), ctx);
  if (result != nullptr && result->nodesetval != nullptr) {
    for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
      xmlChar *content = xmlNodeGetContent(result->nodesetval->nodeTab[i]);
      out.emplace_back(reinterpret_cast<const char *>(content));
      xmlFree(content);
    }
  }
  xmlXPathFreeObject(result);
  xmlXPathFreeContext(ctx);
  return out;
}

TEST(StatementHtml, ParsesWithoutErrorsAsHtmlAndAsXhtml) {
  for (const Statement &s : all_statements()) {
    const std::string html = render_html(s);
    for (const bool xml : {false, true}) {
      std::vector<std::string> messages;
      const DocPtr doc = parse(html, xml, messages);
      EXPECT_NE(doc, nullptr) << s.statement_id;
      EXPECT_TRUE(messages.empty()) << s.statement_id << (xml ? " as XML: " : " as HTML: ") << messages.front();
    }
  }
}

TEST(StatementHtml, IsSelfContainedSpanishAndPrintable) {
  const std::string html = render_html(family());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html", 0), 0u);
  EXPECT_NE(html.find("lang=\"es-CO\""), std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"utf-8\" />"), std::string::npos);
  EXPECT_NE(html.find("@page { size: A4;"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(StatementHtml, ShowsTheCompanyTheHolderAndTheFiguresInSpanish) {
  const std::string html = render_html(family());
  for (const char *expected : {"Bienestar Andino Medicina Prepagada S.A.",
                               "NIT 900123456-7",
                               "Calle 72 # 10-34, piso 5, Bogotá D.C.",
                               "Tel. 601 555 0100",
                               "cartera@bienestarandino.example",
                               "<h1>Estado de cuenta</h1>",
                               "1 al 30 de noviembre de 2026",
                               "Fecha de corte: <strong>30/11/2026</strong>",
                               "Titular del contrato",
                               "María Fernanda Muñoz Peña",
                               "C.C. 52123456",
                               "Familiar",
                               "Plan Oro Familiar",
                               "Sofía Gómez Muñoz",
                               "<td class=\"num\">$ 87.500,00</td>",
                               "Saldo anterior",
                               "$ 325.000,00",
                               "(+) Cargos del periodo",
                               "(−) Abonos del periodo",
                               "(=) Saldo a la fecha",
                               "Intereses de mora a la fecha",
                               "Total a pagar",
                               "<div class=\"total num\">$ 412.500,00</div>",
                               "Fecha límite de pago: 05/12/2026",
                               "05/11/2026",
                               "Pago",
                               "Factura",
                               "Pago PSE",
                               "FE-11873",
                               "Al día",
                               "Corriente",
                               "Más de 180",
                               "¿Por qué cambió su valor a pagar?",
                               "Ingreso de beneficiario",
                               "+$ 87.500,00",
                               "Referencia del documento: contract/K-1001/2026-11"}) {
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
  }
}

TEST(StatementHtml, CollectiveNamesTheEmployerAndEveryMember) {
  const Statement s = collective();
  const std::string html = render_html(s);
  EXPECT_NE(html.find("Empresa contratante"), std::string::npos);
  EXPECT_NE(html.find("Colectivo"), std::string::npos);
  EXPECT_NE(html.find("NIT 901234567-1"), std::string::npos);
  for (const char *cause : {"Ingreso de beneficiario", "Retiro de beneficiario", "Cambio de grupo de edad",
                            "Intereses de mora", "Saldo pendiente de pago", "-$ 95.000,00"}) {
    EXPECT_NE(html.find(cause), std::string::npos) << cause;
  }
  std::vector<std::string> messages;
  const DocPtr doc = parse(html, false, messages);
  EXPECT_EQ(texts(doc.get(), "//table[contains(@class,'members')]/tbody/tr").size(), 40u);
  // The opening row, every movement and the totals.
  EXPECT_EQ(texts(doc.get(), "//table[contains(@class,'movements')]/tbody/tr").size(), s.movements.size() + 2);
  EXPECT_EQ(texts(doc.get(), "//table[contains(@class,'open-items')]/tbody/tr").size(), 6u);
}

TEST(StatementHtml, CreditBalanceReadsAsSaldoAFavor) {
  const std::string html = render_html(credit_balance());
  EXPECT_NE(html.find("<td>(=) Saldo a favor</td><td class=\"num\">$ 320.000,00</td>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"total num\">$ 0,00</div>"), std::string::npos);
  EXPECT_NE(html.find("Fecha límite de pago: —"), std::string::npos);
  EXPECT_NE(html.find("Su saldo a favor se aplicará a sus próximas facturas."), std::string::npos);
  EXPECT_NE(html.find("Cliente"), std::string::npos);
  EXPECT_NE(html.find("Pagos anticipados"), std::string::npos);
  EXPECT_NE(html.find("-$ 180.000,00"), std::string::npos);
  EXPECT_NE(html.find("No tiene facturas pendientes de pago."), std::string::npos);
  // A customer statement says which contract each movement belongs to.
  EXPECT_NE(html.find("Pago anticipado PSE (contrato K-77)"), std::string::npos);
}

TEST(StatementHtml, InterestAndReturnedCheckAreNamedAndAged) {
  const std::string html = render_html(customer_with_interest());
  for (const char *expected :
       {"Cheque devuelto", "Intereses de mora", "Nota crédito", "$ 23.456,78", "<td class=\"num\">$ 31.210,55</td>",
        "Comercializadora Ñandú Ltda.", "75 días", "45 días", "<td class=\"num overdue\">75 días</td>",
        "Otros cambios en la facturación", "Ajustes", "-$ 15.000,00"}) {
    EXPECT_NE(html.find(expected), std::string::npos) << expected;
  }
}

TEST(StatementHtml, EscapesMarkupInEveryText) {
  Statement s = customer_with_interest();
  s.holder.name = "Ana <script>alert(1)</script> & \"Cía\"";
  s.movements[0].description = "<b>Pago</b>";
  const std::string html = render_html(s);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Cía&quot;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;Pago&lt;/b&gt;"), std::string::npos);
  std::vector<std::string> messages;
  EXPECT_NE(parse(html, true, messages), nullptr);
  EXPECT_TRUE(messages.empty());
}

TEST(StatementHtml, SameStatementSameBytes) {
  for (const Statement &s : all_statements()) {
    const Statement copy = s;
    EXPECT_EQ(render_html(s), render_html(copy)) << s.statement_id;
  }
}

TEST(StatementHtml, CausesShownAddUpFromThePreviousToTheNewAmount) {
  for (const Statement &s : all_statements()) {
    std::vector<std::string> messages;
    const DocPtr doc = parse(render_html(s), false, messages);
    const auto causes = texts(doc.get(), "//table[contains(@class,'causes')]//tr[@class='cause']/td[3]");
    const auto previous = texts(doc.get(), "//table[contains(@class,'causes')]//tr[@class='opening']/td[last()]");
    const auto now = texts(doc.get(), "//table[contains(@class,'causes')]//tr[@class='total']/td[last()]");
    ASSERT_EQ(causes.size(), s.causes.size()) << s.statement_id;
    ASSERT_EQ(previous.size(), 1u);
    ASSERT_EQ(now.size(), 1u);
    std::int64_t sum = 0;
    for (const std::string &c : causes) {
      sum += parse_co(c);
    }
    EXPECT_EQ(sum, s.difference) << s.statement_id;
    EXPECT_EQ(parse_co(previous[0]) + sum, parse_co(now[0])) << s.statement_id;
    const auto difference = texts(doc.get(), "//p[contains(@class,'difference')]");
    ASSERT_EQ(difference.size(), 1u);
    EXPECT_EQ(difference[0], "Diferencia frente al periodo anterior: " + signed_pesos(s.difference));
  }
}

TEST(StatementHtml, StatementWithoutChangesSaysSo) {
  Statement s = family();
  s.causes.clear();
  s.previous_amount_due = s.amount_due;
  s.difference = 0;
  const std::string html = render_html(s);
  EXPECT_NE(html.find("Su valor a pagar no cambió frente al periodo anterior."), std::string::npos);
  EXPECT_EQ(html.find("class=\"grid causes\""), std::string::npos);
}

// A statement with nothing in it: a new customer's first month.
Statement empty() {
  Statement s = november("customer/C-0999/2026-11");
  s.holder = {"C-0999", "CC", "1020304050", "Nuevo Cliente", "", ""};
  return s;
}

// Text no document should carry as it is: bad UTF-8, control characters, line breaks.
Statement odd_text() {
  Statement s = family();
  s.holder.name = "María\nMuñoz\tPeña \xFF\x01"
                  "fin";
  s.movements[0].description = "Pago\r\nPSE";
  return s;
}

TEST(StatementHtml, EmptyStatementStillReads) {
  const std::string html = render_html(empty());
  std::vector<std::string> messages;
  EXPECT_NE(parse(html, true, messages), nullptr);
  EXPECT_TRUE(messages.empty());
  EXPECT_NE(html.find("No hubo movimientos en el periodo."), std::string::npos);
  EXPECT_NE(html.find("No tiene facturas pendientes de pago."), std::string::npos);
  EXPECT_NE(html.find("Su valor a pagar no cambió frente al periodo anterior."), std::string::npos);
  EXPECT_NE(html.find("No tiene valores pendientes de pago."), std::string::npos);
}

TEST(StatementHtml, OddTextIsCleanedBeforeItIsEscaped) {
  const std::string html = render_html(odd_text());
  std::vector<std::string> messages;
  EXPECT_NE(parse(html, true, messages), nullptr);
  EXPECT_TRUE(messages.empty()) << messages.front();
  EXPECT_NE(html.find("María Muñoz Peña \xEF\xBF\xBD fin"), std::string::npos);
}

// ---- PDF -----------------------------------------------------------------------------------

using cartera::testing::ScratchDir;

std::string run(const std::string &command) {
  std::string out;
  FILE *pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("cannot run " + command);
  }
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
    out.append(buf, n);
  }
  const int status = pclose(pipe);
  if (status != 0) {
    throw std::runtime_error(command + " exited with " + std::to_string(status));
  }
  return out;
}

// pdfinfo's value for a field ("Pages", "Title").
std::string info(const std::string &pdf, const std::string &field) {
  const std::string out = "\n" + run("/usr/bin/pdfinfo '" + pdf + "'");
  const std::size_t at = out.find("\n" + field + ":");
  if (at == std::string::npos) {
    return "";
  }
  std::size_t begin = out.find_first_not_of(' ', at + field.size() + 2);
  return out.substr(begin, out.find('\n', begin) - begin);
}

std::string text(const std::string &pdf, int first = 0, int last = 0) {
  std::string range = first > 0 ? " -f " + std::to_string(first) + " -l " + std::to_string(last) : "";
  return run("/usr/bin/pdftotext -layout" + range + " '" + pdf + "' -");
}

int count(const std::string &haystack, const std::string &needle) {
  int n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(StatementPdf, FamilyStatementIsOneA4PageWithItsFigures) {
  const ScratchDir dir;
  const Statement s = family();
  const std::string bytes = render_pdf(s);
  ASSERT_EQ(bytes.rfind("%PDF-", 0), 0u);
  const std::string pdf = dir.write("family.pdf", bytes);
  EXPECT_EQ(info(pdf, "Pages"), "1");
  EXPECT_EQ(info(pdf, "Title"), "Estado de cuenta — noviembre de 2026 — María Fernanda Muñoz Peña");
  EXPECT_EQ(info(pdf, "Creator"), "cartera");
  EXPECT_EQ(info(pdf, "Author"), "Bienestar Andino Medicina Prepagada S.A.");
  EXPECT_NE(info(pdf, "Page size").find("595.28 x 841.89 pts (A4)"), std::string::npos);
  EXPECT_NE(info(pdf, "CreationDate").find("2026"), std::string::npos) << info(pdf, "CreationDate");
  const std::string t = text(pdf);
  for (const char *expected :
       {"María Fernanda Muñoz Peña", "Titular del contrato", "C.C. 52123456", "Estado de cuenta",
        "Periodo: 1 al 30 de noviembre de 2026", "Total a pagar", "$ 412.500,00", "Fecha límite de pago: 05/12/2026",
        "Saldo anterior", "$ 325.000,00", "Pago PSE", "Cuota diciembre 2026", "Ingreso de beneficiario", "+$ 87.500,00",
        "Sofía Gómez Muñoz", "Antigüedad del saldo", "¿Por qué cambió su valor a pagar?", "Página 1 de 1"}) {
    EXPECT_NE(t.find(expected), std::string::npos) << expected << "\n" << t;
  }
}

TEST(StatementPdf, CollectiveContinuesItsTablesOverSeveralPages) {
  const ScratchDir dir;
  const std::string pdf = dir.write("collective.pdf", render_pdf(collective()));
  EXPECT_EQ(info(pdf, "Pages"), "3");
  const std::string all = text(pdf);
  EXPECT_NE(all.find("Inversiones Cafeteras del Quindío S.A.S."), std::string::npos);
  EXPECT_NE(all.find("Empresa contratante"), std::string::npos);
  for (const char *expected : {"Página 1 de 3", "Página 2 de 3", "Página 3 de 3"}) {
    EXPECT_EQ(count(all, expected), 1) << expected;
  }
  // Pages after the first say whose statement they continue, and a table that continues
  // there starts under its header row again.
  const std::string page2 = text(pdf, 2, 2);
  EXPECT_NE(page2.find("Estado de cuenta · Inversiones Cafeteras del Quindío S.A.S."), std::string::npos) << page2;
  EXPECT_NE(page2.find("Beneficiario"), std::string::npos) << page2;
  EXPECT_NE(page2.find("Grupo de edad"), std::string::npos) << page2;
  // A long description wraps onto as many lines as it needs: all of it is on the page, to its
  // last words (issue 20: nothing in a table cell is cut).
  EXPECT_NE(all.find("novedades"), std::string::npos) << all;
  EXPECT_EQ(all.find("\u2026"), std::string::npos) << all;
}

TEST(StatementPdf, AccentsAndSignsSurviveIntoTheText) {
  const ScratchDir dir;
  const std::string t = text(dir.write("interest.pdf", render_pdf(customer_with_interest())));
  for (const char *expected : {"Comercializadora Ñandú Ltda.", "Cheque devuelto", "Intereses de mora", "Nota crédito",
                               "$ 23.456,78", "$ 31.210,55", "75 días", "-$ 15.000,00", "Cliente"}) {
    EXPECT_NE(t.find(expected), std::string::npos) << expected << "\n" << t;
  }
}

// A company's figures can be long: an amount is shrunk to fit its cell or wrapped, never cut
// with an ellipsis ("$ 11.080.882,…" in the period's totals), nor are references.
TEST(StatementPdf, LongAmountsAndReferencesAreNeverCut) {
  Statement s = customer_with_interest();
  s.total_debits = 9'999'999'999'999'99;
  s.total_credits = 1'108'088'200'000'00;
  s.closing_balance = 8'891'911'799'999'99;
  s.amount_due = 8'891'911'799'999'99;
  s.previous_amount_due = 1'108'088'200'000'00;
  s.difference = s.amount_due - s.previous_amount_due;
  for (auto &m : s.movements) {
    m.document = "FE-SETT-2026-000000123456789-RECLASIFICADO";
  }
  const ScratchDir dir;
  const std::string t = text(dir.write("long.pdf", render_pdf(s)));
  EXPECT_EQ(t.find("\u2026"), std::string::npos) << t;
  for (const char *expected : {"$ 9.999.999.999.999,99", "$ 1.108.088.200.000,00", "$ 8.891.911.799.999,99"}) {
    EXPECT_NE(t.find(expected), std::string::npos) << expected << "\n" << t;
  }
}

TEST(StatementPdf, CreditBalanceReadsAsSaldoAFavor) {
  const ScratchDir dir;
  const std::string t = text(dir.write("credit.pdf", render_pdf(credit_balance())));
  EXPECT_NE(t.find("(=) Saldo a favor"), std::string::npos) << t;
  EXPECT_NE(t.find("$ 320.000,00"), std::string::npos);
  EXPECT_NE(t.find("Jorge Andrés Gutiérrez Ibáñez"), std::string::npos);
  EXPECT_NE(t.find("Su saldo a favor se aplicará a sus próximas facturas."), std::string::npos);
}

TEST(StatementPdf, EmptyAndOddStatementsStillRender) {
  const ScratchDir dir;
  const std::string pdf = dir.write("empty.pdf", render_pdf(empty()));
  EXPECT_EQ(info(pdf, "Pages"), "1");
  EXPECT_NE(text(pdf).find("No hubo movimientos en el periodo."), std::string::npos);
  const std::string odd = dir.write("odd.pdf", render_pdf(odd_text()));
  EXPECT_EQ(info(odd, "Pages"), "1");
  EXPECT_NE(text(odd).find("María Muñoz Peña"), std::string::npos);
  EXPECT_NE(info(odd, "Title").find("María Muñoz Peña"), std::string::npos);
}

TEST(StatementPdf, SameStatementSameDocument) {
  const ScratchDir dir;
  for (const Statement &s : all_statements()) {
    const std::string a = render_pdf(s);
    const std::string b = render_pdf(s);
    EXPECT_EQ(a, b) << s.statement_id;
    const std::string pa = dir.write("a.pdf", a);
    const std::string pb = dir.write("b.pdf", b);
    EXPECT_EQ(info(pa, "Pages"), info(pb, "Pages"));
    EXPECT_EQ(text(pa), text(pb));
  }
}

TEST(StatementPdf, RendersFromSeveralThreadsAtOnceAndPrintsThroughput) {
  const Statement s = collective();
  const std::string reference = render_pdf(s); // also warms the fonts up
  const ScratchDir dir;
  const int pages = std::stoi(info(dir.write("ref.pdf", reference), "Pages"));

  using Clock = std::chrono::steady_clock;
  // CPU time as well as wall time: on a shared machine the wall clock also counts the time
  // other processes took the cores.
  const auto cpu_seconds = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  const auto measure = [&](unsigned threads, int per_thread) {
    std::vector<int> mismatches(threads, 0);
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          mismatches[t] += render_pdf(s) != reference ? 1 : 0;
        }
      });
    }
    for (std::thread &t : pool) {
      t.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = cpu_seconds() - cpu_start;
    EXPECT_EQ(std::accumulate(mismatches.begin(), mismatches.end(), 0), 0) << threads << " threads";
    const double docs = static_cast<double>(threads) * per_thread;
    std::cout << "[ throughput ] " << threads << " thread(s): " << docs << " statements of " << pages << " pages in "
              << seconds << " s: " << docs * pages / seconds << " pages/s wall; " << 1000 * cpu / (docs * pages)
              << " ms CPU per page = " << docs * pages / cpu << " pages/s per core\n";
  };
  measure(1, 30);
  measure(std::max(2u, std::thread::hardware_concurrency()), 30);
}

} // namespace
