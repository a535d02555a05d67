// Registrations: checking them, reading them from CSV (pseudonymising as it reads), regrouping them
// by a breakdown, and the reach estimator's entry point. The estimates themselves are computed
// once, in src/estimate/reach.cpp: estimate_reach(view) checks the view and finalises its
// ReachPartial, as the merged partials of a split table are finalised (docs/dask.md).

#include "doelenboom/registrations.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "io/csv.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"
#include "doelenboom/partial.hpp"

namespace doelenboom {

RegistrationView RegistrationTable::view() const {
  RegistrationView v;
  v.unit = unit;
  v.period = period;
  v.client = client;
  v.hours = hours;
  v.referral = referral;
  v.referrer_contact = referrer_contact;
  v.channel = channel;
  v.life_domain = life_domain;
  v.start_day = start_day;
  v.end_day = end_day;
  v.unit_names = unit_names;
  v.periods = periods;
  v.channel_names = channel_names;
  v.life_domain_names = life_domain_names;
  v.source = source;
  return v;
}

namespace {

using detail::ProblemSink;

std::string day_text(std::int32_t day) {
  const std::chrono::sys_days d{std::chrono::days{day}};
  const std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace

std::vector<Problem> check_registrations(const RegistrationView& d) {
  std::vector<Problem> out;
  const std::size_t n = d.unit.size();
  auto loc = [&](std::size_t row, const char* field) { return Location{d.source, 0, row + 1, field}; };
  detail::ColumnLengths length_ok{out, d.source, n};
  bool ok = length_ok(d.period.size(), "period", true) & length_ok(d.client.size(), "client", true) &
            length_ok(d.hours.size(), "hours", false) & length_ok(d.referral.size(), "referral", false) &
            length_ok(d.referrer_contact.size(), "referrer_contact", false) &
            length_ok(d.channel.size(), "channel", false) & length_ok(d.life_domain.size(), "life_domain", false) &
            length_ok(d.start_day.size(), "start_date", false) & length_ok(d.end_day.size(), "end_date", false);
  if (!ok) return out;
  if (d.life_domain_names.size() > 64) {
    out.push_back(make_problem("too_many_life_domains", Location{d.source, 0, 0, "life_domain"}, {},
                               std::to_string(d.life_domain_names.size()) +
                                   " distinct life domains (expected at most 64)"));
  }
  for (std::size_t i = 1; i < d.periods.size(); ++i) {
    if (d.periods[i].frequency != d.periods[0].frequency) {
      out.push_back(make_problem("mixed_frequency", Location{d.source, 0, 0, "period"}, {},
                                 "periods " + d.periods[0].to_string() + " and " + d.periods[i].to_string() +
                                     " have different frequencies (expected one frequency per data set)"));
      break;
    }
  }

  ProblemSink sink{out, d.source};
  // Channel and life domain codes may be -1 (unknown).
  auto code_ok = [&](std::int32_t code, std::size_t size) {
    return code == -1 || (code >= 0 && static_cast<std::size_t>(code) < size);
  };
  for (std::size_t r = 0; r < n; ++r) {
    detail::RowCodes code{sink, r};
    code(d.unit[r], d.unit_names.size(), "unit");
    code(d.period[r], d.periods.size(), "period");
    if (!d.hours.empty() && !std::isnan(d.hours[r]) && !(d.hours[r] >= 0.0 && std::isfinite(d.hours[r]))) {
      sink.add(make_problem("negative_hours", loc(r, "hours"), {},
                            "hours " + std::to_string(d.hours[r]) + " (expected a finite number >= 0)"));
    }
    for (auto [col, name] : {std::pair{d.referral, "referral"}, std::pair{d.referrer_contact, "referrer_contact"}}) {
      if (!col.empty() && col[r] != 0 && col[r] != 1 && col[r] != missing_flag) {
        sink.add(make_problem("bad_flag", loc(r, name), {},
                              std::string(name) + " " + std::to_string(col[r]) + " (expected 1 yes, 0 no or -1 unknown)"));
      }
    }
    if (!d.channel.empty() && !code_ok(d.channel[r], d.channel_names.size())) {
      sink.add(make_problem("bad_code", loc(r, "channel"), {},
                            "channel code " + std::to_string(d.channel[r]) + " is out of range"));
    }
    if (!d.life_domain.empty() && !code_ok(d.life_domain[r], d.life_domain_names.size())) {
      sink.add(make_problem("bad_code", loc(r, "life_domain"), {},
                            "life domain code " + std::to_string(d.life_domain[r]) + " is out of range"));
    }
    if (!d.start_day.empty() && !d.end_day.empty() && d.start_day[r] != missing_day && d.end_day[r] != missing_day &&
        d.end_day[r] < d.start_day[r]) {
      sink.add(make_problem("end_before_start", loc(r, "end_date"), {},
                            "end date " + day_text(d.end_day[r]) + " is before start date " + day_text(d.start_day[r]) +
                                " (expected an end on or after the start)"));
    }
  }
  sink.finish();
  return out;
}


namespace {

// ISO date YYYY-MM-DD -> days since 1970-01-01.
std::optional<std::int32_t> parse_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, dd = 0;
  auto num = [&](std::string_view part, auto& v) {
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    return ec == std::errc{} && p == part.data() + part.size();
  };
  if (!num(t.substr(0, 4), y) || !num(t.substr(5, 2), m) || !num(t.substr(8, 2), dd)) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
  if (!ymd.ok()) return std::nullopt;
  return static_cast<std::int32_t>(std::chrono::sys_days{ymd}.time_since_epoch().count());
}

std::optional<std::int8_t> parse_flag(std::string_view t) {
  if (t.empty()) return missing_flag;
  if (auto v = detail::parse_yes_no(t)) return static_cast<std::int8_t>(*v);
  return std::nullopt;
}

// Reads (or, with `pseudonymise` null, only checks) a registrations CSV; problems go to `out`.
RegistrationTable read_registrations(const std::filesystem::path& path, const Pseudonymiser* pseudonymise,
                                     const RegistrationColumns& cols, const DataContext& context,
                                     std::vector<Problem>& out) {
  RegistrationTable t;
  t.source = path.string();
  const auto read = detail::read_csv_reporting(path, out);
  if (!read) return t;
  const detail::CsvTable& csv = *read;
  std::vector<std::string> known;
  for (const std::string* c : {&cols.unit, &cols.period, &cols.client, &cols.hours, &cols.referral,
                               &cols.referrer_contact, &cols.channel, &cols.life_domain, &cols.start_date,
                               &cols.end_date})
    if (!c->empty()) known.push_back(*c);
  for (const std::string& c : cols.breakdowns) known.push_back(c);
  detail::check_known_columns(csv, known, out);
  auto optional = [&](const std::string& name) -> std::optional<std::size_t> {
    return name.empty() ? std::nullopt : detail::find_column(csv, name);
  };
  const auto columns = detail::required_columns(csv, out, cols.unit, cols.period, cols.client);
  if (!columns) return t;
  const auto [cu, cp, cc] = *columns;
  const auto ch = optional(cols.hours), cr = optional(cols.referral), crc = optional(cols.referrer_contact),
             cch = optional(cols.channel), cl = optional(cols.life_domain), cs = optional(cols.start_date),
             ce = optional(cols.end_date);
  // Breakdown columns are required once named; a missing one is reported like any required column.
  std::vector<std::size_t> breakdown_columns;
  std::vector<std::unordered_map<std::string, std::int32_t>> breakdown_index(cols.breakdowns.size());
  for (const std::string& name : cols.breakdowns) {
    if (const auto c = detail::find_column(csv, name)) {
      breakdown_columns.push_back(*c);
      t.breakdowns.push_back({name, {}, {}});
      t.breakdowns.back().codes.reserve(csv.rows.size());
    } else {
      out.push_back(detail::missing_column_problem(csv, name));
    }
  }
  if (breakdown_columns.size() != cols.breakdowns.size()) return t;
  if (cs.has_value() != ce.has_value()) {
    out.push_back(make_problem("missing_column", Location{t.source, csv.header_line, 0, cs ? cols.end_date : cols.start_date},
                               {}, "the file has only one of the columns '" + cols.start_date + "' and '" +
                                       cols.end_date + "' (expected both or neither)"));
  }

  const std::size_t n = csv.rows.size();
  t.unit.reserve(n);
  t.period.reserve(n);
  t.client.reserve(n);
  std::unordered_map<std::string, std::int32_t> unit_index, channel_index, domain_index;
  std::vector<std::string> period_texts;
  std::unordered_map<std::string, std::int32_t> period_index;
  detail::CellSink cells{csv, {out, t.source}};
  for (std::size_t r = 0; r < n; ++r) {
    const auto& row = csv.rows[r];
    const std::string& unit = row[cu];
    cells.unit(r, cols.unit, unit, context.units);
    t.unit.push_back(detail::intern(t.unit_names, unit_index, unit));
    const std::string& pt = row[cp];
    cells.period(r, cols.period, pt);
    t.period.push_back(detail::intern(period_texts, period_index, pt));
    const std::string& client = row[cc];
    if (client.empty()) cells.add(r, cols.client, "missing_value", "empty client id (expected a client identifier)");
    t.client.push_back(pseudonymise != nullptr ? (*pseudonymise)(client) : 0);
    if (ch) {
      const std::string& v = row[*ch];
      auto x = v.empty() ? std::optional<double>(std::numeric_limits<double>::quiet_NaN()) : detail::parse_finite_double(v);  // "nan"/"inf" are errors, not blanks
      if (!x) cells.add(r, cols.hours, "bad_number", "hours '" + v + "' is not a number (expected hours >= 0, e.g. 1.5)");
      else if (!std::isnan(*x) && !(*x >= 0.0 && std::isfinite(*x)))
        cells.add(r, cols.hours, "negative_hours", "hours " + v + " (expected a finite number >= 0)");
      t.hours.push_back(x.value_or(std::numeric_limits<double>::quiet_NaN()));
    }
    for (auto [c, name, dest] : {std::tuple{cr, &cols.referral, &t.referral},
                                 std::tuple{crc, &cols.referrer_contact, &t.referrer_contact}}) {
      if (!c) continue;
      auto f = parse_flag(row[*c]);
      if (!f) cells.add(r, *name, "bad_flag", detail::squote(row[*c]) + " (expected ja/nee, yes/no, 1/0 or empty)");
      dest->push_back(f.value_or(missing_flag));
    }
    for (std::size_t b = 0; b < breakdown_columns.size(); ++b) {
      const std::string& v = row[breakdown_columns[b]];
      auto& bd = t.breakdowns[b];
      bd.codes.push_back(v.empty() ? -1 : detail::intern(bd.names, breakdown_index[b], v));
    }
    if (cch) t.channel.push_back(row[*cch].empty() ? -1 : detail::intern(t.channel_names, channel_index, row[*cch]));
    if (cl) t.life_domain.push_back(row[*cl].empty() ? -1 : detail::intern(t.life_domain_names, domain_index, row[*cl]));
    if (cs && ce) {
      std::int32_t days[2] = {missing_day, missing_day};
      for (int k = 0; k < 2; ++k) {
        const std::string& name = k == 0 ? cols.start_date : cols.end_date;
        const std::string& v = row[k == 0 ? *cs : *ce];
        if (v.empty()) continue;
        if (auto day = parse_day(v)) days[k] = *day;
        else cells.add(r, name, "bad_date", "date '" + v + "' (expected an ISO date YYYY-MM-DD)");
      }
      if (days[0] != missing_day && days[1] != missing_day && days[1] < days[0]) {
        cells.add(r, cols.end_date, "end_before_start",
            "end date " + row[*ce] + " is before start date " + row[*cs] + " (expected an end on or after the start)");
      }
      t.start_day.push_back(days[0]);
      t.end_day.push_back(days[1]);
    }
  }
  if (t.life_domain_names.size() > 64) {
    out.push_back(make_problem("too_many_life_domains", Location{t.source, 0, 0, cols.life_domain}, {},
                               std::to_string(t.life_domain_names.size()) + " distinct life domains (expected at most 64)"));
  }
  cells.finish();
  if (auto mixed = detail::sort_periods(period_texts, t.period, t.periods, t.source, cols.period)) out.push_back(*mixed);
  return t;
}

}  // namespace

RegistrationTable read_registrations_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                                         const RegistrationColumns& columns, const DataContext& context) {
  std::vector<Problem> problems;
  RegistrationTable t = read_registrations(path, &pseudonymise, columns, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_registrations_csv(const std::filesystem::path& path, const RegistrationColumns& columns,
                                             const DataContext& context) {
  std::vector<Problem> problems;
  (void)read_registrations(path, nullptr, columns, context, problems);
  return problems;
}


std::string breakdown_unit_id(std::string_view unit, std::string_view column, std::string_view value) {
  std::string id(unit);
  id += '/';
  id += column;
  id += '=';
  id += value;
  return id;
}

RegistrationTable split_by_breakdown(const RegistrationTable& t, std::size_t index) {
  const RegistrationTable::Breakdown& bd = t.breakdowns.at(index);
  RegistrationTable out;
  out.source = t.source;
  out.periods = t.periods;
  out.channel_names = t.channel_names;
  out.life_domain_names = t.life_domain_names;
  std::unordered_map<std::string, std::int32_t> unit_index;
  // Every row's new unit code, interned in row order so that sub-units appear as they are met.
  const auto keep = [&](std::size_t r) { return bd.codes[r] >= 0; };
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (!keep(r)) continue;
    const std::string id = breakdown_unit_id(t.unit_names[static_cast<std::size_t>(t.unit[r])], bd.column,
                                             bd.names[static_cast<std::size_t>(bd.codes[r])]);
    out.unit.push_back(detail::intern(out.unit_names, unit_index, id));
    out.period.push_back(t.period[r]);
    out.client.push_back(t.client[r]);
    if (!t.hours.empty()) out.hours.push_back(t.hours[r]);
    if (!t.referral.empty()) out.referral.push_back(t.referral[r]);
    if (!t.referrer_contact.empty()) out.referrer_contact.push_back(t.referrer_contact[r]);
    if (!t.channel.empty()) out.channel.push_back(t.channel[r]);
    if (!t.life_domain.empty()) out.life_domain.push_back(t.life_domain[r]);
    if (!t.start_day.empty()) out.start_day.push_back(t.start_day[r]);
    if (!t.end_day.empty()) out.end_day.push_back(t.end_day[r]);
  }
  return out;
}

Dataset estimate_reach(const RegistrationView& d, const ReachOptions& options, const DataContext& context) {
  throw_if_problems<DataError>(check_registrations(d));
  // One computation for a table and for the merged partials of its parts (src/estimate/reach.cpp).
  return estimate_reach(detail::reach_partial_unchecked(d, 0), options, context);
}

}  // namespace doelenboom
