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
#include "estimate/cells.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"
#include "doelenboom/partial.hpp"

namespace doelenboom {

RegistrationView RegistrationTable::view() const {
  return {.unit = unit, .period = period, .client = client, .hours = hours, .referral = referral,
          .referrer_contact = referrer_contact, .channel = channel, .life_domain = life_domain, .start_day = start_day,
          .end_day = end_day, .unit_names = unit_names, .periods = periods, .channel_names = channel_names,
          .life_domain_names = life_domain_names, .source = source};
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

// The rules of the registrations' own cells.
using detail::Cell;
using detail::Read;
using detail::ReadColumn;

Read<double> read_hours(const Cell& cell) {
  constexpr double none = std::numeric_limits<double>::quiet_NaN();
  if (cell.empty()) return detail::fine(none);
  std::string buffer;
  const std::string_view text = cell.text_in(buffer);
  // A number cell is a number; a text must be one ("nan" and "inf" are errors, not blanks).
  const auto x = cell.kind == Cell::Kind::number ? std::optional<double>(cell.number) : detail::parse_finite_double(text);
  if (!x) return detail::bad(none, "bad_number", "hours " + detail::squote(text) + " is not a number (expected hours >= 0, e.g. 1.5)");
  if (!(*x >= 0.0 && std::isfinite(*x)))
    return detail::bad(*x, "negative_hours", "hours " + std::string(text) + " (expected a finite number >= 0)");
  return detail::fine(*x);
}

Read<std::int8_t> read_flag(const Cell& cell) {
  if (cell.empty()) return detail::fine(missing_flag);
  std::optional<double> v;
  if (cell.kind == Cell::Kind::number) {
    if (cell.number == 0.0 || cell.number == 1.0) v = cell.number;
  } else {
    v = detail::parse_yes_no(cell.text);
  }
  if (v) return detail::fine(static_cast<std::int8_t>(*v));
  return detail::bad(missing_flag, "bad_flag", cell.shown() + " (expected ja/nee, yes/no, true/false, 1/0 or empty)");
}

Read<std::int32_t> read_day(const Cell& cell) {
  if (cell.empty()) return detail::fine(missing_day);
  std::string buffer;
  const std::string_view text = cell.text_in(buffer);
  if (auto day = parse_day(text)) return detail::fine(*day);
  return detail::bad(missing_day, "bad_date", "date " + detail::squote(text) + " (expected an ISO date YYYY-MM-DD)");
}

// The columns of a registrations table; problems of its structure go to `out`. std::nullopt when
// a required column is missing.
struct Layout {
  std::size_t unit = 0, period = 0, client = 0;
  std::optional<std::size_t> hours, referral, referrer_contact, channel, life_domain, start, end;
  std::vector<std::size_t> breakdowns;
};

std::optional<Layout> layout_of(const detail::Cells& cells, const RegistrationColumns& cols, std::vector<Problem>& out) {
  std::vector<std::string> known;
  for (const std::string* c : {&cols.unit, &cols.period, &cols.client, &cols.hours, &cols.referral,
                               &cols.referrer_contact, &cols.channel, &cols.life_domain, &cols.start_date,
                               &cols.end_date})
    if (!c->empty()) known.push_back(*c);
  for (const std::string& c : cols.breakdowns) known.push_back(c);
  detail::check_known_columns(cells, known, out);
  const auto columns = detail::required_columns(cells, out, cols.unit, cols.period, cols.client);
  if (!columns) return std::nullopt;
  auto optional = [&](const std::string& name) { return name.empty() ? std::nullopt : cells.find(name); };
  Layout l{(*columns)[0], (*columns)[1], (*columns)[2], optional(cols.hours), optional(cols.referral),
           optional(cols.referrer_contact), optional(cols.channel), optional(cols.life_domain),
           optional(cols.start_date), optional(cols.end_date), {}};
  // Breakdown columns are required once named; a missing one is reported like any required column.
  // The client column identifies persons: its values would be published as sub-unit ids.
  for (const std::string& name : cols.breakdowns) {
    if (const std::string why = refused_breakdown(cols, name); !why.empty()) {
      out.push_back(make_problem("identifying_breakdown", cells.header(name), {}, why));
    } else if (const auto c = cells.find(name)) {
      l.breakdowns.push_back(*c);
    } else {
      out.push_back(detail::missing_column_problem(cells, name));
    }
  }
  if (l.breakdowns.size() != cols.breakdowns.size()) return std::nullopt;
  if (l.start.has_value() != l.end.has_value()) {
    out.push_back(make_problem("missing_column", cells.header(l.start ? cols.end_date : cols.start_date), {},
                               std::string(cells.what()) + " has only one of the columns " + detail::squote(cols.start_date) +
                                   " and " + detail::squote(cols.end_date) + " (expected both or neither)"));
  }
  return l;
}

// Reads (or, with `pseudonymise` null, only checks) registrations; problems go to `out`.
RegistrationTable read_table(const detail::Cells& cells, const Pseudonymiser* pseudonymise,
                             const RegistrationColumns& cols, const DataContext& context, std::vector<Problem>& out) {
  RegistrationTable t;
  t.source = cells.source();
  const auto l = layout_of(cells, cols, out);
  if (!l) return t;
  for (std::size_t b = 0; b < l->breakdowns.size(); ++b) t.breakdowns.push_back({cols.breakdowns[b], {}, {}});

  std::vector<std::string> period_texts, client_ids;
  detail::Names units{t.unit_names}, periods{period_texts}, clients{client_ids}, channels{t.channel_names},
      domains{t.life_domain_names};
  std::vector<detail::Names> breakdown_names;
  for (auto& bd : t.breakdowns) breakdown_names.push_back({bd.names});
  ReadColumn<std::int32_t> unit(cells, l->unit, detail::unit_reader(units, context.units));
  ReadColumn<std::int32_t> period(cells, l->period, detail::period_reader(periods));
  ReadColumn<std::int32_t> client(cells, l->client,
                                  detail::name_reader(clients, "client id (expected a client identifier)"));
  std::vector<ReadColumn<std::int32_t>> breakdown;
  for (std::size_t b = 0; b < l->breakdowns.size(); ++b)
    breakdown.emplace_back(cells, l->breakdowns[b], detail::optional_name_reader(breakdown_names[b]));
  std::optional<ReadColumn<double>> hours;
  if (l->hours) hours.emplace(cells, *l->hours, read_hours);
  std::optional<ReadColumn<std::int8_t>> flags[2];
  if (l->referral) flags[0].emplace(cells, *l->referral, read_flag);
  if (l->referrer_contact) flags[1].emplace(cells, *l->referrer_contact, read_flag);
  std::optional<ReadColumn<std::int32_t>> channel, life_domain, start, end;
  if (l->channel) channel.emplace(cells, *l->channel, detail::optional_name_reader(channels));
  if (l->life_domain) life_domain.emplace(cells, *l->life_domain, detail::optional_name_reader(domains));
  const bool dates = l->start && l->end;
  if (dates) {
    start.emplace(cells, *l->start, read_day);
    end.emplace(cells, *l->end, read_day);
  }

  const std::size_t n = cells.rows();
  std::vector<std::int32_t> client_code;
  for (auto* v : {&t.unit, &t.period, &client_code}) v->reserve(n);
  detail::CellSink sink{cells, {out, t.source}};
  for (std::size_t r = 0; r < n; ++r) {
    t.unit.push_back(sink.take<std::int32_t>(r, cols.unit, unit(r)));
    t.period.push_back(sink.take<std::int32_t>(r, cols.period, period(r)));
    client_code.push_back(sink.take<std::int32_t>(r, cols.client, client(r)));
    if (hours) t.hours.push_back(sink.take<double>(r, cols.hours, (*hours)(r)));
    if (flags[0]) t.referral.push_back(sink.take<std::int8_t>(r, cols.referral, (*flags[0])(r)));
    if (flags[1]) t.referrer_contact.push_back(sink.take<std::int8_t>(r, cols.referrer_contact, (*flags[1])(r)));
    for (std::size_t b = 0; b < breakdown.size(); ++b) t.breakdowns[b].codes.push_back(breakdown[b](r).value);
    if (channel) t.channel.push_back((*channel)(r).value);
    if (life_domain) t.life_domain.push_back((*life_domain)(r).value);
    if (dates) {
      const std::int32_t first = sink.take<std::int32_t>(r, cols.start_date, (*start)(r));
      const std::int32_t last = sink.take<std::int32_t>(r, cols.end_date, (*end)(r));
      if (first != missing_day && last != missing_day && last < first) {
        std::string a, b;
        sink.add(r, cols.end_date, "end_before_start",
                 "end date " + std::string(cells.at(*l->end, r).text_in(a)) + " is before start date " +
                     std::string(cells.at(*l->start, r).text_in(b)) + " (expected an end on or after the start)");
      }
      t.start_day.push_back(first);
      t.end_day.push_back(last);
    }
  }
  if (t.life_domain_names.size() > 64) {
    out.push_back(make_problem("too_many_life_domains", Location{t.source, 0, 0, cols.life_domain}, {},
                               std::to_string(t.life_domain_names.size()) + " distinct life domains (expected at most 64)"));
  }
  sink.finish();
  if (auto mixed = detail::order_periods(cells, period_texts, t.period, t.periods, cols.period)) out.push_back(*mixed);
  // Each distinct client id is hashed once; raw ids go no further than this function.
  if (pseudonymise != nullptr) t.client = detail::pseudonyms_of(*pseudonymise, client_ids, client_code);
  return t;
}

RegistrationTable read_file(const std::filesystem::path& path, const Pseudonymiser* pseudonymise,
                            const RegistrationColumns& columns, const DataContext& context, std::vector<Problem>& out) {
  const auto csv = detail::read_csv_reporting(path, out);
  if (!csv) {
    RegistrationTable t;
    t.source = path.string();
    return t;
  }
  return read_table(detail::Cells(*csv), pseudonymise, columns, context, out);
}

}  // namespace

RegistrationTable read_registrations_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                                         const RegistrationColumns& columns, const DataContext& context) {
  std::vector<Problem> problems;
  RegistrationTable t = read_file(path, &pseudonymise, columns, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_registrations_csv(const std::filesystem::path& path, const RegistrationColumns& columns,
                                             const DataContext& context) {
  std::vector<Problem> problems;
  (void)read_file(path, nullptr, columns, context, problems);
  return problems;
}

RegistrationTable read_registrations(const CellTable& table, const Pseudonymiser& pseudonymise,
                                     const RegistrationColumns& columns, const DataContext& context) {
  std::vector<Problem> problems;
  const detail::Cells cells(table);
  RegistrationTable t;
  if (cells.check(problems)) t = read_table(cells, &pseudonymise, columns, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::string refused_breakdown(const RegistrationColumns& columns, std::string_view breakdown) {
  if (breakdown != columns.client) return {};
  return "breakdown column " + detail::squote(breakdown) +
         " is the client column: a breakdown on it would publish every client's id "
         "(expected a column with few values per unit, such as a kern or wijk)";
}

std::string breakdown_unit_id(std::string_view unit, std::string_view column, std::string_view value) {
  std::string id(unit);
  id += '/';
  id += column;
  id += '=';
  id += value;
  return id;
}

std::optional<BreakdownUnitId> parse_breakdown_unit_id(std::string_view id) {
  const auto slash = id.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  const auto equals = id.find('=', slash + 1);
  if (equals == std::string_view::npos || equals == slash + 1) return std::nullopt;
  return BreakdownUnitId{std::string(id.substr(0, slash)), std::string(id.substr(slash + 1, equals - slash - 1)),
                         std::string(id.substr(equals + 1))};
}

RegistrationTable split_by_breakdown(const RegistrationTable& t, std::size_t index) {
  const RegistrationTable::Breakdown& bd = t.breakdowns.at(index);
  RegistrationTable out;
  out.source = t.source;
  out.periods = t.periods;
  out.channel_names = t.channel_names;
  out.life_domain_names = t.life_domain_names;
  detail::Names unit_names{out.unit_names};
  // Every row's new unit code, interned in row order so that sub-units appear as they are met.
  const auto keep = [&](std::size_t r) { return bd.codes[r] >= 0; };
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (!keep(r)) continue;
    const std::string id = breakdown_unit_id(t.unit_names[static_cast<std::size_t>(t.unit[r])], bd.column,
                                             bd.names[static_cast<std::size_t>(bd.codes[r])]);
    out.unit.push_back(unit_names.code(id));
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
