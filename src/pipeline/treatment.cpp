// Data treatment of one indicator column, in this order: denomination by a unit attribute,
// imputation of missing values, and outlier treatment as COINr's Treat() does it by default
// (winsorise while skew and kurtosis fail, up to winsorise_max points, else a log transform of the
// original values). Every changed value goes into the audit table with the reason.

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "doelenboom/stats.hpp"
#include "pipeline/treatment.hpp"
#include "stats/kernels.hpp"

namespace doelenboom::detail {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool present(double x) noexcept { return !std::isnan(x); }

void denominate(const std::string& indicator, const Treatment& t, const RowLayout& rows, const UnitRegistry* units,
                Eigen::Ref<Eigen::VectorXd> value, Eigen::Ref<Eigen::VectorXd> se, std::vector<AuditRecord>& audit,
                std::vector<Problem>& problems) {
  if (units == nullptr) {
    problems.push_back(pipeline_problem("no_units", {indicator},
                                        "indicator " + squote(indicator) + ": denominator " + squote(t.denominator) +
                                            " needs the unit registry (RunContext.units)"));
    return;
  }
  const std::size_t periods = rows.period_count();
  for (std::size_t u = 0; u < rows.unit_count(); ++u) {
    bool any = false;
    for (std::size_t p = 0; p < periods; ++p) any = any || present(value(static_cast<Eigen::Index>(rows.row(u, p))));
    if (!any) continue;  // nothing to divide
    const std::string& id = (*rows.units)[u];
    const Unit* unit = units->find(id);
    if (unit == nullptr) {
      problems.push_back(pipeline_problem("unknown_unit", {indicator},
                                          "indicator " + squote(indicator) + ", unit " + squote(id) +
                                              ": not in the unit registry, so its denominator " + squote(t.denominator) +
                                              " is unknown"));
      continue;
    }
    const auto a = unit->numeric_attribute(t.denominator);
    if (!a || !std::isfinite(*a) || *a <= 0.0) {
      const auto text = unit->attribute(t.denominator);
      const std::string found = a ? brief(*a) : (text ? "the text " + squote(*text) : std::string("missing"));
      problems.push_back(pipeline_problem("bad_denominator", {indicator},
                                          "indicator " + squote(indicator) + ", unit " + squote(id) + ": denominator " +
                                              squote(t.denominator) + " is " + found + "; expected a positive number"));
      continue;
    }
    for (std::size_t p = 0; p < periods; ++p) {
      const auto r = static_cast<Eigen::Index>(rows.row(u, p));
      if (!present(value(r))) continue;
      const double old = value(r);
      value(r) = old / *a * t.denominator_scale;
      se(r) = se(r) / *a * t.denominator_scale;
      std::string why = "denominated: / " + t.denominator + " " + brief(*a);
      if (t.denominator_scale != 1.0) why += " * " + brief(t.denominator_scale);
      audit.push_back({static_cast<std::size_t>(r), {id, (*rows.periods)[p], indicator, old, value(r), why}});
    }
  }
}

void impute(const std::string& indicator, const Treatment& t, const RowLayout& rows, const UnitRegistry* units,
            Eigen::Ref<Eigen::VectorXd> value, Eigen::Ref<Eigen::VectorXd> se, std::vector<AuditRecord>& audit,
            std::vector<Problem>& problems) {
  const std::size_t unit_count = rows.unit_count();
  const std::size_t periods = rows.period_count();
  const auto fill = [&](std::size_t u, std::size_t p, double x, const std::string& why) {
    const auto r = static_cast<Eigen::Index>(rows.row(u, p));
    value(r) = x;
    se(r) = nan;  // the error of an imputed value is unknown
    audit.push_back({static_cast<std::size_t>(r), {(*rows.units)[u], (*rows.periods)[p], indicator, nan, x, why}});
  };

  if (t.imputation == Imputation::locf) {
    for (std::size_t u = 0; u < unit_count; ++u) {
      std::optional<std::size_t> last;
      for (std::size_t p = 0; p < periods; ++p) {
        const double x = value(static_cast<Eigen::Index>(rows.row(u, p)));
        if (present(x)) {
          last = p;
        } else if (last) {
          fill(u, p, value(static_cast<Eigen::Index>(rows.row(u, *last))),
               "imputed: last observation carried forward from " + (*rows.periods)[*last].to_string());
        }
      }
    }
    return;
  }

  // Group of each unit (group_mean); one group for mean and median.
  std::vector<std::string> group(unit_count);
  if (t.imputation == Imputation::group_mean) {
    if (units == nullptr) {
      problems.push_back(pipeline_problem("no_units", {indicator},
                                          "indicator " + squote(indicator) + ": imputation group_mean by " +
                                              squote(t.impute_group) + " needs the unit registry (RunContext.units)"));
      return;
    }
    bool ok = true;
    for (std::size_t u = 0; u < unit_count; ++u) {
      const std::string& id = (*rows.units)[u];
      const Unit* unit = units->find(id);
      const auto g = unit ? unit->attribute(t.impute_group) : std::nullopt;
      if (!g || g->empty()) {
        ok = false;
        problems.push_back(pipeline_problem(
            "bad_group", {indicator},
            "indicator " + squote(indicator) + ", unit " + squote(id) + ": " +
                (unit ? "has no value for the group attribute " + squote(t.impute_group)
                      : std::string("is not in the unit registry, so its group ") + squote(t.impute_group) + " is unknown") +
                "; expected every unit to have one for imputation group_mean"));
        continue;
      }
      group[u] = *g;
    }
    if (!ok) return;
  }

  std::vector<double> buffer;
  for (std::size_t p = 0; p < periods; ++p) {
    const std::string period = (*rows.periods)[p].to_string();
    if (t.imputation == Imputation::group_mean) {
      std::map<std::string, std::pair<double, std::size_t>> sums;
      for (std::size_t u = 0; u < unit_count; ++u) {
        const double x = value(static_cast<Eigen::Index>(rows.row(u, p)));
        if (!present(x)) continue;
        auto& s = sums[group[u]];
        s.first += x;
        ++s.second;
      }
      for (std::size_t u = 0; u < unit_count; ++u) {
        if (present(value(static_cast<Eigen::Index>(rows.row(u, p))))) continue;
        const auto it = sums.find(group[u]);
        if (it == sums.end()) continue;  // no unit of the group has a value: stays missing
        fill(u, p, it->second.first / static_cast<double>(it->second.second),
             "imputed: mean of " + t.impute_group + " " + squote(group[u]) + " (" + std::to_string(it->second.second) +
                 " units) in " + period);
      }
      continue;
    }
    buffer.clear();
    for (std::size_t u = 0; u < unit_count; ++u) {
      const double x = value(static_cast<Eigen::Index>(rows.row(u, p)));
      if (present(x)) buffer.push_back(x);
    }
    if (buffer.empty() || buffer.size() == unit_count) continue;
    double fill_value = 0.0;
    std::string why;
    if (t.imputation == Imputation::mean) {
      fill_value = std::accumulate(buffer.begin(), buffer.end(), 0.0) / static_cast<double>(buffer.size());
      why = "imputed: mean of " + std::to_string(buffer.size()) + " units in " + period;
    } else {
      std::sort(buffer.begin(), buffer.end());
      fill_value = stats::quantile(buffer, 0.5);
      why = "imputed: median of " + std::to_string(buffer.size()) + " units in " + period;
    }
    for (std::size_t u = 0; u < unit_count; ++u) {
      if (!present(value(static_cast<Eigen::Index>(rows.row(u, p))))) fill(u, p, fill_value, why);
    }
  }
}

struct Shape {
  double skew = 0.0;
  double kurt = 0.0;
};

Shape shape_of(const std::vector<double>& x) { return {sample_skewness(x), sample_kurtosis(x)}; }

// COINr's check_SkewKurt fails a column unless |skew| < threshold or kurtosis < threshold.
bool fails(const Shape& s, const Treatment& t) noexcept {
  return std::abs(s.skew) >= t.skew_threshold && s.kurt >= t.kurtosis_threshold;
}

std::string shape_text(const Shape& s, const Treatment& t) {
  return "|skew| " + brief(std::abs(s.skew)) + " >= " + brief(t.skew_threshold) + " and kurtosis " + brief(s.kurt) +
         " >= " + brief(t.kurtosis_threshold);
}

// Outlier treatment of one period's present values (x), COINr's Treat.numeric with f1 =
// winsorise (when asked), f2 = log_CT, combine_treat = FALSE.
void treat_outliers(const std::string& indicator, const Treatment& t, const RowLayout& rows, std::size_t p,
                    Eigen::Ref<Eigen::VectorXd> value, Eigen::Ref<Eigen::VectorXd> se, std::vector<AuditRecord>& audit) {
  std::vector<Eigen::Index> at;
  std::vector<double> x;
  for (std::size_t u = 0; u < rows.unit_count(); ++u) {
    const auto r = static_cast<Eigen::Index>(rows.row(u, p));
    if (present(value(r))) {
      at.push_back(r);
      x.push_back(value(r));
    }
  }
  if (x.size() < 4) return;  // kurtosis needs four values: nothing can be judged
  const std::string period = (*rows.periods)[p].to_string();
  const Shape before = shape_of(x);
  if (!fails(before, t)) return;
  const auto record = [&](std::size_t i, double old, const std::string& why) {
    const auto r = static_cast<std::size_t>(at[i]);
    audit.push_back({r, {rows.unit_of(r), rows.period_of(r), indicator, old, value(at[i]), why}});
  };

  std::string after_winsorising;
  if (t.outliers == OutlierMethod::winsorise) {
    std::vector<double> w = x;
    std::vector<char> high(x.size(), 0), low(x.size(), 0);
    // COINr counts the points in the latest high and low tie groups; since a winsorised point
    // ties with the next one, those groups hold every point winsorised at that end.
    std::size_t last_high = 0, last_low = 0;
    bool failing = true;
    Shape shape = before;
    while (failing && static_cast<int>(last_high + last_low) < t.winsorise_max) {
      const bool at_top = shape.skew >= 0.0;
      const double extreme = at_top ? *std::max_element(w.begin(), w.end()) : *std::min_element(w.begin(), w.end());
      std::optional<double> next;
      std::size_t ties = 0;
      for (const double v : w) {
        if (v == extreme) {
          ++ties;
        } else if (!next || (at_top ? v > *next : v < *next)) {
          next = v;
        }
      }
      if (!next) break;  // every value equal: nothing to winsorise
      for (std::size_t i = 0; i < w.size(); ++i) {
        if (w[i] == extreme) {
          w[i] = *next;
          (at_top ? high : low)[i] = 1;
        }
      }
      (at_top ? last_high : last_low) = ties;
      shape = shape_of(w);
      failing = fails(shape, t);
    }
    if (!failing) {
      const std::size_t count = last_high + last_low;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (w[i] == x[i]) continue;
        value(at[i]) = w[i];  // the standard error stays: a documented approximation
        record(i, x[i],
               std::string("winsorised: set to the next ") + (high[i] ? "highest" : "lowest") + " value since " +
                   shape_text(before, t) + " in " + period + " (" + std::to_string(count) + " point" +
                   (count == 1 ? "" : "s") + " winsorised)");
      }
      return;
    }
    after_winsorising = "; winsorising " + std::to_string(last_high + last_low) + " point" +
                        (last_high + last_low == 1 ? "" : "s") + " left " + shape_text(shape, t);
  }
  // COINr's log_CT on the original values: ln(x - min + 0.01 (max - min)).
  const auto [mn, mx] = std::minmax_element(x.begin(), x.end());
  const double lo = *mn;
  const double shift = 0.01 * (*mx - *mn);
  const std::string why = "log transformed: ln(x - " + brief(lo) + " + " + brief(shift) + ") since " +
                          shape_text(before, t) + " in " + period + after_winsorising;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double arg = x[i] - lo + shift;
    value(at[i]) = std::log(arg);
    se(at[i]) = se(at[i]) / arg;  // delta method, min and max held fixed
    record(i, x[i], why);
  }
}

}  // namespace

bool is_identity(const Treatment& t) noexcept {
  return t.denominator.empty() && t.imputation == Imputation::none && t.outliers == OutlierMethod::none;
}

void treat_indicator(const std::string& indicator, const Treatment& treatment, const RowLayout& rows,
                     const UnitRegistry* units, Eigen::Ref<Eigen::VectorXd> value, Eigen::Ref<Eigen::VectorXd> se,
                     std::vector<AuditRecord>& audit, std::vector<Problem>& problems) {
  const std::size_t before = problems.size();
  if (!treatment.denominator.empty()) denominate(indicator, treatment, rows, units, value, se, audit, problems);
  if (problems.size() != before) return;
  if (treatment.imputation != Imputation::none) impute(indicator, treatment, rows, units, value, se, audit, problems);
  if (problems.size() != before) return;
  if (treatment.outliers != OutlierMethod::none) {
    for (std::size_t p = 0; p < rows.period_count(); ++p) treat_outliers(indicator, treatment, rows, p, value, se, audit);
  }
}

}  // namespace doelenboom::detail
