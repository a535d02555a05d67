// Mergeable partial statistics for Python (doelenboom.dask): build a partial from the same coded
// columns the estimators take, merge two, pickle (to_bytes / from_bytes), and finalise into the
// estimates. Only conversion happens here; building, merging and finalising release the GIL.

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "doelenboom/partial.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

constexpr auto array_flags = py::array::c_style | py::array::forcecast;
template <class T>
using Array = py::array_t<T, array_flags>;
template <class T>
using OptArray = std::optional<Array<T>>;

template <class T>
std::span<const T> span_of(const Array<T>& a, const char* field, const std::string& source) {
  if (a.ndim() != 1) {
    throw DataError(source + ", field '" + field + "': the column has " + std::to_string(a.ndim()) +
                    " dimensions (expected a 1-D array)");
  }
  return {a.data(), static_cast<std::size_t>(a.size())};
}

template <class T>
std::span<const T> span_of(const OptArray<T>& a, const char* field, const std::string& source) {
  return a ? span_of(*a, field, source) : std::span<const T>{};
}

// Periods as the estimators' bindings read them (text, int years or Period objects); names that
// denote one period are merged and the codes rewritten into `remapped`.
struct Periods {
  std::vector<Period> periods;
  std::vector<std::int32_t> remapped;
  bool merged = false;
};

Periods periods_of(const py::sequence& names, std::span<const std::int32_t> codes, const std::string& source) {
  Periods out;
  std::vector<std::int32_t> map;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const py::handle value = names[i];
    std::optional<Period> p;
    if (py::isinstance<Period>(value)) p = value.cast<Period>();
    else if (py::isinstance<py::str>(value)) p = Period::parse(value.cast<std::string>());
    else if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value))
      p = Period::parse(std::to_string(value.cast<long long>()));
    if (!p) {
      throw DataError(source + ", field 'period': period " + std::to_string(i) + " " + py::repr(value).cast<std::string>() +
                      " is not a period (expected a year 2023 or '2023', a quarter '2023-Q2' or a month '2023-05')");
    }
    std::size_t j = 0;
    while (j < out.periods.size() && !(out.periods[j] == *p)) ++j;
    if (j == out.periods.size()) out.periods.push_back(*p);
    else out.merged = true;
    map.push_back(static_cast<std::int32_t>(j));
  }
  if (out.merged) {
    for (const auto c : codes)
      out.remapped.push_back(c >= 0 && static_cast<std::size_t>(c) < map.size() ? map[static_cast<std::size_t>(c)] : c);
  }
  return out;
}

DataContext context_of(const UnitRegistry* units, double suppression_threshold) {
  DataContext c;
  c.units = units;
  c.suppression_threshold = suppression_threshold;
  return c;
}

// Pickling, equality and the size of a partial class.
template <class P>
void common(py::class_<P>& c) {
  c.def(py::pickle([](const P& p) { return py::bytes(p.to_bytes()); },
                   [](const py::bytes& b) { return P::from_bytes(std::string(b)); }))
      .def("to_bytes", [](const P& p) { return py::bytes(p.to_bytes()); }, "The compact binary form (pickled so).")
      .def_static("from_bytes", [](const py::bytes& b) { return P::from_bytes(std::string(b)); }, py::arg("data"))
      .def_static(
          "merge",
          [](const P& a, const P& b) {
            py::gil_scoped_release release;
            return P::merge(a, b);
          },
          py::arg("a"), py::arg("b"), "The partial of the rows of both (associative and commutative).")
      .def_property_readonly("rows", [](const P& p) { return p.rows; })
      .def_property_readonly("source", [](const P& p) { return p.source; })
      .def("__eq__", [](const P& a, const P& b) { return a == b; }, py::is_operator())
      .def("__repr__", [](const P& p) { return "<" + std::string(py::type::of<P>().attr("__name__").template cast<std::string>()) +
                                                " of " + std::to_string(p.rows) + " rows>"; });
  c.attr("__hash__") = py::none();
}

py::list shift_dicts(const std::vector<ShiftTableRecord>& shifts) {
  py::list out;
  for (const auto& s : shifts) {
    py::dict t;
    t["unit"] = s.unit;
    t["period"] = s.period.to_string();
    t["domain"] = s.domain;
    t["min"] = s.table.min;
    t["max"] = s.table.max;
    t["suppressed"] = s.suppressed;
    if (s.suppressed) {
      for (const char* k : {"n", "improved", "same", "worse", "counts"}) t[k] = py::none();
    } else {
      t["n"] = s.table.n;
      t["improved"] = s.table.improved;
      t["same"] = s.table.same;
      t["worse"] = s.table.worse;
      const auto rows = static_cast<py::ssize_t>(s.table.counts.rows());
      const auto cols = static_cast<py::ssize_t>(s.table.counts.cols());
      py::array_t<std::int64_t> counts({rows, cols});
      auto c = counts.mutable_unchecked<2>();
      for (py::ssize_t i = 0; i < rows; ++i)
        for (py::ssize_t j = 0; j < cols; ++j) c(i, j) = s.table.counts(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      t["counts"] = counts;
    }
    out.append(t);
  }
  return out;
}

}  // namespace

void register_partial(py::module_& m) {
  m.attr("partition_position_bits") = partition_position_bits;

  py::class_<ReachPartial> reach(m, "ReachPartial", "Mergeable partial statistics of registrations (reach).");
  reach.def(py::init<>(), "The empty partial (the identity of merge).");
  common(reach);
  m.def(
      "reach_partial",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
         const OptArray<double>& hours, const OptArray<std::int8_t>& referral, const OptArray<std::int8_t>& referrer_contact,
         const OptArray<std::int32_t>& channel, const OptArray<std::int32_t>& life_domain,
         const OptArray<std::int32_t>& start_day, const OptArray<std::int32_t>& end_day, std::vector<std::string> unit_names,
         const py::sequence& periods, std::vector<std::string> channel_names, std::vector<std::string> life_domain_names,
         std::string source, std::uint64_t position) {
        RegistrationView v;
        v.source = std::move(source);
        v.unit = span_of(unit, "unit", v.source);
        v.period = span_of(period, "period", v.source);
        v.client = span_of(client, "client", v.source);
        v.hours = span_of(hours, "hours", v.source);
        v.referral = span_of(referral, "referral", v.source);
        v.referrer_contact = span_of(referrer_contact, "referrer_contact", v.source);
        v.channel = span_of(channel, "channel", v.source);
        v.life_domain = span_of(life_domain, "life_domain", v.source);
        v.start_day = span_of(start_day, "start_day", v.source);
        v.end_day = span_of(end_day, "end_day", v.source);
        Periods p = periods_of(periods, v.period, v.source);
        if (p.merged) v.period = p.remapped;
        v.periods = std::move(p.periods);
        v.unit_names = std::move(unit_names);
        v.channel_names = std::move(channel_names);
        v.life_domain_names = std::move(life_domain_names);
        py::gil_scoped_release release;
        return ReachPartial::from_view(v, position);
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::kw_only(), py::arg("hours") = py::none(),
      py::arg("referral") = py::none(), py::arg("referrer_contact") = py::none(), py::arg("channel") = py::none(),
      py::arg("life_domain") = py::none(), py::arg("start_day") = py::none(), py::arg("end_day") = py::none(),
      py::arg("unit_names"), py::arg("periods"), py::arg("channel_names") = std::vector<std::string>{},
      py::arg("life_domain_names") = std::vector<std::string>{}, py::arg("source") = "DataFrame",
      py::arg("position") = 0, "The reach partial of registrations given as estimate_reach takes them.");
  m.def(
      "estimate_reach_partial",
      [](const ReachPartial& p, std::string prefix, std::string phone_channel, double rate_per, const UnitRegistry* units,
         double suppression_threshold) {
        ReachOptions o;
        o.prefix = std::move(prefix);
        o.phone_channel = std::move(phone_channel);
        o.rate_per = rate_per;
        py::gil_scoped_release release;
        return estimate_reach(p, o, context_of(units, suppression_threshold));
      },
      py::arg("partial"), py::kw_only(), py::arg("prefix") = "reach.", py::arg("phone_channel") = "telefoon",
      py::arg("rate_per") = 1000.0, py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      "The reach estimates of a (merged) partial.");

  py::class_<SurveyPartial> survey(m, "SurveyPartial", "Mergeable partial statistics of questionnaire answers.");
  survey.def(py::init<>(), "The empty partial (the identity of merge).");
  common(survey);
  m.def(
      "survey_partial",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& respondent,
         const Array<std::int32_t>& item, const Array<double>& value, const OptArray<std::int32_t>& instrument,
         std::vector<std::string> unit_names, const py::sequence& periods, std::vector<std::string> instrument_names,
         std::vector<Item> items, std::string source, std::uint64_t position) {
        ResponseView v;
        v.source = std::move(source);
        v.unit = span_of(unit, "unit", v.source);
        v.period = span_of(period, "period", v.source);
        v.respondent = span_of(respondent, "respondent", v.source);
        v.item = span_of(item, "item", v.source);
        v.value = span_of(value, "value", v.source);
        v.instrument = span_of(instrument, "instrument", v.source);
        Periods p = periods_of(periods, v.period, v.source);
        if (p.merged) v.period = p.remapped;
        v.periods = std::move(p.periods);
        v.unit_names = std::move(unit_names);
        v.instrument_names = std::move(instrument_names);
        v.items = std::move(items);
        py::gil_scoped_release release;
        return SurveyPartial::from_view(v, position);
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      py::arg("position") = 0, "The survey partial of answers given as estimate_survey takes them.");
  m.def(
      "estimate_survey_partial",
      [](const SurveyPartial& p, double confidence, bool per_instrument, const UnitRegistry* units,
         double suppression_threshold) {
        SurveyOptions o;
        o.confidence = confidence;
        o.per_instrument = per_instrument;
        py::gil_scoped_release release;
        return estimate_survey(p, o, context_of(units, suppression_threshold));
      },
      py::arg("partial"), py::kw_only(), py::arg("confidence") = 0.95, py::arg("per_instrument") = false,
      py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      "The survey estimates of a (merged) partial.");

  py::class_<PrePostPartial> prepost(m, "PrePostPartial", "Mergeable partial statistics of pre/post scores.");
  prepost.def(py::init<>(), "The empty partial (the identity of merge).");
  common(prepost);
  const auto options_of = [](std::string prefix, int min_score, int max_score, std::optional<double> reliability,
                             double confidence) {
    PrePostOptions o;
    o.prefix = std::move(prefix);
    o.min_score = min_score;
    o.max_score = max_score;
    o.reliability = reliability.value_or(std::numeric_limits<double>::quiet_NaN());
    o.confidence = confidence;
    return o;
  };
  m.def(
      "prepost_partial",
      [options_of](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
                   const Array<std::int32_t>& domain, const Array<double>& pre, const Array<double>& post,
                   std::vector<std::string> unit_names, const py::sequence& periods, std::vector<std::string> domain_names,
                   std::string source, int min_score, int max_score, std::uint64_t position) {
        PrePostView v;
        v.source = std::move(source);
        v.unit = span_of(unit, "unit", v.source);
        v.period = span_of(period, "period", v.source);
        v.client = span_of(client, "client", v.source);
        v.domain = span_of(domain, "domain", v.source);
        v.pre = span_of(pre, "pre", v.source);
        v.post = span_of(post, "post", v.source);
        Periods p = periods_of(periods, v.period, v.source);
        if (p.merged) v.period = p.remapped;
        v.periods = std::move(p.periods);
        v.unit_names = std::move(unit_names);
        v.domain_names = std::move(domain_names);
        const PrePostOptions o = options_of("", min_score, max_score, std::nullopt, 0.95);
        py::gil_scoped_release release;
        return PrePostPartial::from_view(v, o, position);
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"), py::arg("source") = "DataFrame",
      py::arg("min_score") = 1, py::arg("max_score") = 5, py::arg("position") = 0,
      "The pre/post partial of scores given as estimate_prepost takes them.");
  m.def(
      "estimate_prepost_partial",
      [options_of](const PrePostPartial& p, std::string prefix, int min_score, int max_score,
                   std::optional<double> reliability, double confidence, const UnitRegistry* units,
                   double suppression_threshold) {
        const PrePostOptions o = options_of(std::move(prefix), min_score, max_score, reliability, confidence);
        PrePostResult r;
        {
          py::gil_scoped_release release;
          r = estimate_prepost(p, o, context_of(units, suppression_threshold));
        }
        return py::make_tuple(std::move(r.estimates), shift_dicts(r.shifts));
      },
      py::arg("partial"), py::kw_only(), py::arg("prefix") = "zrm.", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      "The pre/post estimates and shift tables (as dicts) of a (merged) partial.");
}

}  // namespace doelenboom::python
