// The tables of several files of one source as one table: the rows one after the other, each
// table's codes mapped onto merged dictionaries (in order of first appearance) and the periods
// onto their sorted union.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "monitoring/monitoring_internal.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Dictionary codes of several tables mapped onto one dictionary.
class Dictionary {
 public:
  std::vector<std::string> names;
  std::int32_t code(const std::string& name) {
    const auto [it, fresh] = index_.emplace(name, static_cast<std::int32_t>(names.size()));
    if (fresh) names.push_back(name);
    return it->second;
  }
  /// Codes of `local` (a table's names) in this dictionary.
  std::vector<std::int32_t> map(const std::vector<std::string>& local) {
    std::vector<std::int32_t> out;
    out.reserve(local.size());
    for (const auto& n : local) out.push_back(code(n));
    return out;
  }

 private:
  std::unordered_map<std::string, std::int32_t> index_;
};

std::int32_t remapped(const std::vector<std::int32_t>& map, std::int32_t code) {
  return code < 0 ? code : map[static_cast<std::size_t>(code)];
}

/// The sorted union of the tables' periods and, per table, its codes into it.
template <class Table>
std::vector<Period> merged_periods(const std::vector<Table>& tables, std::vector<std::vector<std::int32_t>>& maps) {
  std::set<Period> all;
  for (const auto& t : tables) all.insert(t.periods.begin(), t.periods.end());
  std::vector<Period> periods(all.begin(), all.end());
  for (const auto& t : tables) {
    auto& m = maps.emplace_back();
    for (const auto& p : t.periods) {
      m.push_back(static_cast<std::int32_t>(std::lower_bound(periods.begin(), periods.end(), p) - periods.begin()));
    }
  }
  return periods;
}

/// What every table has, merged: the sources, periods, units and each row's unit and period.
/// `table_rows(t, out)` returns, per table, what appends row r's other columns to out.
template <class Table, class TableRows>
Table merge_tables(const std::vector<Table>& tables, TableRows table_rows) {
  Table out;
  std::vector<std::vector<std::int32_t>> period_maps;
  out.periods = merged_periods(tables, period_maps);
  Dictionary units;
  for (std::size_t k = 0; k < tables.size(); ++k) {
    const Table& t = tables[k];
    out.source += (k > 0 ? ", " : "") + t.source;
    const auto um = units.map(t.unit_names);
    const auto append_row = table_rows(t, out);
    for (std::size_t r = 0; r < t.size(); ++r) {
      out.unit.push_back(um[static_cast<std::size_t>(t.unit[r])]);
      out.period.push_back(period_maps[k][static_cast<std::size_t>(t.period[r])]);
      append_row(r);
    }
  }
  out.unit_names = units.names;
  return out;
}

}  // namespace

RegistrationTable merge(std::vector<RegistrationTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  Dictionary channels, domains;
  const auto has = [&](auto member) {
    return std::any_of(tables.begin(), tables.end(), [&](const RegistrationTable& t) { return !(t.*member).empty(); });
  };
  const bool hours = has(&RegistrationTable::hours), referral = has(&RegistrationTable::referral),
             referrer = has(&RegistrationTable::referrer_contact), channel = has(&RegistrationTable::channel),
             domain = has(&RegistrationTable::life_domain), dates = has(&RegistrationTable::start_day);
  RegistrationTable out = merge_tables(tables, [&](const RegistrationTable& t, RegistrationTable& o) {
    auto cm = channels.map(t.channel_names), dm = domains.map(t.life_domain_names);
    return [&, cm = std::move(cm), dm = std::move(dm)](std::size_t r) {
      o.client.push_back(t.client[r]);
      if (hours) o.hours.push_back(t.hours.empty() ? nan : t.hours[r]);
      if (referral) o.referral.push_back(t.referral.empty() ? missing_flag : t.referral[r]);
      if (referrer) o.referrer_contact.push_back(t.referrer_contact.empty() ? missing_flag : t.referrer_contact[r]);
      if (channel) o.channel.push_back(t.channel.empty() ? -1 : remapped(cm, t.channel[r]));
      if (domain) o.life_domain.push_back(t.life_domain.empty() ? -1 : remapped(dm, t.life_domain[r]));
      if (dates) {
        o.start_day.push_back(t.start_day.empty() ? missing_day : t.start_day[r]);
        o.end_day.push_back(t.end_day.empty() ? missing_day : t.end_day[r]);
      }
    };
  });
  const std::size_t nb = tables.front().breakdowns.size();
  std::vector<Dictionary> breakdown_names(nb);
  out.breakdowns.resize(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    out.breakdowns[b].column = tables.front().breakdowns[b].column;
    for (const auto& t : tables) {
      const auto map = breakdown_names[b].map(t.breakdowns[b].names);
      for (const auto c : t.breakdowns[b].codes) out.breakdowns[b].codes.push_back(remapped(map, c));
    }
    out.breakdowns[b].names = breakdown_names[b].names;
  }
  out.channel_names = channels.names;
  out.life_domain_names = domains.names;
  return out;
}

ResponseTable merge(std::vector<ResponseTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  Dictionary instruments;
  ResponseTable out = merge_tables(tables, [&](const ResponseTable& t, ResponseTable& o) {
    auto im = instruments.map(t.instrument_names);
    const std::int32_t none = t.instrument.empty() ? instruments.code("") : 0;
    return [&, im = std::move(im), none](std::size_t r) {
      o.instrument.push_back(t.instrument.empty() ? none : im[static_cast<std::size_t>(t.instrument[r])]);
      o.respondent.push_back(t.respondent[r]);
      o.item.push_back(t.item[r]);
      o.value.push_back(t.value[r]);
    };
  });
  out.items = tables.front().items;
  out.instrument_names = instruments.names;
  return out;
}

PrePostTable merge(std::vector<PrePostTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  Dictionary domains;
  PrePostTable out = merge_tables(tables, [&](const PrePostTable& t, PrePostTable& o) {
    auto dm = domains.map(t.domain_names);
    return [&, dm = std::move(dm)](std::size_t r) {
      o.client.push_back(t.client[r]);
      o.domain.push_back(dm[static_cast<std::size_t>(t.domain[r])]);
      o.pre.push_back(t.pre[r]);
      o.post.push_back(t.post[r]);
    };
  });
  out.domain_names = domains.names;
  return out;
}

}  // namespace doelenboom::detail
