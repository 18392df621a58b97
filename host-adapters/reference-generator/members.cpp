#include "reference-generator/members.hpp"

#include <cartera/sdk/date.hpp>
#include <cartera/sdk/money.hpp>

#include <algorithm>

namespace cartera::reference::sample {

namespace fs = std::filesystem;

namespace {

constexpr std::array<const char *, 4> kBands = {"0-17", "18-44", "45-59", "60+"};
// Each band's tariff against the plan's base fee, in percent: the shape of a prepaid health
// plan's tariff, where children cost less and members over 60 about twice the base.
constexpr std::array<std::int64_t, 4> kBandPercent = {85, 100, 135, 210};
constexpr std::array<const char *, 12> kMonthNames = {"enero",      "febrero", "marzo",     "abril",
                                                      "mayo",       "junio",   "julio",     "agosto",
                                                      "septiembre", "octubre", "noviembre", "diciembre"};
constexpr int kInterestPercent = 40;      // of the payments made late that a later invoice bills interest on
constexpr std::int64_t kMoraPerMonth = 2; // percent a month, simple: near the usury cap of recent years

// Whole years on `day` of someone born on `born`.
int age_on(std::int64_t born, std::int64_t day) {
  const sdk::CivilDate b = sdk::civil_from_days(born);
  const sdk::CivilDate d = sdk::civil_from_days(day);
  int years = d.year - b.year;
  if (d.month < b.month || (d.month == b.month && d.day < b.day)) {
    --years;
  }
  return years;
}

std::size_t band_of(int age) {
  return age < 18 ? 0 : (age < 45 ? 1 : (age < 60 ? 2 : 3));
}

void append_dmy(std::string &out, std::int64_t days) {
  const sdk::CivilDate c = sdk::civil_from_days(days);
  append_number(out, c.day, 2);
  out += '/';
  append_number(out, c.month, 2);
  out += '/';
  append_number(out, static_cast<std::uint64_t>(c.year), 4);
}

} // namespace

MemberBook::MemberBook(const GeneratorOptions &o, const fs::path &out, std::int64_t first_issue)
    : rng_(Rng(o.seed ^ 0x6D656D6265727321ULL).next()), as_of_(o.as_of),
      first_year_(sdk::civil_from_days(first_issue).year), first_issue_(first_issue),
      members_(out, "members.csv", "member_id,contract_id,name,birth_date,joined_on,left_on\n"),
      lines_(out, "invoice_lines.csv", "invoice_id,line_no,member_id,concept,plan,age_band,description,amount\n") {
  // Tariff per plan, year of the export and band: the yearly increase as invoices have it.
  for (std::size_t p = 0; p < kPlanFee.size(); ++p) {
    std::int64_t base = kPlanFee[p];
    for (std::size_t y = 0; y < tariff_[p].size(); ++y) {
      for (std::size_t b = 0; b < kBands.size(); ++b) {
        tariff_[p][y][b] = base * kBandPercent[b] / 100 / 100 * 100; // whole pesos
      }
      base = base * 109 / 100;
    }
  }
  mbuf_.reserve(kChunk + 4096);
  lbuf_.reserve(kChunk + 4096);
}

std::int64_t MemberBook::start_contract(const std::string &kind, std::int64_t count, const std::string &contract_id,
                                        std::size_t plan, std::int64_t start, int months,
                                        const std::string &holder_name, const std::string &holder_surname) {
  plan_ = plan;
  members_of_.clear();
  payments_.clear();
  prev_issue_ = 0;
  const std::string number = contract_id.substr(1);
  const auto add = [&](Role role, std::string name, std::int64_t born, std::int64_t joined) {
    Member m;
    m.id.reserve(number.size() + 5);
    m.id += 'B';
    m.id += number;
    m.id += '-';
    append_number(m.id, members_of_.size() + 1, 3);
    m.name = std::move(name);
    m.role = role;
    m.born = born;
    m.joined = std::max(joined, born);
    members_of_.push_back(std::move(m));
  };
  if (kind == "colectivo") {
    for (std::int64_t k = 0; k < count; ++k) {
      std::string name = random_name(); // drawn before the birth date: arguments have no order
      add(Role::kEmployee, std::move(name), born_aged(18, 62, first_issue_), start);
    }
  } else {
    const int holder_age =
        kind == "familiar" ? static_cast<int>(rng_.between(25, 64)) : static_cast<int>(rng_.between(20, 75));
    add(Role::kHolder, holder_name, born_aged(holder_age, holder_age, first_issue_), start);
    std::string spouse_surname = rng_.pick(kLastNames);
    for (std::int64_t k = 1; k < count; ++k) {
      if (k == 1 && rng_.chance(75)) {
        const int age = std::max(19, holder_age + static_cast<int>(rng_.between(-6, 6)));
        std::string name = rng_.pick(kFirstNames);
        name.append(" ").append(spouse_surname).append(" ").append(rng_.pick(kLastNames));
        add(Role::kSpouse, std::move(name), born_aged(age, age, first_issue_), start);
      } else if (holder_age < 58 && rng_.chance(12)) {
        const int age = std::min(88, holder_age + static_cast<int>(rng_.between(22, 35)));
        std::string name = rng_.pick(kFirstNames);
        name.append(" ").append(holder_surname).append(" ").append(rng_.pick(kLastNames));
        add(Role::kParent, std::move(name), born_aged(age, age, first_issue_), start);
      } else {
        // Children carry both parents' first surnames; most are minors.
        const std::int64_t born = born_aged(0, std::min(24, holder_age - 19), first_issue_);
        std::string name = child_name(holder_surname, spouse_surname);
        add(Role::kChild, std::move(name), born, std::max(start, born + rng_.between(0, 20)));
      }
    }
    spouse_surname_ = spouse_surname;
  }
  holder_surname_ = holder_surname;

  // Month by month, what the ERP recorded by as_of: newborns and hires join, grown children,
  // spouses, parents and employees leave (the holder of a person's contract never does).
  for (int m = 0; m < months; ++m) {
    const std::int64_t ms = add_months(first_issue_, m, 1);
    const sdk::CivilDate c = sdk::civil_from_days(ms);
    const auto dim = static_cast<std::int64_t>(sdk::days_in_month(c.year, c.month));
    const std::int64_t me = ms + dim - 1;
    std::size_t active = 0;
    for (const Member &mb : members_of_) {
      active += mb.active_on(ms) ? 1 : 0;
    }
    hires_.clear();
    for (Member &mb : members_of_) {
      if (!(mb.joined < ms && mb.left == kNever)) {
        continue;
      }
      int per_mille = 0; // the chance of leaving this month
      switch (mb.role) {
      case Role::kEmployee:
        per_mille = active > 5 ? 12 : 0;
        break;
      case Role::kChild:
        per_mille = age_on(mb.born, ms) >= 18 ? 20 : 0;
        break;
      case Role::kSpouse:
        per_mille = 3;
        break;
      case Role::kParent:
        per_mille = 6;
        break;
      case Role::kHolder:
        break;
      }
      if (per_mille > 0 && rng_.between(1, 1000) <= per_mille) {
        // Mostly at the month's end, as novelties are usually filed; now and then mid-month.
        const std::int64_t day = rng_.chance(70) ? me : ms + rng_.between(0, dim - 2);
        if (day <= as_of_) {
          mb.left = day;
          --active;
        }
      }
      if (mb.role == Role::kEmployee && rng_.between(1, 1000) <= 12) {
        // About as many hires as leaves: the company keeps its size.
        const std::int64_t joined = rng_.chance(70) ? ms : ms + rng_.between(1, dim - 1);
        const std::int64_t born = born_aged(18, 55, ms);
        std::string name = random_name();
        if (joined <= as_of_) {
          hires_.push_back(Member{{}, std::move(name), Role::kEmployee, born, joined, kNever});
        }
      }
    }
    for (Member &h : hires_) {
      add(Role::kEmployee, std::move(h.name), h.born, h.joined);
    }
    if (kind == "familiar" && spouse_active(ms) && age_on(members_of_[0].born, ms) < 45 &&
        rng_.between(1, 1000) <= 12) {
      // A newborn, enrolled within the weeks after birth.
      const std::int64_t born = ms + rng_.between(0, dim - 1);
      const std::int64_t joined = born + rng_.between(0, 25);
      std::string name = child_name(holder_surname_, spouse_surname_);
      if (joined <= as_of_) {
        add(Role::kChild, std::move(name), born, joined);
      }
    }
  }

  std::int64_t on_as_of = 0;
  for (const Member &mb : members_of_) {
    on_as_of += mb.active_on(as_of_) ? 1 : 0;
    mbuf_ += mb.id;
    mbuf_ += ',';
    mbuf_ += contract_id;
    mbuf_ += ',';
    mbuf_ += mb.name; // from the name lists: no comma or quote to escape
    mbuf_ += ',';
    mbuf_ += sdk::format_iso_date(mb.born);
    mbuf_ += ',';
    mbuf_ += sdk::format_iso_date(mb.joined);
    mbuf_ += ',';
    if (mb.left != kNever) {
      mbuf_ += sdk::format_iso_date(mb.left);
    }
    mbuf_ += '\n';
    ++written_;
  }
  flush_if_full(mbuf_, members_);
  return std::max<std::int64_t>(1, on_as_of);
}

std::int64_t MemberBook::invoice(std::string_view invoice_id, std::int64_t issue) {
  const sdk::CivilDate c = sdk::civil_from_days(issue);
  const auto year = static_cast<std::size_t>(std::min<int>(c.year - first_year_, 10));
  const std::string_view plan = kPlans[plan_];
  fee_text_.assign("Cuota ").append(kMonthNames[c.month - 1]).append(" ");
  append_number(fee_text_, static_cast<std::uint64_t>(c.year), 4);
  std::int64_t total = 0;
  int line_no = 0;
  for (const Member &mb : members_of_) {
    if (!mb.active_on(issue)) {
      continue;
    }
    const std::size_t band = band_of(age_on(mb.born, issue));
    const std::int64_t fee = tariff_[plan_][year][band];
    append_line(invoice_id, ++line_no, mb.id, "fee", plan, kBands[band], fee_text_, fee);
    total += fee;
  }

  // Last month's joins and leaves, settled on this invoice.
  extra_.clear();
  if (prev_issue_ != 0) {
    const std::int64_t ps = prev_issue_;
    const sdk::CivilDate pc = sdk::civil_from_days(ps);
    const auto dim = static_cast<std::int64_t>(sdk::days_in_month(pc.year, pc.month));
    const std::int64_t pe = ps + dim - 1;
    const auto prev_year = static_cast<std::size_t>(std::min<int>(pc.year - first_year_, 10));
    for (const Member &mb : members_of_) {
      const bool joined_in = mb.joined > ps && mb.joined <= pe;
      const bool left_in = mb.left >= ps && mb.left < pe;
      if (!joined_in && !left_in) {
        continue;
      }
      const std::int64_t from = std::max(mb.joined, ps);
      const std::int64_t to = std::min(mb.left, pe);
      const std::int64_t covered = to >= from ? to - from + 1 : 0;
      const std::size_t band = band_of(age_on(mb.born, ps));
      const std::int64_t fee = tariff_[plan_][prev_year][band];
      const std::int64_t billed = mb.active_on(ps) ? fee : 0;
      const std::int64_t amount = fee * covered / dim / 100 * 100 - billed;
      if (amount == 0) {
        continue;
      }
      Extra e{&mb, "adjustment", kBands[band], {}, amount};
      e.text = "Prorrata ";
      if (joined_in) {
        e.text += "ingreso ";
        append_dmy(e.text, mb.joined);
      }
      if (left_in) {
        e.text += joined_in ? " y retiro " : "retiro ";
        append_dmy(e.text, mb.left);
      }
      e.text += ": ";
      append_number(e.text, static_cast<std::uint64_t>(covered), 1);
      e.text += " de ";
      append_number(e.text, static_cast<std::uint64_t>(dim), 1);
      e.text += " días cubiertos";
      extra_.push_back(std::move(e));
    }
    for (const Paid &p : payments_) {
      if (p.paid_on < ps || p.paid_on >= issue || p.paid_on <= p.due || !rng_.chance(kInterestPercent)) {
        continue;
      }
      const std::int64_t days = p.paid_on - p.due;
      const std::int64_t interest = p.amount * kMoraPerMonth * days / 3000 / 100 * 100;
      if (interest <= 0) {
        continue;
      }
      Extra e{nullptr, "interest", "", "Intereses de mora factura ", interest};
      e.text += p.invoice_id;
      e.text += ": ";
      append_number(e.text, static_cast<std::uint64_t>(days), 1);
      e.text += " días";
      extra_.push_back(std::move(e));
    }
  }
  std::int64_t extras = 0;
  for (const Extra &e : extra_) {
    extras += e.amount;
  }
  // What is given back never exceeds what is billed: an ERP would carry the rest as a credit.
  const bool drop_credits = total + extras <= 0;
  for (const Extra &e : extra_) {
    if (drop_credits && e.amount < 0) {
      continue;
    }
    append_line(invoice_id, ++line_no, e.member != nullptr ? std::string_view(e.member->id) : std::string_view(),
                e.kind, plan, e.band, e.text, e.amount);
    total += e.amount;
  }
  prev_issue_ = issue;
  flush_if_full(lbuf_, lines_);
  return total;
}

void MemberBook::paid(std::string_view invoice_id, std::int64_t due, std::int64_t paid_on, std::int64_t amount) {
  payments_.push_back(Paid{std::string(invoice_id), due, paid_on, amount});
}

void MemberBook::commit() {
  members_.write(mbuf_);
  members_.commit();
  lines_.write(lbuf_);
  lines_.commit();
}

std::string MemberBook::random_name() {
  std::string name = rng_.pick(kFirstNames);
  name.append(" ").append(rng_.pick(kLastNames)).append(" ").append(rng_.pick(kLastNames));
  return name;
}

std::string MemberBook::child_name(const std::string &first_surname, const std::string &second_surname) {
  return std::string(rng_.pick(kFirstNames)) + " " + first_surname + " " + second_surname;
}

std::int64_t MemberBook::born_aged(int lo, int hi, std::int64_t at) {
  const std::int64_t years = rng_.between(lo, hi);
  return add_months(at, -static_cast<int>(years * 12), 1) - rng_.between(0, 364);
}

bool MemberBook::spouse_active(std::int64_t day) const {
  return std::any_of(members_of_.begin(), members_of_.end(),
                     [&](const Member &mb) { return mb.role == Role::kSpouse && mb.active_on(day); });
}

void MemberBook::append_line(std::string_view invoice_id, int line_no, std::string_view member,
                             const char *line_concept, std::string_view plan, const char *band,
                             std::string_view description, std::int64_t amount) {
  lbuf_ += invoice_id;
  lbuf_ += ',';
  append_number(lbuf_, static_cast<std::uint64_t>(line_no), 1);
  lbuf_ += ',';
  lbuf_ += member;
  lbuf_ += ',';
  lbuf_ += line_concept;
  lbuf_ += ',';
  lbuf_ += plan;
  lbuf_ += ',';
  lbuf_ += band;
  lbuf_ += ',';
  lbuf_ += description; // fixed words, dates and numbers: no comma or quote to escape
  lbuf_ += ',';
  sdk::append_pesos_plain(lbuf_, amount);
  lbuf_ += '\n';
  ++lines_written_;
}

} // namespace cartera::reference::sample
