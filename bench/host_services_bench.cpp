// What one row, one value and one document cost at the module boundary: the host-services
// calls a report makes per row, and the parsing and formatting it makes per value. These set
// the floor under every million-row job.
#include "runtime/call/call.hpp"
#include "runtime/call/render.hpp"
#include "runtime/files/outbox.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <benchmark/benchmark.h>

#include <sstream>

namespace {

using namespace cartera::runtime;

class NullSink : public ResultSink {
public:
  void columns(const std::vector<ResultColumn> &) override {}
  void row(const std::vector<OwnedValue> &v) override { benchmark::DoNotOptimize(v.data()); }
  void raw(const std::string &, std::string_view) override {}
  void finish() override {}
};

void result_row_through_the_abi(benchmark::State &state) {
  NullSink sink;
  Manifest m;
  cartera_call call;
  call.manifest = &m;
  call.sink = &sink;
  const cartera_host_services *host = host_services();
  const cartera_column cols[] = {{{"customer_id", 11}, CARTERA_TYPE_TEXT, 0},
                                 {{"balance", 7}, CARTERA_TYPE_CENTAVOS, 0},
                                 {{"due_date", 8}, CARTERA_TYPE_DATE, 0}};
  host->result_columns(&call, cols, 3);
  const cartera_value row[] = {{CARTERA_TYPE_TEXT, 0, 0, {"C000123", 7}},
                               {CARTERA_TYPE_CENTAVOS, 0, 12345678, {}},
                               {CARTERA_TYPE_DATE, 0, 20414, {}}};
  for (auto _ : state) {
    benchmark::DoNotOptimize(host->result_row(&call, row, 3));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(result_row_through_the_abi);

void csv_rendering(benchmark::State &state) {
  std::ostringstream out;
  auto sink = make_sink("csv", out, "m", "j");
  sink->columns({{"customer_id", CARTERA_TYPE_TEXT}, {"balance", CARTERA_TYPE_CENTAVOS}, {"due", CARTERA_TYPE_DATE}});
  const std::vector<OwnedValue> row = {OwnedValue{CARTERA_TYPE_TEXT, 0, "C000123"},
                                       OwnedValue{CARTERA_TYPE_CENTAVOS, 12345678, ""},
                                       OwnedValue{CARTERA_TYPE_DATE, 20414, ""}};
  for (auto _ : state) {
    sink->row(row);
    if (out.tellp() > (1 << 24)) {
      out.str("");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(csv_rendering);

void parse_pesos(benchmark::State &state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(cartera::sdk::parse_pesos("1234567.89"));
  }
}
BENCHMARK(parse_pesos);

void parse_iso_date(benchmark::State &state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(cartera::sdk::parse_iso_date("2026-11-22"));
  }
}
BENCHMARK(parse_iso_date);

void document_id_hashing(benchmark::State &state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        cartera::runtime::document_id("org.cartera.receipts", "cash-receipt-request", "payment/BANCO1/000123"));
  }
}
BENCHMARK(document_id_hashing);

} // namespace

BENCHMARK_MAIN();
