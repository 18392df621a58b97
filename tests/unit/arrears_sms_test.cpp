// plugins/arrears/sms.hpp: the GSM-7 text of a cancellation notice and the mobile number it goes to.
#include "sms.hpp"

#include <cartera/sdk/date.hpp>

#include <gtest/gtest.h>

#include <string>

namespace ca = cartera::arrears;

namespace {

std::int64_t sms_day(std::int32_t y, std::uint32_t m, std::uint32_t d) {
  return cartera::sdk::days_from_civil({y, m, d});
}

// A notice whose text without the name is 120 septets: the name may take 40.
ca::SmsNotice sms_notice(std::string name) {
  ca::SmsNotice n;
  n.name = std::move(name);
  n.amount = 123'456'700; // $ 1.234.567
  n.cancellation = sms_day(2026, 12, 31);
  n.opt_out = "SALIR";
  return n;
}

} // namespace

TEST(ArrearsSms, Gsm7MembershipFollowsTheDefaultAlphabetAndItsExtension) {
  for (const char *in : {"é", "É", "ñ", "Ñ", "ü", "Ü", "à", "è", "ù", "ì", "ò", "Ç", "Ø", "Å",  "Æ", "ß",
                         "¿", "¡", "@", "$", "£", "_", "€", "[", "]", "{", "}", "^", "~", "\\", "|"}) {
    EXPECT_TRUE(ca::is_gsm7(in)) << in;
  }
  for (const char *in : {"á", "í", "ó", "ú", "Á", "Í", "Ó", "Ú", "ç", "`", "â", "😀", "\t"}) {
    EXPECT_FALSE(ca::is_gsm7(in)) << in;
  }
  EXPECT_TRUE(ca::is_gsm7("Señor Nuñez, su pago esta pendiente."));
  EXPECT_FALSE(ca::is_gsm7("Señor Núñez, su pago está pendiente."));
  EXPECT_FALSE(ca::is_gsm7("Evite la suspensión del servicio."));
  EXPECT_FALSE(ca::is_gsm7("\xC3")); // a cut UTF-8 sequence
}

TEST(ArrearsSms, ExtensionCharactersCountTwoSeptets) {
  // The domain document's oracle (arrears-complaints-tariffs.md §2.3).
  EXPECT_EQ(ca::septets("Total € 10 [ref]"), 19U);
  EXPECT_EQ(ca::septets("Señor Nuñez, su pago esta pendiente."), 36U);
  for (const char *in : {"€", "[", "]", "{", "}", "^", "~", "\\", "|"}) {
    EXPECT_EQ(ca::septets(in), 2U) << in;
  }
  EXPECT_EQ(ca::septets("ñé¿"), 3U);
}

TEST(ArrearsSms, TransliteratesWhatIsNotGsm7AndKeepsWhatIs) {
  EXPECT_EQ(ca::to_gsm7("Señor Núñez, su pago está pendiente."), "Señor Nuñez, su pago esta pendiente.");
  EXPECT_EQ(ca::to_gsm7("áíóú ÁÍÓÚ"), "aiou AIOU");
  EXPECT_EQ(ca::to_gsm7("éñü ÉÑÜ àèìòù ¿¡"), "éñü ÉÑÜ àèìòù ¿¡");
  EXPECT_EQ(ca::to_gsm7("Gonçalves Âlvares"), "Goncalves Alvares");
  EXPECT_EQ(ca::to_gsm7("“Hola” – ‘sí’…"), "\"Hola\" - 'si'...");
  EXPECT_EQ(ca::to_gsm7("a\tb\u00A0c"), "a b c");
  EXPECT_EQ(ca::to_gsm7("N° 5 😀"), "No 5 ?");
  for (const char *in : {"Saldo en mora: 3 cuotas. Evite la suspensión del servicio.", "Ω€[] `x´", "\xFF\xC3"}) {
    EXPECT_TRUE(ca::is_gsm7(ca::to_gsm7(in))) << in;
  }
}

TEST(ArrearsSms, ComposesTheSpanishNoticeWithAmountDateAndOptOut) {
  ca::SmsNotice n = sms_notice("Ana Ruiz");
  n.company = "Salud Ejemplo";
  n.how_to_pay = "Pague en bancos.";
  const ca::ComposedSms sms = ca::compose_sms(n);
  ASSERT_TRUE(sms.text) << sms.reason;
  EXPECT_EQ(*sms.text, "Salud Ejemplo: Ana Ruiz, su contrato tiene mora de $ 1.234.567. Sera cancelado el 31/12/2026 "
                       "si no paga. Pague en bancos. Responda SALIR para no recibir mas SMS");
  EXPECT_EQ(ca::septets(*sms.text), 160U);

  n.name = "María José Gómez";
  n.how_to_pay.clear();
  const ca::ComposedSms accented = ca::compose_sms(n);
  ASSERT_TRUE(accented.text) << accented.reason;
  EXPECT_EQ(*accented.text, "Salud Ejemplo: Maria José Gomez, su contrato tiene mora de $ 1.234.567. Sera cancelado "
                            "el 31/12/2026 si no paga. Responda SALIR para no recibir mas SMS");
  EXPECT_TRUE(ca::is_gsm7(*accented.text));
}

TEST(ArrearsSms, AmountInPesosAsCustomersReadIt) {
  EXPECT_EQ(ca::sms_amount(123'456'700), "$ 1.234.567");
  EXPECT_EQ(ca::sms_amount(123'450), "$ 1.234,50");
  EXPECT_EQ(ca::sms_amount(100), "$ 1");
}

TEST(ArrearsSms, ExactlyOneHundredSixtySeptetsFitsAndOneMoreDoesNot) {
  const ca::ComposedSms fits = ca::compose_sms(sms_notice(std::string(40, 'A')));
  ASSERT_TRUE(fits.text) << fits.reason;
  EXPECT_EQ(ca::septets(*fits.text), 160U);
  EXPECT_EQ(fits.text->size(), 160U);

  const ca::ComposedSms over = ca::compose_sms(sms_notice(std::string(41, 'A')));
  EXPECT_FALSE(over.text);
  EXPECT_EQ(over.field, "name");
  EXPECT_NE(over.reason.find("160"), std::string::npos) << over.reason;

  // Two extension characters are four septets: 38 letters and "[]" make 162.
  const ca::ComposedSms ext = ca::compose_sms(sms_notice(std::string(38, 'A') + "[]"));
  EXPECT_FALSE(ext.text);
  EXPECT_TRUE(ca::compose_sms(sms_notice(std::string(36, 'A') + "[]")).text);
}

TEST(ArrearsSms, ALongNameLosesWordsFromItsEndNeverPartOfAWord) {
  // 120 septets without the name: the name may take 40.
  const ca::ComposedSms sms = ca::compose_sms(sms_notice("Maximiliano Alejandro Santamaría Villavicencio"));
  ASSERT_TRUE(sms.text) << sms.reason;
  EXPECT_EQ(sms.text->rfind("Maximiliano Alejandro Santamaria, su contrato", 0), 0U) << *sms.text;
  EXPECT_LE(ca::septets(*sms.text), 160U);

  const ca::ComposedSms shorter = ca::compose_sms(sms_notice("Maximiliano Alejandro Santamaría Villavicencio"), 150);
  ASSERT_TRUE(shorter.text) << shorter.reason;
  EXPECT_EQ(shorter.text->rfind("Maximiliano Alejandro, su contrato", 0), 0U) << *shorter.text;
}

TEST(ArrearsSms, OptionalPartsAreDroppedAfterTheNameIsShortened) {
  ca::SmsNotice n = sms_notice("Ana Lucía Pérez");
  n.company = "Salud Ejemplo";
  n.how_to_pay = "Pague en cualquier oficina o en linea en www.saludejemplo.com.co";
  const ca::ComposedSms sms = ca::compose_sms(n);
  ASSERT_TRUE(sms.text) << sms.reason;
  // how_to_pay goes first, and then the whole name fits again.
  EXPECT_EQ(*sms.text, "Salud Ejemplo: Ana Lucia Pérez, su contrato tiene mora de $ 1.234.567. Sera cancelado el "
                       "31/12/2026 si no paga. Responda SALIR para no recibir mas SMS");

  n.company = "Compañía de Medicina Prepagada Salud Ejemplo S.A.";
  const ca::ComposedSms without_company = ca::compose_sms(n);
  ASSERT_TRUE(without_company.text) << without_company.reason;
  EXPECT_EQ(without_company.text->rfind("Ana Lucia Pérez, su contrato", 0), 0U) << *without_company.text;
}

TEST(ArrearsSms, NoWordIsEverCut) {
  ca::SmsNotice n = sms_notice("Juan Carlos de la Espriella Bustamante");
  n.company = "Salud Ejemplo";
  n.how_to_pay = "Pague en bancos";
  for (std::size_t max = 120; max <= 200; ++max) {
    const ca::ComposedSms sms = ca::compose_sms(n, max);
    if (!sms.text) {
      continue;
    }
    EXPECT_LE(ca::septets(*sms.text), max);
    // Every word of the text is a whole word of the template or of the fields (a word of the name
    // may be followed by the comma that ends it).
    const std::string all = "Salud Ejemplo: Juan Carlos de la Espriella Bustamante, su contrato tiene mora de $ "
                            "1.234.567. Sera cancelado el 31/12/2026 si no paga. Pague en bancos. Responda SALIR "
                            "para no recibir mas SMS";
    std::size_t at = 0;
    while (at < sms.text->size()) {
      const std::size_t end = std::min(sms.text->find(' ', at), sms.text->size());
      std::string word = sms.text->substr(at, end - at);
      if (word.size() > 1 && word.back() == ',') {
        word.pop_back();
      }
      const std::string spaced = " " + all + " ";
      const bool whole =
          spaced.find(" " + word + " ") != std::string::npos || spaced.find(" " + word + ", ") != std::string::npos;
      EXPECT_TRUE(whole) << "max " << max << ": '" << word << "'";
      at = end + 1;
    }
  }
}

TEST(ArrearsSms, TheOptOutWordAmountAndDateAreAlwaysThere) {
  ca::SmsNotice n = sms_notice("Pedro Pablo León Jaramillo Restrepo Uribe");
  n.company = "Salud Ejemplo";
  n.how_to_pay = "Pague en bancos";
  n.opt_out = "CANCELAR";
  for (std::size_t max = 100; max <= 200; ++max) {
    const ca::ComposedSms sms = ca::compose_sms(n, max);
    if (!sms.text) {
      EXPECT_FALSE(sms.field.empty());
      continue;
    }
    EXPECT_NE(sms.text->find("Responda CANCELAR para no recibir mas SMS"), std::string::npos) << *sms.text;
    EXPECT_NE(sms.text->find("$ 1.234.567"), std::string::npos) << *sms.text;
    EXPECT_NE(sms.text->find("31/12/2026"), std::string::npos) << *sms.text;
  }
}

TEST(ArrearsSms, RefusesNamingTheField) {
  ca::SmsNotice n = sms_notice("  ");
  EXPECT_EQ(ca::compose_sms(n).field, "name");
  n = sms_notice("Ana");
  n.amount = 0;
  EXPECT_EQ(ca::compose_sms(n).field, "amount");
  n = sms_notice("Ana");
  n.opt_out = "NO MAS";
  EXPECT_EQ(ca::compose_sms(n).field, "opt_out");
  n.opt_out = "";
  EXPECT_EQ(ca::compose_sms(n).field, "opt_out");
  n = sms_notice("Ana");
  n.opt_out = std::string(60, 'X');
  const ca::ComposedSms too_long = ca::compose_sms(n);
  EXPECT_FALSE(too_long.text);
  EXPECT_EQ(too_long.field, "opt_out");
}

TEST(ArrearsPhone, MobilesInEveryWrittenForm) {
  for (const char *in :
       {"3001234567", "300 123 4567", "300-123-4567", "(300) 123-4567", "+57 300 123 4567", "+573001234567",
        "573001234567", "57 300 1234567", "+57 (300) 123-45-67", "300.123.4567", " 3001234567 "}) {
    const ca::MobileCheck m = ca::check_mobile(in);
    ASSERT_TRUE(m.e164) << in << ": " << m.reason;
    EXPECT_EQ(*m.e164, "573001234567") << in;
    EXPECT_EQ(ca::mobile_e164(in), "573001234567") << in;
  }
  EXPECT_EQ(ca::mobile_e164("321 987 6543"), "573219876543");
}

TEST(ArrearsPhone, LandlinesGetNoSms) {
  for (const char *in : {"6012345678", "601 234 5678", "+57 604 444 5555", "(602) 555-1234"}) {
    const ca::MobileCheck m = ca::check_mobile(in);
    EXPECT_FALSE(m.e164) << in;
    EXPECT_NE(m.reason.find("landline"), std::string::npos) << in << ": " << m.reason;
  }
  EXPECT_EQ(ca::check_mobile("6012345678").reason, "a landline (601): no SMS");
}

TEST(ArrearsPhone, WhatIsNotAMobileSaysWhy) {
  const auto reason = [](const char *in) { return ca::check_mobile(in).reason; };
  EXPECT_EQ(reason("300123456"), "too short: 9 digits, a mobile has 10");
  EXPECT_EQ(reason("2345678"), "too short: 7 digits, a mobile has 10"); // a landline before 2021
  EXPECT_EQ(reason("30012345678"), "too long: 11 digits, a mobile has 10");
  EXPECT_EQ(reason("5730012345678"), "too long: 11 digits, a mobile has 10");
  EXPECT_EQ(reason("+1 212 555 0100"), "not a Colombian number (country code other than 57)");
  EXPECT_EQ(reason("300 ABC 4567"), "letters in a phone number");
  EXPECT_EQ(reason("300/123/4567"), "a character that is not part of a phone number: '/'");
  EXPECT_EQ(reason(""), "no phone number");
  EXPECT_EQ(reason("7001234567"), "not a Colombian mobile: 10 digits starting with 3");
  EXPECT_FALSE(ca::mobile_e164("300+1234567"));
}
