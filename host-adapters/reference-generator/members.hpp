// Members and their invoice lines (GeneratorOptions::members): each contract's members, who join
// and leave month by month, and every invoice as a fee line per member (by plan and age band)
// plus prorations and interest.
#pragma once

#include "reference-generator/generator.hpp"
#include "reference-generator/sample.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cartera::reference::sample {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

enum class Role : std::uint8_t { kHolder, kSpouse, kChild, kParent, kEmployee };

struct Member {
  std::string id;
  std::string name;
  Role role = Role::kHolder;
  std::int64_t born = 0; // days
  std::int64_t joined = 0;
  std::int64_t left = kNever; // the last day covered
  [[nodiscard]] bool active_on(std::int64_t day) const { return joined <= day && day <= left; }
};

// members.csv and invoice_lines.csv, contract by contract as the company is written. Every
// draw comes from its own PRNG stream, so that the company's other files draw exactly what
// they draw without --members (and are the same bytes then); only the amounts of invoices and
// payments, and the contracts' member counts, follow the members.
class MemberBook {
public:
  MemberBook(const GeneratorOptions &o, const std::filesystem::path &out, std::int64_t first_issue);

  // Draws one contract's members over the months of the export and writes them; returns how
  // many are members on as_of (the contract's member count). holder_* are the customer's, for
  // a person's contract.
  std::int64_t start_contract(const std::string &kind, std::int64_t count, const std::string &contract_id,
                              std::size_t plan, std::int64_t start, int months, const std::string &holder_name,
                              const std::string &holder_surname);

  // Writes the lines of the contract's invoice issued on `issue` and returns their sum, the
  // invoice's amount: a fee per member active on the issue date (by plan, year and the
  // member's age band that day), the prorated part of last month for members who joined or
  // left during it, and now and then interest on a payment made late last month.
  std::int64_t invoice(std::string_view invoice_id, std::int64_t issue);

  // A payment of the contract's invoice, for the interest a later invoice may bill on it.
  void paid(std::string_view invoice_id, std::int64_t due, std::int64_t paid_on, std::int64_t amount);

  void commit();

  [[nodiscard]] std::uint64_t members() const { return written_; }
  [[nodiscard]] std::uint64_t lines() const { return lines_written_; }

private:
  struct Extra {
    const Member *member = nullptr;
    const char *kind = ""; // the line's concept
    const char *band = "";
    std::string text;
    std::int64_t amount = 0;
  };
  struct Paid {
    std::string invoice_id;
    std::int64_t due = 0;
    std::int64_t paid_on = 0;
    std::int64_t amount = 0;
  };

  std::string random_name();
  std::string child_name(const std::string &first_surname, const std::string &second_surname);
  // A birth date that makes someone lo to hi years old on `at`.
  std::int64_t born_aged(int lo, int hi, std::int64_t at);
  [[nodiscard]] bool spouse_active(std::int64_t day) const;
  void append_line(std::string_view invoice_id, int line_no, std::string_view member, const char *line_concept,
                   std::string_view plan, const char *band, std::string_view description, std::int64_t amount);

  Rng rng_;
  std::int64_t as_of_;
  int first_year_;
  std::int64_t first_issue_;
  OutFile members_;
  OutFile lines_;
  std::string mbuf_;
  std::string lbuf_;
  std::array<std::array<std::array<std::int64_t, 4>, 11>, 3> tariff_{};
  std::size_t plan_ = 0;
  std::vector<Member> members_of_;
  std::vector<Member> hires_;
  std::vector<Paid> payments_;
  std::vector<Extra> extra_;
  std::string fee_text_;
  std::string holder_surname_;
  std::string spouse_surname_;
  std::int64_t prev_issue_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t lines_written_ = 0;
};

} // namespace cartera::reference::sample
