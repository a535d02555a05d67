#include "doelenboom/registrations.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "csv.hpp"
#include "estimates_common.hpp"
#include "doelenboom/stats.hpp"
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
  const std::size_t n = d.unit.size();
  const std::size_t np = d.periods.size();
  const std::size_t groups = d.unit_names.size() * np;

  std::int32_t phone = -1;
  for (std::size_t i = 0; i < d.channel_names.size(); ++i)
    if (d.channel_names[i] == options.phone_channel) phone = static_cast<std::int32_t>(i);

  // Per group counters.
  std::vector<std::int64_t> contacts(groups, 0), referrals(groups, 0), referrer(groups, 0), phones(groups, 0),
      hours_missing(groups, 0), referral_known(groups, 0), referrer_known(groups, 0), channel_known(groups, 0);
  // Correctly rounded whatever the order of the rows, so partial sums merge to the same double.
  std::vector<ExactSum> hours(groups);
  // Per (group, client) aggregates.
  detail::PairIndex pairs(std::min<std::size_t>(n, 1u << 20));
  std::vector<std::int32_t> first_start, last_end, slot_contacts;
  std::vector<std::uint8_t> open;
  std::vector<std::uint64_t> domains;
  const bool dates = !d.start_day.empty() && !d.end_day.empty();

  for (std::size_t r = 0; r < n; ++r) {
    const auto g = static_cast<std::uint32_t>(static_cast<std::size_t>(d.unit[r]) * np + static_cast<std::size_t>(d.period[r]));
    ++contacts[g];
    if (!d.hours.empty()) {
      if (std::isnan(d.hours[r])) ++hours_missing[g];
      else hours[g].add(d.hours[r]);
    }
    if (!d.referral.empty() && d.referral[r] != missing_flag) {
      ++referral_known[g];
      referrals[g] += d.referral[r];
    }
    if (!d.referrer_contact.empty() && d.referrer_contact[r] != missing_flag) {
      ++referrer_known[g];
      referrer[g] += d.referrer_contact[r];
    }
    if (!d.channel.empty() && d.channel[r] != -1) {
      ++channel_known[g];
      phones[g] += d.channel[r] == phone;
    }
    const std::uint32_t s = pairs.slot(g, d.client[r]);
    if (s == first_start.size()) {
      first_start.push_back(INT32_MAX);
      last_end.push_back(INT32_MIN);
      open.push_back(0);
      domains.push_back(0);
      slot_contacts.push_back(0);
    }
    ++slot_contacts[s];
    if (!d.life_domain.empty() && d.life_domain[r] != -1) domains[s] |= std::uint64_t{1} << d.life_domain[r];
    if (dates) {
      const std::int32_t a = d.start_day[r], b = d.end_day[r];
      if (a != missing_day) first_start[s] = std::min(first_start[s], a);
      if (b != missing_day) last_end[s] = std::max(last_end[s], b);
      else if (a != missing_day) open[s] = 1;  // started, not ended: the trajectory is still open
    }
  }

  // Per group: the clients' values, gathered by a counting sort of slots on their group.
  const auto& slot_group = pairs.slot_groups();
  std::vector<std::size_t> offset(groups + 1, 0);
  for (auto g : slot_group) ++offset[g + 1];
  for (std::size_t g = 0; g < groups; ++g) offset[g + 1] += offset[g];
  std::vector<std::uint32_t> by_group(slot_group.size());
  {
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::uint32_t s = 0; s < slot_group.size(); ++s) by_group[fill[slot_group[s]]++] = s;
  }

  const std::string src = d.source;
  std::vector<EstimateRecord> out;
  std::vector<double> values;
  for (std::size_t g = 0; g < groups; ++g) {
    if (contacts[g] == 0) continue;
    const std::string& unit = d.unit_names[g / np];
    const Period& period = d.periods[g % np];
    const auto clients = static_cast<double>(offset[g + 1] - offset[g]);
    auto rec = [&](const std::string& id, double value, double base, std::string method) {
      EstimateRecord e;
      e.unit = unit;
      e.period = period;
      e.indicator = options.prefix + id;
      e.value = value;
      e.n = base;
      e.source = src;
      e.method = std::move(method);
      return e;
    };
    out.push_back(rec("clients", clients, clients, "distinct pseudonymised clients"));
    out.push_back(rec("contacts", static_cast<double>(contacts[g]), clients, "registered contacts"));
    if (!d.hours.empty()) {
      out.push_back(rec("hours", hours[g].value(), clients,
                        "sum of recorded hours (" + std::to_string(hours_missing[g]) + " of " +
                            std::to_string(contacts[g]) + " contacts without hours)"));
    }
    if (!d.referral.empty()) {
      out.push_back(rec("referrals", static_cast<double>(referrals[g]), clients,
                        "contacts with a referral (" + std::to_string(contacts[g] - referral_known[g]) +
                            " not recorded)"));
    }
    if (!d.referrer_contact.empty()) {
      out.push_back(rec("referrer_contacts", static_cast<double>(referrer[g]), clients,
                        "contacts with a referrer (" + std::to_string(contacts[g] - referrer_known[g]) +
                            " not recorded)"));
    }
    if (!d.channel.empty()) {
      out.push_back(rec("phone_questions", static_cast<double>(phones[g]), clients,
                        "contacts by channel '" + options.phone_channel + "' (" +
                            std::to_string(contacts[g] - channel_known[g]) + " without channel)"));
    }
    // Conversations per client: the mean of the clients' contact counts, with a t interval.
    values.clear();
    for (std::size_t k = offset[g]; k < offset[g + 1]; ++k) values.push_back(slot_contacts[by_group[k]]);
    {
      const stats::MeanEstimate m = stats::mean_interval(values);
      EstimateRecord e = rec("conversations_per_client", m.mean, clients, "mean contacts per client, t interval 95%");
      e.se = m.se;
      e.ci_low = m.low;
      e.ci_high = m.high;
      out.push_back(e);
    }
    if (dates) {
      values.clear();
      for (std::size_t k = offset[g]; k < offset[g + 1]; ++k) {
        const auto s = by_group[k];
        if (!open[s] && first_start[s] != INT32_MAX && last_end[s] != INT32_MIN)
          values.push_back(static_cast<double>(last_end[s]) - static_cast<double>(first_start[s]));
      }
      if (!values.empty()) {
        std::sort(values.begin(), values.end());
        const auto closed = static_cast<double>(values.size());
        out.push_back(rec("lead_time_median_days", stats::quantile(values, 0.5), closed,
                          "median days from first start to last end, closed trajectories"));
        out.push_back(rec("lead_time_p90_days", stats::quantile(values, 0.9), closed,
                          "90th percentile (linear) of days from first start to last end, closed trajectories"));
      }
    }
    if (!d.life_domain.empty()) {
      for (std::size_t dom = 0; dom < d.life_domain_names.size(); ++dom) {
        std::uint64_t with = 0;
        for (std::size_t k = offset[g]; k < offset[g + 1]; ++k) with += (domains[by_group[k]] >> dom) & 1u;
        const stats::Interval w = stats::wilson(static_cast<double>(with), clients);
        EstimateRecord e = rec("share_life_domain." + d.life_domain_names[dom], w.estimate, clients,
                               "share of clients with a question in this life domain, Wilson 95%");
        e.ci_low = w.low;
        e.ci_high = w.high;
        e.se = std::sqrt(w.estimate * (1.0 - w.estimate) / clients);
        out.push_back(e);
      }
    }
    if (options.rate_per > 0.0 && context.units != nullptr) {
      const Unit& u = context.units->at(unit);
      if (!(u.population > 0.0)) {
        throw DataError("unit '" + unit + "' has no population (expected one to compute clients per " +
                        std::to_string(static_cast<long long>(options.rate_per)) +
                        " inhabitants; give it in the units file or set rate_per to 0)");
      }
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, options.rate_per);
      out.push_back(rec("clients_per_" + std::string(buf, res.ptr), clients / u.population * options.rate_per, clients,
                        "distinct clients per " + std::string(buf, res.ptr) + " inhabitants (population " +
                            std::to_string(static_cast<long long>(u.population)) + ")"));
    }
  }
  DataContext ctx = context;
  ctx.indicators = nullptr;  // the estimates define their own indicator ids
  return Dataset::from_records(out, ctx);
}

}  // namespace doelenboom
