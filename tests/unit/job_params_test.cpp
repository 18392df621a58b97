#include "base/failure.hpp"
#include "runtime/run/job.hpp"

#include <gtest/gtest.h>

using namespace cartera::runtime;

namespace {
Manifest manifest() {
  Manifest m;
  m.name = "collections";
  JobSpec j;
  j.name = "aging";
  j.params = {{"as-of", "date", "Date of the aging.", true, std::nullopt, {}},
              {"by", "text", "Due or issue date.", false, std::string("due"), {"due", "issue"}},
              {"min", "amount", "Smallest balance.", false, std::nullopt, {}},
              {"top", "integer", "How many.", false, std::nullopt, {}},
              {"all", "boolean", "Everything.", false, std::nullopt, {}}};
  m.jobs.push_back(j);
  return m;
}

std::string usage(const std::vector<std::pair<std::string, std::string>> &opts) {
  const Manifest m = manifest();
  try {
    parse_job_params(m, m.jobs[0], opts);
  } catch (const Failure &f) {
    EXPECT_EQ(f.code(), ExitCode::kUsage);
    return f.what();
  }
  return "";
}
} // namespace

TEST(JobParams, TypesValuesAndAppliesDefaults) {
  const Manifest m = manifest();
  auto p = parse_job_params(m, m.jobs[0], {{"as-of", "2026-11-22"}, {"min", "1500.5"}, {"top", "10"}, {"all", "true"}});
  EXPECT_EQ(p.at("as-of").type, CARTERA_TYPE_DATE);
  EXPECT_EQ(p.at("as-of").i, 20414 + 365);
  EXPECT_EQ(p.at("min").i, 150050);
  EXPECT_EQ(p.at("top").i, 10);
  EXPECT_EQ(p.at("all").i, 1);
  EXPECT_EQ(p.at("by").s, "due");
}

TEST(JobParams, MistakesAreUsageErrorsNamingOptionAndValue) {
  EXPECT_NE(usage({}).find("--as-of is required"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-02-30"}}).find("--as-of '2026-02-30': not a date"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-11-22"}, {"by", "paid"}}).find("expected one of due, issue"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-11-22"}, {"min", "1.005"}}).find("more than two decimals"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-11-22"}, {"top", "ten"}}).find("not an integer"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-11-22"}, {"color", "red"}}).find("unknown option --color"), std::string::npos);
  EXPECT_NE(usage({{"as-of", "2026-11-22"}, {"as-of", "2026-11-23"}}).find("given twice"), std::string::npos);
}

TEST(JobParams, StatusCodesMapToExitCodes) {
  EXPECT_EQ(exit_code_for(CARTERA_OK), ExitCode::kOk);
  EXPECT_EQ(exit_code_for(CARTERA_E_INPUT_REJECTED), ExitCode::kInputRefused);
  EXPECT_EQ(exit_code_for(CARTERA_E_NOT_PERMITTED), ExitCode::kNotPermitted);
  EXPECT_EQ(exit_code_for(CARTERA_E_INVALID_ARGUMENT), ExitCode::kUsage);
  EXPECT_EQ(exit_code_for(CARTERA_E_DATABASE), ExitCode::kFailure);
  EXPECT_EQ(exit_code_for(12345), ExitCode::kFailure);
}
