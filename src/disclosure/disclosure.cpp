// Secondary suppression of additive relations (doelenboom/disclosure.hpp, docs/privacy.md).

#include "doelenboom/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include "core/diagnostics.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/registrations.hpp"

namespace doelenboom {

namespace {

std::string text_of(const std::vector<std::string>& dict, const Eigen::VectorXi& codes, std::size_t row) {
  return dict[static_cast<std::size_t>(codes[static_cast<Eigen::Index>(row)])];
}

}  // namespace

std::vector<AdditiveRelation> breakdown_relations(const Dataset& parts, const Dataset& totals) {
  // (unit, period code, indicator, column) -> parts, in data set order.
  std::map<std::tuple<std::string, int, std::string, std::string>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto id = parse_breakdown_unit_id(text_of(parts.units(), parts.unit_codes(), i));
    if (!id) continue;
    groups[{id->unit, parts.period_codes()[static_cast<Eigen::Index>(i)],
            text_of(parts.indicators(), parts.indicator_codes(), i), id->column}]
        .push_back(i);
  }
  std::vector<AdditiveRelation> out;
  for (const auto& [key, rows] : groups) {
    const auto& [unit, period_code, indicator, column] = key;
    const Period& period = parts.periods()[static_cast<std::size_t>(period_code)];
    const auto total = totals.find(unit, period, indicator);
    if (!total) continue;
    const double t = totals.values()[static_cast<Eigen::Index>(*total)];
    const bool hidden = totals.suppressed()[*total] != 0;
    if (!hidden && !std::isfinite(t)) continue;
    AdditiveRelation r;
    r.total_hidden = hidden;
    r.parts = rows;
    for (const auto row : rows) r.persons.push_back(parts.values()[static_cast<Eigen::Index>(row)]);
    r.total = t;
    r.what = unit + " " + period.to_string() + " " + indicator + " by " + column;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<AdditiveRelation> change_family_relations(const Dataset& data) {
  std::vector<AdditiveRelation> out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    // A family is found from its first member; the others are looked up.
    const std::string& id = text_of(data.indicators(), data.indicator_codes(), i);
    const std::string_view first = change_share_suffixes.front();
    if (id.size() <= first.size() || !id.ends_with(first)) continue;
    const std::string prefix = id.substr(0, id.size() - first.size());
    const std::string& unit = text_of(data.units(), data.unit_codes(), i);
    const Period& period = data.periods()[static_cast<std::size_t>(data.period_codes()[static_cast<Eigen::Index>(i)])];
    AdditiveRelation r;
    bool complete = true;
    double n = std::numeric_limits<double>::quiet_NaN();
    for (const auto suffix : change_share_suffixes) {
      const auto row = data.find(unit, period, prefix + std::string(suffix));
      if (!row) {
        complete = false;
        break;
      }
      const auto e = static_cast<Eigen::Index>(*row);
      const double base = data.n()[e];
      if (!std::isnan(n) && base != n) complete = false;
      n = base;
      r.parts.push_back(*row);
      r.persons.push_back(std::round(data.values()[e] * base));
    }
    // The common n is published unless every member is suppressed by it (then n < threshold
    // everywhere and the relation bounds nothing).
    if (!complete || !std::isfinite(n) || n < data.suppression_threshold()) continue;
    r.total = n;
    r.what = unit + " " + period.to_string() + " " + prefix + " (improved, same, worse)";
    out.push_back(std::move(r));
  }
  return out;
}

ProtectionResult protect_relations(Dataset& data, const std::vector<AdditiveRelation>& relations,
                                   double protection_level) {
  if (!std::isfinite(protection_level) || protection_level < 0.0) {
    throw_problem<DataError>("bad_threshold", {},
                             "protection level " + detail::brief(protection_level) +
                                 " is not valid (expected a number of persons, 0 or more)");
  }
  ProtectionResult out;
  if (protection_level == 0.0) return out;  // secondary suppression off (docs/privacy.md)
  std::vector<std::size_t> add;
  std::vector<std::uint8_t> counted(relations.size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t k = 0; k < relations.size(); ++k) {
      const AdditiveRelation& r = relations[k];
      const auto& hidden = data.suppressed();
      double hidden_sum = 0.0, visible_sum = 0.0;
      std::size_t hidden_count = 0;
      std::vector<std::pair<double, std::size_t>> visible;  // (persons, part position)
      for (std::size_t j = 0; j < r.parts.size(); ++j) {
        if (hidden[r.parts[j]] != 0) {
          hidden_sum += r.persons[j];
          ++hidden_count;
        } else {
          visible_sum += r.persons[j];
          visible.emplace_back(r.persons[j], j);
        }
      }
      if (r.total_hidden ? visible.empty() : hidden_count == 0) continue;
      if (counted[k] == 0) {
        counted[k] = 1;
        ++out.relations;
      }
      std::sort(visible.begin(), visible.end());
      add.clear();
      if (r.total_hidden) {
        // Nothing of a suppressed total may show: its parts would add up to it.
        for (const auto& v : visible) add.push_back(r.parts[v.second]);
        visible.clear();
        hidden_count += add.size();
      }
      const auto bound = [&] { return std::min(hidden_sum, r.total - visible_sum); };
      while (!r.total_hidden && (hidden_count < 2 || bound() < protection_level)) {
        if (visible.empty()) {
          out.short_of_level.push_back(r.what);
          break;
        }
        // The smallest part that brings the bound to the level, else the largest.
        auto pick = std::find_if(visible.begin(), visible.end(), [&](const auto& v) {
          return std::min(hidden_sum + v.first, r.total - visible_sum + v.first) >= protection_level;
        });
        if (pick == visible.end()) pick = std::prev(visible.end());
        hidden_sum += pick->first;
        visible_sum -= pick->first;
        ++hidden_count;
        add.push_back(r.parts[pick->second]);
        visible.erase(pick);
      }
      if (!add.empty()) {
        data.suppress_rows(add);
        out.added.insert(out.added.end(), add.begin(), add.end());
        changed = true;
      }
    }
  }
  std::sort(out.added.begin(), out.added.end());
  std::sort(out.short_of_level.begin(), out.short_of_level.end());
  out.short_of_level.erase(std::unique(out.short_of_level.begin(), out.short_of_level.end()), out.short_of_level.end());
  return out;
}

}  // namespace doelenboom
