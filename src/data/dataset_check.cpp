// The checks of a Dataset, shared by every way in (records, columns, CSV): per row the key, the
// numbers and the interval, duplicates, and against the context the unit and the indicator's
// range. Each problem names the row, the field, the value and what was expected.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "data/dataset_internal.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/data_io.hpp"

namespace doelenboom::detail {

namespace {

std::string num(double x) { return format_number(x); }

// What a value of an indicator must be, for "... (expected X)".
std::string range_expectation(const IndicatorDefinition& d) {
  switch (d.measure) {
    case Measure::proportion: return "a share between 0 and 1";
    case Measure::mean:
      if (d.scale) return "a mean on the scale " + squote(d.scale->name) + ", from " + num(d.scale->min) + " to " + num(d.scale->max);
      return "a mean";
    case Measure::count: return "a count of 0 or more";
    case Measure::rate: return "a rate per " + num(d.rate_per) + " inhabitants of 0 or more";
    case Measure::ordinal_change: return "a change";
  }
  return "a number";
}

std::string range_text(double lo, double hi) {
  return "[" + num(lo) + ", " + (std::isinf(hi) ? std::string("inf)") : num(hi) + "]");
}

// An indicator's definition and valid range, looked up once per dictionary entry.
struct Range {
  const IndicatorDefinition* definition = nullptr;
  double lo = 0.0, hi = 0.0;
};

Range range_of(const IndicatorSet& indicators, const std::string& id) {
  Range r;
  r.definition = indicators.find(id);
  if (r.definition != nullptr) std::tie(r.lo, r.hi) = r.definition->valid_range();
  return r;
}

// Row e's value and interval against `range` (with a definition): add(field, what) for each
// outside it. `interval_ok`: the interval passed its own checks (finite, ordered).
template <class Add>
void check_range(const Dataset& d, Eigen::Index e, const Range& range, bool interval_ok, Add&& add) {
  const auto kind = [&] {
    return std::string(to_string(range.definition->measure)) + " indicator " + squote(range.definition->id);
  };
  const double value = d.values()[e], low = d.ci_low()[e], high = d.ci_high()[e];
  if (std::isfinite(value) && (value < range.lo || value > range.hi)) {
    add("value", num(value) + " is outside " + range_text(range.lo, range.hi) + " for " + kind() + " (expected " +
                     range_expectation(*range.definition) + ")");
  }
  if (interval_ok && !std::isnan(low) && (low < range.lo || high > range.hi)) {
    const bool low_bad = low < range.lo;
    add(low_bad ? "ci_low" : "ci_high",
        num(low_bad ? low : high) + " is outside " + range_text(range.lo, range.hi) + " for " + kind() +
            " (expected an interval inside the indicator's range; Wilson intervals for proportions always are)");
  }
}

bool valid_period(const Period& p) {
  const auto back = Period::parse(p.to_string());
  return back && *back == p;
}

// One row's key, for the checks of that row.
struct Row {
  std::size_t i = 0;
  Eigen::Index e = 0;
  std::size_t u = 0, p = 0, k = 0;
  const std::string* unit = nullptr;
  const std::string* indicator = nullptr;
  const Period* period = nullptr;
  [[nodiscard]] std::vector<std::string> ids() const { return {*unit, *indicator}; }
};

class RowChecks {
 public:
  RowChecks(const Dataset& d, const std::vector<std::uint8_t>& source_suppressed, const RowPlaces& at,
            const DataContext& context, KeyIndex& index, std::vector<Problem>& out)
      : d_(d), source_suppressed_(source_suppressed), at_(at), context_(context), index_(index), out_(out) {}

  void run() {
    check_threshold();
    prepare_entries();
    index_.reset(key_space(d_.units().size(), d_.periods().size(), d_.indicators().size()), d_.size());
    for (std::size_t i = 0; i < d_.size(); ++i) {
      const auto e = static_cast<Eigen::Index>(i);
      Row r{i, e, static_cast<std::size_t>(d_.unit_codes()[e]), static_cast<std::size_t>(d_.period_codes()[e]),
            static_cast<std::size_t>(d_.indicator_codes()[e])};
      r.unit = &d_.units()[r.u];
      r.indicator = &d_.indicators()[r.k];
      r.period = &d_.periods()[r.p];
      const bool key_ok = check_key(r);
      const bool interval_ok = check_numbers(r);
      if (key_ok) check_duplicate(r);
      check_known(r, interval_ok);
    }
  }

 private:
  void add(std::string code, std::size_t i, std::string_view field, std::vector<std::string> ids, const std::string& what) {
    Location w = at_(i);
    w.field = std::string(field);
    out_.push_back(cell_problem(std::move(code), std::move(w), std::move(ids), what));
  }

  void check_threshold() {
    for (const auto& [what, x] : {std::pair{"suppression threshold ", context_.suppression_threshold},
                                  std::pair{"small-count threshold ", context_.small_count_threshold}}) {
      if (!std::isfinite(x) || x < 0.0) {
        out_.push_back(make_problem("bad_threshold", Location{at_.file(), 0, 0, {}}, {},
                                    what + num(x) + " is not valid (expected a number of 0 or more; 0 turns the rule off)"));
      }
    }
  }


  // Once per dictionary entry.
  void prepare_entries() {
    period_ok_.resize(d_.periods().size());
    for (std::size_t p = 0; p < d_.periods().size(); ++p) period_ok_[p] = valid_period(d_.periods()[p]) ? 1 : 0;
    unit_unknown_.assign(d_.units().size(), 0);
    if (context_.units != nullptr) {
      for (std::size_t u = 0; u < d_.units().size(); ++u) {
        unit_unknown_[u] = !d_.units()[u].empty() && context_.units->find(d_.units()[u]) == nullptr ? 1 : 0;
      }
    }
    ranges_.resize(d_.indicators().size());
    if (context_.indicators != nullptr) {
      for (std::size_t k = 0; k < d_.indicators().size(); ++k) {
        if (!d_.indicators()[k].empty()) ranges_[k] = range_of(*context_.indicators, d_.indicators()[k]);
      }
    }
  }

  // Unit, indicator and period; false when the row has no valid key.
  bool check_key(const Row& r) {
    bool key_ok = true;
    if (r.unit->empty()) {
      add("missing_value", r.i, "unit", {}, "the unit is empty (expected a unit id)");
      key_ok = false;
    }
    if (r.indicator->empty()) {
      add("missing_value", r.i, "indicator", {}, "the indicator is empty (expected an indicator id)");
      key_ok = false;
    }
    const Period& period = *r.period;
    if (period_ok_[r.p] == 0) {
      add("bad_period", r.i, "period", r.ids(),
          "year " + std::to_string(period.year) + ", part " + std::to_string(period.sub) + " is not a valid " +
              std::string(to_string(period.frequency)) + " (" + period_expectation() + ", years 1900 to 2999)");
      key_ok = false;
    } else if (!first_period_) {
      first_period_ = r.i;
    } else if (const Period& f = d_.periods()[static_cast<std::size_t>(d_.period_codes()[static_cast<Eigen::Index>(*first_period_)])];
               period.frequency != f.frequency) {
      add("mixed_frequency", r.i, "period", r.ids(),
          squote(period.to_string()) + " is " + article_frequency(period.frequency) + ", but row " +
              std::to_string(at_.row(*first_period_)) + " holds " + article_frequency(f.frequency) + " (" +
              squote(f.to_string()) + "; expected periods of one frequency in a data set)");
    }
    return key_ok;
  }

  // Value, n, se and the interval; false when the interval is not usable.
  bool check_numbers(const Row& r) {
    const std::size_t i = r.i;
    const double value = d_.values()[r.e];
    if (std::isnan(value)) {
      if (source_suppressed_[i] == 0) {
        add("missing_value", i, "value", r.ids(),
            "the value is missing (expected a number; a cell suppressed at the source has suppressed = 1)");
      }
    } else if (!std::isfinite(value)) {
      add("bad_value", i, "value", r.ids(), num(value) + " is not a finite number");
    }
    const auto non_negative = [&](double x, std::string_view field, const char* what) {
      if (std::isnan(x)) return;
      if (!std::isfinite(x)) {
        add("bad_value", i, field, r.ids(), num(x) + " is not a finite number (expected " + what + ")");
      } else if (x < 0.0) {
        add("negative", i, field, r.ids(), num(x) + " is negative (expected " + what + ")");
      }
    };
    non_negative(d_.n()[r.e], "n", "a base n of 0 or more");
    non_negative(d_.se()[r.e], "se", "a standard error of 0 or more");
    const double low = d_.ci_low()[r.e], high = d_.ci_high()[r.e];
    bool interval_ok = true;
    for (const auto& [x, field] : {std::pair{low, "ci_low"}, std::pair{high, "ci_high"}}) {
      if (!std::isnan(x) && !std::isfinite(x)) {
        add("bad_value", i, field, r.ids(), num(x) + " is not a finite number (expected an interval bound)");
        interval_ok = false;
      }
    }
    if (std::isnan(low) != std::isnan(high)) {
      add("bad_interval", i, std::isnan(low) ? "ci_low" : "ci_high", r.ids(),
          std::string("the bound is missing while ") + (std::isnan(low) ? "ci_high" : "ci_low") +
              " is given (expected both bounds of the interval or neither)");
      interval_ok = false;
    } else if (interval_ok && low > high) {
      add("bad_interval", i, "ci_low", r.ids(), num(low) + " is above ci_high " + num(high) + " (expected ci_low <= ci_high)");
      interval_ok = false;
    }
    return interval_ok;
  }

  void check_duplicate(const Row& r) {
    const auto np = static_cast<std::uint64_t>(d_.periods().size());
    const auto ni = static_cast<std::uint64_t>(d_.indicators().size());
    const std::uint64_t key = (static_cast<std::uint64_t>(r.u) * np + r.p) * ni + r.k;
    if (const auto first = index_.insert(key, r.i)) {
      add("duplicate_key", r.i, {}, r.ids(),
          "duplicate estimate for " + describe_key(*r.unit, *r.period, *r.indicator) + " (also on row " +
              std::to_string(at_.row(*first)) + "; expected one row per unit, period and indicator)");
    }
  }

  // The unit in the registry, the indicator in the set and its value and interval in its range.
  void check_known(const Row& r, bool interval_ok) {
    const std::size_t i = r.i;
    const std::string& unit = *r.unit;
    const std::string& indicator = *r.indicator;
    if (unit_unknown_[r.u] != 0) {
      std::string what = "unknown unit " + squote(unit) + " (expected a unit id of the unit registry";
      if (const auto* named = context_.units->find_by_name(unit)) {
        what += "; " + squote(unit) + " is the name of " + squote(named->id);
      }
      add("unknown_unit", i, "unit", {unit}, what + ")");
    }
    if (context_.indicators == nullptr || indicator.empty()) return;
    const Range& range = ranges_[r.k];
    if (range.definition == nullptr) {
      add("unknown_indicator", i, "indicator", {indicator},
          "unknown indicator " + squote(indicator) + " (expected an indicator id of the indicator set)");
      return;
    }
    check_range(d_, r.e, range, interval_ok,
                [&](std::string_view field, const std::string& what) { add("out_of_range", i, field, r.ids(), what); });
  }

  const Dataset& d_;
  const std::vector<std::uint8_t>& source_suppressed_;
  const RowPlaces& at_;
  const DataContext& context_;
  KeyIndex& index_;
  std::vector<Problem>& out_;
  std::vector<char> period_ok_, unit_unknown_;
  std::vector<Range> ranges_;
  std::optional<std::size_t> first_period_;  // the row that fixes the frequency
};

}  // namespace

void sort_by_row(std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
}

const char* period_expectation() { return "expected a year '2023', a quarter '2023-Q2' or a month '2023-05'"; }

std::string article_frequency(Frequency f) {
  switch (f) {
    case Frequency::year: return "a year";
    case Frequency::quarter: return "a quarter";
    case Frequency::month: return "a month";
  }
  return "a year";
}

std::string describe_key(const std::string& unit, const Period& period, const std::string& indicator) {
  return "unit " + squote(unit) + ", period " + squote(period.to_string()) + ", indicator " + squote(indicator);
}

void DatasetAccess::check(const Dataset& d, const RowPlaces& at, const DataContext& context, KeyIndex& index,
                          std::vector<Problem>& out) {
  RowChecks(d, d.source_suppressed_, at, context, index, out).run();
}

void check_ranges(const Dataset& d, const IndicatorSet& indicators, const std::vector<char>& checked, ProblemSink& sink) {
  std::vector<Range> ranges(d.indicators().size());
  bool any = false;
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    if (k < checked.size() && checked[k] != 0) ranges[k] = range_of(indicators, d.indicators()[k]);
    any = any || ranges[k].definition != nullptr;
  }
  if (!any) return;
  const RowPlaces at{nullptr, d.origin(), d.size()};
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    const Range& range = ranges[static_cast<std::size_t>(d.indicator_codes()[e])];
    if (range.definition == nullptr) continue;
    // A built data set's intervals passed their own checks unless a bound is not finite.
    const bool interval_ok = std::isfinite(d.ci_low()[e]) && std::isfinite(d.ci_high()[e]) && d.ci_low()[e] <= d.ci_high()[e];
    check_range(d, e, range, interval_ok, [&](std::string_view field, const std::string& what) {
      Location where = at(i);
      where.field = std::string(field);
      const std::string& unit = d.units()[static_cast<std::size_t>(d.unit_codes()[e])];
      sink.add(cell_problem("out_of_range", where, {unit, range.definition->id}, what));
    });
  }
}

}  // namespace doelenboom::detail
