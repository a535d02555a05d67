// Coded columns between numpy and the estimators (columns.hpp): errors, the period dictionary,
// options and the views.

#include "core/columns.hpp"

#include <limits>

#include "core/periods.hpp"

namespace doelenboom::python {

void data_fail(const std::string& code, const std::string& field, const std::string& what, const std::string& source) {
  throw_problem<DataError>(code, Location{source, 0, 0, field}, what);
}

Period period_of(const py::handle& value, std::size_t position, const std::string& source) {
  if (auto p = period_from_python(value)) return *p;
  data_fail("bad_period", "period",
            "period " + std::to_string(position) + " " + py::repr(value).cast<std::string>() + " is not a period (" +
                period_expected + ")",
            source);
}

Periods periods_of(const py::sequence& names, std::span<const std::int32_t> codes, const std::string& source) {
  Periods out;
  std::vector<std::int32_t> map;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Period p = period_of(names[i], i, source);
    std::size_t j = 0;
    while (j < out.periods.size() && !(out.periods[j] == p)) ++j;
    if (j == out.periods.size()) out.periods.push_back(p);
    else out.merged = true;
    map.push_back(static_cast<std::int32_t>(j));
  }
  if (out.merged) {
    out.remapped.reserve(codes.size());
    for (const auto c : codes)
      out.remapped.push_back(c >= 0 && static_cast<std::size_t>(c) < map.size() ? map[static_cast<std::size_t>(c)] : c);
  }
  return out;
}

py::list periods_to_list(const std::vector<Period>& periods) {
  py::list out;
  for (const auto& p : periods) out.append(p.to_string());
  return out;
}

DataContext context_of(const UnitRegistry* units, double suppression_threshold, double small_count_threshold) {
  DataContext c;
  c.units = units;
  c.suppression_threshold = suppression_threshold;
  c.small_count_threshold = small_count_threshold;
  return c;
}

PrePostOptions prepost_options(std::string prefix, int min_score, int max_score, std::optional<double> reliability,
                               double confidence) {
  PrePostOptions o;
  o.prefix = std::move(prefix);
  o.min_score = min_score;
  o.max_score = max_score;
  o.reliability = reliability.value_or(std::numeric_limits<double>::quiet_NaN());
  o.confidence = confidence;
  return o;
}

namespace {

// A view with what every view has: the source, the unit and period codes, the period dictionary
// (remapped when names were merged) and the unit names; `fill` sets the columns of its kind.
template <class View, class Fill>
ColumnView<View> column_view(std::string source, const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                             std::vector<std::string> unit_names, const py::sequence& periods, Fill fill) {
  ColumnView<View> out;
  View& v = out.view;
  v.source = std::move(source);
  v.unit = span_of(unit, "unit", v.source);
  v.period = span_of(period, "period", v.source);
  fill(v, [&v](const auto& column, const char* field) { return span_of(column, field, v.source); });
  Periods p = periods_of(periods, v.period, v.source);
  if (p.merged) {
    out.remapped = std::move(p.remapped);
    v.period = out.remapped;
  }
  v.periods = std::move(p.periods);
  v.unit_names = std::move(unit_names);
  return out;
}

}  // namespace

ColumnView<RegistrationView> registration_view(
    const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
    const OptArray<double>& hours, const OptArray<std::int8_t>& referral, const OptArray<std::int8_t>& referrer_contact,
    const OptArray<std::int32_t>& channel, const OptArray<std::int32_t>& life_domain,
    const OptArray<std::int32_t>& start_day, const OptArray<std::int32_t>& end_day, std::vector<std::string> unit_names,
    const py::sequence& periods, std::vector<std::string> channel_names, std::vector<std::string> life_domain_names,
    std::string source) {
  return column_view<RegistrationView>(
      std::move(source), unit, period, std::move(unit_names), periods, [&](RegistrationView& v, const auto& span) {
        v.client = span(client, "client");
        v.hours = span(hours, "hours");
        v.referral = span(referral, "referral");
        v.referrer_contact = span(referrer_contact, "referrer_contact");
        v.channel = span(channel, "channel");
        v.life_domain = span(life_domain, "life_domain");
        v.start_day = span(start_day, "start_day");
        v.end_day = span(end_day, "end_day");
        v.channel_names = std::move(channel_names);
        v.life_domain_names = std::move(life_domain_names);
      });
}

ColumnView<ResponseView> response_view(const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                       const Array<std::uint64_t>& respondent, const Array<std::int32_t>& item,
                                       const Array<double>& value, const OptArray<std::int32_t>& instrument,
                                       std::vector<std::string> unit_names, const py::sequence& periods,
                                       std::vector<std::string> instrument_names, std::vector<Item> items,
                                       std::string source) {
  return column_view<ResponseView>(
      std::move(source), unit, period, std::move(unit_names), periods, [&](ResponseView& v, const auto& span) {
        v.respondent = span(respondent, "respondent");
        v.item = span(item, "item");
        v.value = span(value, "value");
        v.instrument = span(instrument, "instrument");
        v.instrument_names = std::move(instrument_names);
        v.items = std::move(items);
      });
}

ColumnView<PrePostView> prepost_view(const Array<std::int32_t>& unit, const Array<std::int32_t>& period,
                                     const Array<std::uint64_t>& client, const Array<std::int32_t>& domain,
                                     const Array<double>& pre, const Array<double>& post,
                                     std::vector<std::string> unit_names, const py::sequence& periods,
                                     std::vector<std::string> domain_names, std::string source) {
  return column_view<PrePostView>(
      std::move(source), unit, period, std::move(unit_names), periods, [&](PrePostView& v, const auto& span) {
        v.client = span(client, "client");
        v.domain = span(domain, "domain");
        v.pre = span(pre, "pre");
        v.post = span(post, "post");
        v.domain_names = std::move(domain_names);
      });
}

}  // namespace doelenboom::python
