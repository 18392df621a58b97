// What the parts of the sample company share (host-adapters/reference-generator/README.md): its
// PRNG, the names and plans it draws from, the files it streams, and the appending helpers its
// large files are written with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace cartera::reference::sample {

// splitmix64: small, fast, and the same everywhere.
class Rng {
public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return between(1, 100) <= percent; }
  template <class T, std::size_t N> const T &pick(const std::array<T, N> &a) {
    return a[static_cast<std::size_t>(between(0, N - 1))];
  }

private:
  std::uint64_t state_;
};

constexpr std::array<const char *, 24> kFirstNames = {"María",     "José",    "Luis",   "Ana",     "Carlos", "Luz",
                                                      "Jorge",     "Diana",   "Andrés", "Paola",   "Juan",   "Claudia",
                                                      "Camilo",    "Sandra",  "Felipe", "Natalia", "Jhon",   "Yolanda",
                                                      "Sebastián", "Marcela", "Óscar",  "Ángela",  "Hernán", "Beatriz"};
constexpr std::array<const char *, 24> kLastNames = {
    "Rodríguez", "Gómez", "González", "Martínez", "García",   "López",  "Hernández", "Sánchez",
    "Ramírez",   "Pérez", "Díaz",     "Muñoz",    "Rojas",    "Moreno", "Jiménez",   "Vargas",
    "Castro",    "Ortiz", "Rubio",    "Suárez",   "Quintero", "Ospina", "Zapata",    "Cárdenas"};
constexpr std::array<const char *, 3> kPlans = {"Plan Esencial", "Plan Clásico", "Plan Integral"};
constexpr std::array<std::int64_t, 3> kPlanFee = {9850000, 16420000, 27990000}; // centavos per member, per month

constexpr std::size_t kChunk = std::size_t{1} << 20; // bytes handed to a file at a time

// Streams one file to a temporary name and renames it into place when complete, so a reader
// never sees half a file and a large company never has to fit in memory.
class OutFile {
public:
  OutFile(const std::filesystem::path &dir, const std::string &name, const std::string &header);
  OutFile &operator+=(const std::string &s) {
    out_ << s;
    return *this;
  }
  void write(std::string_view s) { out_.write(s.data(), static_cast<std::streamsize>(s.size())); }
  void commit();

private:
  std::filesystem::path tmp_;
  std::filesystem::path final_;
  std::ofstream out_;
};

// The day `months` months after (or before) `days`, on day_of_month or the month's last day.
std::int64_t add_months(std::int64_t days, int months, std::uint32_t day_of_month);

// value in decimal, zero-padded to width. The files are written field by field into one
// buffer, with no temporary string per field (100,000 movements are a few million fields).
void append_number(std::string &out, std::uint64_t value, std::size_t width);

// The buffer goes to the file a megabyte at a time: fast, and bounded in memory.
void flush_if_full(std::string &buf, OutFile &file);

} // namespace cartera::reference::sample
