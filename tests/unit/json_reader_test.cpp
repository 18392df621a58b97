// The tests' JSON reader (tests/support/json.hpp) is strict: a test that parses cartera's JSON
// back must fail on JSON another program would refuse, not read past it.
#include "json.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using cartera::testing::Json;
using cartera::testing::parse_json;

TEST(JsonReader, ReadsEveryKindWithItsType) {
  const Json j = parse_json(R"( {"s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "n": -12.5e+3, "z": 0, "t": true,
                                  "f": false, "null": null, "a": [1, "1", null], "o": {}} )");
  ASSERT_EQ(j.kind, Json::Kind::kObject);
  EXPECT_EQ(j["s"].text, "a\"b\\c/\né\xF0\x9F\x98\x80");
  EXPECT_TRUE(j["n"].is_number());
  EXPECT_EQ(j["n"].text, "-12.5e+3");
  EXPECT_EQ(j["z"].text, "0");
  EXPECT_TRUE(j["t"].boolean);
  EXPECT_EQ(j["f"].kind, Json::Kind::kBool);
  EXPECT_FALSE(j["f"].boolean);
  EXPECT_TRUE(j["null"].is_null());
  ASSERT_EQ(j["a"].size(), 3U);
  EXPECT_TRUE(j["a"][0].is_number());
  EXPECT_TRUE(j["a"][1].is_string());
  EXPECT_TRUE(j["a"][2].is_null());
  EXPECT_EQ(j["o"].size(), 0U);
  EXPECT_FALSE(j.has("missing"));
  EXPECT_THROW((void)j["missing"], std::out_of_range);
  EXPECT_THROW((void)j["a"][3], std::out_of_range);
}

TEST(JsonReader, RefusesWhatIsNotJson) {
  for (const char *bad : {"",
                          "[1,]",
                          "{\"a\": 1,}",
                          "{\"a\" 1}",
                          "[1 2]",
                          "01",
                          "1.",
                          "-",
                          ".5",
                          "1e",
                          "+1",
                          "'a'",
                          "\"a\tb\"",
                          "\"\\x\"",
                          "\"\\ud800\"",
                          "\"\\udc00\"",
                          "\"abc",
                          "nul",
                          "True",
                          "[1] [2]",
                          "{\"a\": 1, \"a\": 2}",
                          "{a: 1}",
                          "[NaN]"}) {
    EXPECT_THROW((void)parse_json(bad), std::runtime_error) << bad;
  }
}
