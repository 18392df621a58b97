#include <cartera/sdk/tax_id.hpp>

#include <gtest/gtest.h>

using namespace cartera::sdk;

TEST(TaxId, DianCheckDigitsOfPublicNits) {
  EXPECT_EQ(nit_check_digit("800197268"), 4); // DIAN
  EXPECT_EQ(nit_check_digit("890903938"), 8); // Bancolombia
  EXPECT_EQ(nit_check_digit("860034313"), 7); // Davivienda
  EXPECT_EQ(nit_check_digit("899999068"), 1); // Ecopetrol
  EXPECT_EQ(nit_check_digit("900123456"), 8);
  EXPECT_FALSE(nit_check_digit(""));
  EXPECT_FALSE(nit_check_digit("12a"));
  EXPECT_FALSE(nit_check_digit("1234567890123456"));
}

TEST(TaxId, NitWithAWrongCheckDigitIsRefusedSayingTheRightOne) {
  const IdCheck bad = check_id_number(IdType::kNit, "900123456-7");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error, "check digit 7 is wrong; DIAN's modulus-11 digit for 900123456 is 8");
  const IdCheck good = check_id_number(IdType::kNit, "900.123.456-8");
  EXPECT_TRUE(good.ok);
  EXPECT_EQ(good.normalized, "900123456-8");
  EXPECT_TRUE(check_id_number(IdType::kNit, "900123456").ok);
  EXPECT_FALSE(check_id_number(IdType::kNit, "900123456-").ok);
  EXPECT_FALSE(check_id_number(IdType::kNit, "9001-23").ok);
}

TEST(TaxId, OtherDocumentTypes) {
  EXPECT_TRUE(check_id_number(IdType::kCc, "1.020.304.050").ok);
  EXPECT_EQ(check_id_number(IdType::kCc, "1.020.304.050").normalized, "1020304050");
  EXPECT_FALSE(check_id_number(IdType::kCc, "12").ok);
  EXPECT_FALSE(check_id_number(IdType::kCc, "12345X").ok);
  EXPECT_TRUE(check_id_number(IdType::kPassport, "AB123456").ok);
  EXPECT_EQ(parse_id_type("CE"), IdType::kCe);
  EXPECT_FALSE(parse_id_type("RUT"));
}
