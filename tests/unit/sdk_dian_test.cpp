#include <cartera/sdk/dian.hpp>

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <pugixml.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cartera::sdk;
using namespace cartera::sdk::dian;

namespace {

const std::string kUbl = CARTERA_SOURCE_DIR "/schemas/xml/ubl-2.1";
const std::string kCreditNoteXsd = kUbl + "/maindoc/UBL-CreditNote-2.1.xsd";

struct SchemaDeleter {
  void operator()(xmlSchema *s) const noexcept { xmlSchemaFree(s); }
};
struct DocDeleter {
  void operator()(xmlDoc *d) const noexcept { xmlFreeDoc(d); }
};
struct ValidDeleter {
  void operator()(xmlSchemaValidCtxt *c) const noexcept { xmlSchemaFreeValidCtxt(c); }
};
struct ParserDeleter {
  void operator()(xmlSchemaParserCtxt *c) const noexcept { xmlSchemaFreeParserCtxt(c); }
};
using Schema = std::unique_ptr<xmlSchema, SchemaDeleter>;

void collect(void *user, xmlErrorPtr e) {
  if (e != nullptr && e->message != nullptr) {
    std::string m = std::to_string(e->line) + ": " + e->message;
    while (!m.empty() && m.back() == '\n') {
      m.pop_back();
    }
    static_cast<std::vector<std::string> *>(user)->push_back(m);
  }
}

Schema load_schema(std::unique_ptr<xmlSchemaParserCtxt, ParserDeleter> parser) {
  if (!parser) {
    throw std::runtime_error("cannot create a schema parser");
  }
  std::vector<std::string> errors;
  xmlSchemaSetParserStructuredErrors(parser.get(), collect, &errors);
  Schema schema(xmlSchemaParse(parser.get()));
  if (!schema) {
    throw std::runtime_error("schema does not compile: " + (errors.empty() ? std::string("?") : errors.front()));
  }
  return schema;
}

Schema load_schema_file(const std::string &path) {
  return load_schema(std::unique_ptr<xmlSchemaParserCtxt, ParserDeleter>(xmlSchemaNewParserCtxt(path.c_str())));
}

// The UBL schemas take a while to compile (the aggregate components alone are 2.4 MB): once.
xmlSchema *credit_note_schema() {
  static const Schema kSchema = load_schema_file(kCreditNoteXsd);
  return kSchema.get();
}

// Errors of a document against a schema; empty when it validates. The document is read as a
// receiver would read an untrusted one: no network, no entity substitution.
std::vector<std::string> validate(xmlSchema *schema, const std::string &xml) {
  std::vector<std::string> errors;
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "document.xml", nullptr, XML_PARSE_NONET));
  if (!doc) {
    errors.emplace_back("not well-formed");
    return errors;
  }
  std::unique_ptr<xmlSchemaValidCtxt, ValidDeleter> ctxt(xmlSchemaNewValidCtxt(schema));
  xmlSchemaSetValidStructuredErrors(ctxt.get(), collect, &errors);
  if (xmlSchemaValidateDoc(ctxt.get(), doc.get()) != 0 && errors.empty()) {
    errors.emplace_back("invalid, no message");
  }
  return errors;
}

std::string joined(const std::vector<std::string> &v) {
  std::string out;
  for (const std::string &s : v) {
    out += s + "\n";
  }
  return out;
}

// The concepts of one Anexo version and note kind, read from the shipped data file.
std::map<std::string, std::vector<Concept>> load_concepts(const pugi::xml_document &doc, const char *kind) {
  std::map<std::string, std::vector<Concept>> by_version;
  for (pugi::xml_node anexo : doc.child("dian-concepts").children("anexo")) {
    std::vector<Concept> &list = by_version[anexo.attribute("version").value()];
    for (pugi::xml_node c : anexo.child(kind).children("concept")) {
      list.push_back(Concept{c.attribute("code").value(), c.text().get()});
    }
  }
  return by_version;
}

const char *const kConceptsFile = CARTERA_SOURCE_DIR "/schemas/data/dian-credit-note-concepts.xml";

// 100,000.00 + 19 % IVA = 119,000.00, on a CC customer.
CreditNoteDraft sample_draft() {
  CreditNoteDraft d;
  d.number = "NC1001";
  d.issue_date = "2026-11-22";
  d.issue_time = "10:15:00-05:00";
  d.environment = Environment::kTesting;
  d.software_provider_nit = "900123456";
  d.software_id = "56f2ae4e-9812-4fad-9255-08fcfcd5ccb0";
  d.software_pin = "12345";
  d.supplier = Party{"Medicina Prepagada del Valle S.A.", IdType::kNit, "900123456"};
  d.customer = Party{"Ana María Pérez", IdType::kCc, "1020304050", Organization::kNaturalPerson};
  d.invoice = InvoiceReference{
      "SETP990000002",
      "8bb918b19ba22a694f1da11c643b5e9de39adf60311cf179179e9b33381030bcd4c3c3f156c506ed5908f9276f5bd9b4", "2026-10-01"};
  d.reason = Concept{"3", "Rebaja o descuento parcial o total"};
  d.note = "Descuento acordado en el acuerdo de pago";
  d.line_description = "Descuento sobre la cuota de octubre";
  d.value_before_taxes = 10'000'000;
  d.iva = 1'900'000;
  d.iva_rate_hundredths = 1900;
  return d;
}

pugi::xml_node root_of(pugi::xml_document &doc, const std::string &xml) {
  const pugi::xml_parse_result r = doc.load_string(xml.c_str());
  EXPECT_TRUE(r) << r.description();
  return doc.child("CreditNote");
}

std::string text_at(pugi::xml_node root, const char *xpath) {
  return root.select_node(xpath).node().text().get();
}

} // namespace

TEST(Dian, Sha384IsLowercaseHex) {
  EXPECT_EQ(sha384_hex("abc"), "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                               "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(sha384_hex("").size(), 96U);
}

// The three published vectors (domain/colombia.md §5.4, from facho's tests citing the Anexo).
TEST(Dian, CufeVectorOfTheAnexo) {
  const CudeInput in{.number = "323200000129",
                     .issue_date = "2019-01-16",
                     .issue_time = "10:53:10-05:00",
                     .value_before_taxes = 150'000'000,
                     .iva = 28'500'000,
                     .total = 178'500'000,
                     .issuer_nit = "700085371",
                     .acquirer_id = "800199436",
                     .key = "693ff6f2a553c3646a063436fd4dd9ded0311471", // clave técnica
                     .environment = Environment::kProduction};
  EXPECT_EQ(cude_input_string(in), "3232000001292019-01-1610:53:10-05:001500000.0001285000.00040.00030.001785000.00"
                                   "700085371800199436693ff6f2a553c3646a063436fd4dd9ded03114711");
  EXPECT_EQ(cude(in),
            "8bb918b19ba22a694f1da11c643b5e9de39adf60311cf179179e9b33381030bcd4c3c3f156c506ed5908f9276f5bd9b4");
}

TEST(Dian, CreditNoteCudeVectorOfTheAnexo) {
  const CudeInput in{.number = "8110007871",
                     .issue_date = "2019-01-12",
                     .issue_time = "07:00:00-05:00",
                     .value_before_taxes = 500'000,
                     .iva = 95'000,
                     .total = 595'000,
                     .issuer_nit = "900373076",
                     .acquirer_id = "8355990",
                     .key = "12301", // software PIN
                     .environment = Environment::kProduction};
  EXPECT_EQ(cude_input_string(in),
            "81100078712019-01-1207:00:00-05:005000.0001950.00040.00030.005950.009003730768355990123011");
  EXPECT_EQ(cude(in),
            "907e4444decc9e59c160a2fb3b6659b33dc5b632a5008922b9a62f83f757b1c448e47f5867f2b50dbdb96f48c7681168");
}

TEST(Dian, DebitNoteCudeVectorOfTheAnexo) {
  const CudeInput in{.number = "ND1001",
                     .issue_date = "2019-01-18",
                     .issue_time = "10:58:00-05:00",
                     .value_before_taxes = 3'000'000,
                     .inc = 240'000,
                     .total = 3'240'000,
                     .issuer_nit = "900197264",
                     .acquirer_id = "10254102",
                     .key = "10201",
                     .environment = Environment::kTesting};
  EXPECT_EQ(cude_input_string(in),
            "ND10012019-01-1810:58:00-05:0030000.00010.00042400.00030.0032400.0090019726410254102102012");
  EXPECT_EQ(cude(in),
            "3fa73a86d57d9341c536afde1f85c4efd9d4591c2c22bce4dfb0e6b0d2e83b8f047a8bde7098292e9d2493e60d1c31da");
}

TEST(Dian, CudeInputRefusesWhatWouldGiveAnIrreproducibleHash) {
  const CudeInput good{.number = "NC1",
                       .issue_date = "2026-11-22",
                       .issue_time = "10:15:00-05:00",
                       .value_before_taxes = 100,
                       .total = 100,
                       .issuer_nit = "900123456",
                       .acquirer_id = "1020304050",
                       .key = "1"};
  EXPECT_NO_THROW(cude_input_string(good));
  CudeInput bad = good;
  bad.issue_time = "10:15:00"; // no offset
  EXPECT_THROW(cude_input_string(bad), std::invalid_argument);
  bad = good;
  bad.issue_time = "25:00:00-05:00";
  EXPECT_THROW(cude_input_string(bad), std::invalid_argument);
  bad = good;
  bad.issue_date = "2026-02-29";
  EXPECT_THROW(cude_input_string(bad), std::invalid_argument);
  bad = good;
  bad.iva = -1;
  EXPECT_THROW(cude_input_string(bad), std::invalid_argument);
  bad = good;
  bad.key.clear();
  EXPECT_THROW(cude_input_string(bad), std::invalid_argument);
}

TEST(Dian, DraftWithIvaValidatesAgainstUbl) {
  const std::string xml = credit_note_draft(sample_draft());
  const std::vector<std::string> errors = validate(credit_note_schema(), xml);
  EXPECT_TRUE(errors.empty()) << joined(errors) << xml;

  pugi::xml_document doc;
  const pugi::xml_node root = root_of(doc, xml);
  EXPECT_EQ(text_at(root, "cbc:CustomizationID"), "20");
  EXPECT_EQ(text_at(root, "cbc:ProfileExecutionID"), "2");
  EXPECT_EQ(text_at(root, "cbc:CreditNoteTypeCode"), "91");
  EXPECT_EQ(text_at(root, "cac:DiscrepancyResponse/cbc:ResponseCode"), "3");
  EXPECT_EQ(text_at(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID"), sample_draft().invoice.cufe);
  EXPECT_EQ(text_at(root, "cac:TaxTotal/cbc:TaxAmount"), "19000.00");
  EXPECT_EQ(text_at(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent"), "19.00");
  EXPECT_EQ(text_at(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID"), "01");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount"), "100000.00");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"), "100000.00");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), "119000.00");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"), "119000.00");
  EXPECT_EQ(text_at(root, "cac:CreditNoteLine/cac:TaxTotal/cbc:TaxAmount"), "19000.00");
  EXPECT_STREQ(root.select_node("cac:CreditNoteLine/cbc:CreditedQuantity/@unitCode").attribute().value(), "94");
  // The check digits are computed, not typed: 900123456 is 8, DIAN's 800197268 is 4.
  EXPECT_STREQ(root.select_node("cac:AccountingSupplierParty//cbc:CompanyID/@schemeID").attribute().value(), "8");
  EXPECT_STREQ(root.select_node("//sts:AuthorizationProviderID/@schemeID").attribute().value(), "4");
  EXPECT_STREQ(root.select_node("cac:AccountingCustomerParty//cbc:CompanyID/@schemeName").attribute().value(), "13");
  EXPECT_FALSE(root.select_node("cac:AccountingCustomerParty//cbc:CompanyID/@schemeID"));
  EXPECT_FALSE(root.select_node("//ds:Signature")) << "the signature is accounting's";
}

TEST(Dian, DraftWithoutIvaAndWithoutCufeValidates) {
  CreditNoteDraft d = sample_draft();
  d.iva = 0;
  d.iva_rate_hundredths = 0;
  d.invoice.cufe.clear();
  d.note.clear();
  const std::string xml = credit_note_draft(d);
  const std::vector<std::string> errors = validate(credit_note_schema(), xml);
  EXPECT_TRUE(errors.empty()) << joined(errors) << xml;

  pugi::xml_document doc;
  const pugi::xml_node root = root_of(doc, xml);
  EXPECT_FALSE(root.child("cac:TaxTotal"));
  EXPECT_FALSE(root.child("cac:CreditNoteLine").child("cac:TaxTotal"));
  EXPECT_FALSE(root.child("cbc:Note"));
  EXPECT_FALSE(root.select_node("cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID"));
  EXPECT_EQ(text_at(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"), "SETP990000002");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount"), "0.00");
  EXPECT_EQ(text_at(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"), "100000.00");
}

TEST(Dian, DraftEscapesTextAndStillValidates) {
  CreditNoteDraft d = sample_draft();
  d.customer.name = "Pérez & Hijos <S.A.S.>";
  d.line_description = "Ajuste \"cuota\" > pactada";
  const std::string xml = credit_note_draft(d);
  EXPECT_NE(xml.find("Pérez &amp; Hijos &lt;S.A.S.&gt;"), std::string::npos);
  EXPECT_EQ(xml.find("<S.A.S.>"), std::string::npos);
  const std::vector<std::string> errors = validate(credit_note_schema(), xml);
  EXPECT_TRUE(errors.empty()) << joined(errors);

  pugi::xml_document doc;
  const pugi::xml_node root = root_of(doc, xml);
  EXPECT_EQ(text_at(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name"), d.customer.name);
  EXPECT_EQ(text_at(root, "cac:CreditNoteLine/cac:Item/cbc:Description"), d.line_description);
}

TEST(Dian, DraftCarriesTheCudeOfItsOwnValues) {
  const CreditNoteDraft d = sample_draft();
  // Spelled out rather than taken from cude_input(d), so that a wrong mapping shows.
  const CudeInput in{.number = "NC1001",
                     .issue_date = "2026-11-22",
                     .issue_time = "10:15:00-05:00",
                     .value_before_taxes = 10'000'000,
                     .iva = 1'900'000,
                     .total = 11'900'000,
                     .issuer_nit = "900123456",
                     .acquirer_id = "1020304050",
                     .key = "12345",
                     .environment = Environment::kTesting};
  EXPECT_EQ(cude_input_string(in), "NC10012026-11-2210:15:00-05:00100000.000119000.00040.00030.00119000.00"
                                   "900123456102030405012345"
                                   "2");
  EXPECT_EQ(cude_input_string(cude_input(d)), cude_input_string(in));

  pugi::xml_document doc;
  const pugi::xml_node root = root_of(doc, credit_note_draft(d));
  const std::string key = cude(in);
  EXPECT_EQ(text_at(root, "cbc:UUID"), key);
  EXPECT_STREQ(root.child("cbc:UUID").attribute("schemeName").value(), "CUDE-SHA384");
  EXPECT_STREQ(root.child("cbc:UUID").attribute("schemeID").value(), "2");
  EXPECT_EQ(text_at(root, "//sts:QRCode"),
            "https://catalogo-vpfe-hab.dian.gov.co/document/searchqr?documentkey=" + key);
  EXPECT_EQ(text_at(root, "//sts:SoftwareSecurityCode"), sha384_hex("56f2ae4e-9812-4fad-9255-08fcfcd5ccb012345NC1001"));
}

TEST(Dian, ProductionDraftPointsAtTheProductionCatalogue) {
  CreditNoteDraft d = sample_draft();
  d.environment = Environment::kProduction;
  pugi::xml_document doc;
  const pugi::xml_node root = root_of(doc, credit_note_draft(d));
  EXPECT_EQ(text_at(root, "cbc:ProfileExecutionID"), "1");
  EXPECT_STREQ(root.child("cbc:UUID").attribute("schemeID").value(), "1");
  EXPECT_EQ(text_at(root, "//sts:QRCode"),
            "https://catalogo-vpfe.dian.gov.co/document/searchqr?documentkey=" + cude(cude_input(d)));
}

TEST(Dian, DraftRefusesValuesDianWouldReject) {
  const auto refused = [](void (*change)(CreditNoteDraft &)) {
    CreditNoteDraft d = sample_draft();
    change(d);
    EXPECT_THROW(credit_note_draft(d), std::invalid_argument);
  };
  refused([](CreditNoteDraft &d) { d.supplier.id_type = IdType::kCc; });
  refused([](CreditNoteDraft &d) { d.supplier.id_number = "900123456-8"; });
  refused([](CreditNoteDraft &d) { d.customer.id_number = "1.020.304.050"; });
  refused([](CreditNoteDraft &d) { d.customer.name = "Ana\x01"; });
  refused([](CreditNoteDraft &d) { d.customer.name = "Ana \xE9"; }); // Latin-1, not UTF-8
  refused([](CreditNoteDraft &d) { d.iva_rate_hundredths = 0; });
  refused([](CreditNoteDraft &d) { d.value_before_taxes = 0; });
  refused([](CreditNoteDraft &d) { d.reason.code.clear(); });
  refused([](CreditNoteDraft &d) { d.invoice.issue_date = "01/10/2026"; });
  refused([](CreditNoteDraft &d) { d.issue_time = "10:15:00Z"; });
}

// UBL's ExtensionContent is xsd:any processContents="lax" and the UBL schemas do not import
// DIAN_UBL_Structures.xsd: the CreditNote schema alone does not look inside sts:DianExtensions.
TEST(Dian, UblAloneDoesNotCheckDianExtensions) {
  std::string xml = credit_note_draft(sample_draft());
  const std::string at = "<sts:InvoiceSource>";
  xml.insert(xml.find(at), "<sts:NotDian>x</sts:NotDian>");
  EXPECT_TRUE(validate(credit_note_schema(), xml).empty());
}

// With DIAN's structures imported, DianExtensions is checked. The draft then differs in one
// point only, and on purpose: DIAN_UBL_Structures.xsd enumerates document types (11..91) for
// the schemeID of ProviderID and AuthorizationProviderID, while DIAN's own documents carry the
// NIT's check digit there (schemeID="4" schemeName="31" for DIAN itself).
TEST(Dian, DianStructuresAcceptTheDraftButForTheCheckDigitInSchemeId) {
  const std::string wrapper =
      R"(<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:cartera:test:wrapper">)"
      R"(<xsd:import namespace="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" schemaLocation=")" +
      kCreditNoteXsd +
      R"("/>)"
      R"(<xsd:import namespace="dian:gov:co:facturaelectronica:Structures-2-1" schemaLocation=")" +
      kUbl +
      R"(/maindoc/DIAN_UBL_Structures.xsd"/>)"
      R"(</xsd:schema>)";
  const Schema schema = load_schema(std::unique_ptr<xmlSchemaParserCtxt, ParserDeleter>(
      xmlSchemaNewMemParserCtxt(wrapper.data(), static_cast<int>(wrapper.size()))));

  const std::string xml = credit_note_draft(sample_draft());
  const std::vector<std::string> errors = validate(schema.get(), xml);
  ASSERT_EQ(errors.size(), 2U) << joined(errors);
  for (const std::string &e : errors) {
    EXPECT_NE(e.find("ProviderID', attribute 'schemeID': [facet 'enumeration']"), std::string::npos) << e;
  }
  std::string bogus = xml;
  bogus.insert(bogus.find("<sts:InvoiceSource>"), "<sts:NotDian>x</sts:NotDian>");
  const std::vector<std::string> caught = validate(schema.get(), bogus);
  ASSERT_FALSE(caught.empty());
  EXPECT_NE(caught.front().find("NotDian"), std::string::npos) << joined(caught);
}

TEST(Dian, ConceptsDataFileValidatesAndListsTheCodes) {
  const std::string xsd = CARTERA_SOURCE_DIR "/schemas/xml/dian-credit-note-concepts.xsd";
  const Schema schema = load_schema_file(xsd);
  // Read here rather than by libxml2: the runtime, linked in the same binary, restricts what
  // libxml2 may open to .xsd files.
  std::ifstream in(kConceptsFile, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ASSERT_FALSE(bytes.empty()) << kConceptsFile;
  const std::vector<std::string> errors = validate(schema.get(), bytes);
  EXPECT_TRUE(errors.empty()) << joined(errors);

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(kConceptsFile, pugi::parse_default | pugi::parse_comments));
  const auto codes = [](const std::vector<Concept> &list) {
    std::vector<std::string> out;
    for (const Concept &c : list) {
      EXPECT_FALSE(c.description.empty()) << c.code;
      out.push_back(c.code);
    }
    return out;
  };
  const auto credit = load_concepts(doc, "credit-note");
  const auto debit = load_concepts(doc, "debit-note");
  ASSERT_EQ(credit.size(), 2U);
  EXPECT_EQ(codes(credit.at("1.8")), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(codes(credit.at("1.9")), (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(credit.at("1.8")[4].description, "Otros");
  EXPECT_EQ(credit.at("1.9")[4].description, "Descuento comercial por pronto pago");
  EXPECT_EQ(codes(debit.at("1.8")), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(codes(debit.at("1.9")), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(debit.at("1.9")[0].description, "Intereses");

  const pugi::xml_node root = doc.child("dian-concepts");
  EXPECT_STREQ(root.attribute("default").value(), "1.9");
  EXPECT_FALSE(root.find_child_by_attribute("anexo", "version", "1.9").attribute("verified").as_bool());
  // The file says why 1.9 is unverified and why it is the default.
  const std::string comment = doc.find_child([](pugi::xml_node n) { return n.type() == pugi::node_comment; }).value();
  EXPECT_NE(comment.find("NOT VERIFIED against table 13.2.4"), std::string::npos);
  EXPECT_NE(comment.find("1.9 is the default because"), std::string::npos);

  // A concept read from the file is what a draft takes.
  CreditNoteDraft d = sample_draft();
  d.reason = credit.at("1.9")[1];
  pugi::xml_document note;
  const pugi::xml_node n = root_of(note, credit_note_draft(d));
  EXPECT_EQ(text_at(n, "cac:DiscrepancyResponse/cbc:Description"), "Anulación de factura electrónica");
}
