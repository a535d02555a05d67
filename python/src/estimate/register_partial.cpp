// Mergeable partial statistics for Python (doelenboom.dask): build a partial from the same coded
// columns the estimators take, merge two, pickle (to_bytes / from_bytes), and finalise into the
// estimates. Only conversion happens here; building, merging and finalising release the GIL.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "core/columns.hpp"
#include "core/tables.hpp"
#include "doelenboom/partial.hpp"
#include "doelenboom/unit.hpp"

namespace doelenboom::python {

namespace {

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
        const auto v = registration_view(unit, period, client, hours, referral, referrer_contact, channel, life_domain,
                                         start_day, end_day, std::move(unit_names), periods, std::move(channel_names),
                                         std::move(life_domain_names), std::move(source));
        py::gil_scoped_release release;
        return ReachPartial::from_view(v.view, position);
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
         double suppression_threshold, double small_count_threshold) {
        ReachOptions o;
        o.prefix = std::move(prefix);
        o.phone_channel = std::move(phone_channel);
        o.rate_per = rate_per;
        py::gil_scoped_release release;
        return estimate_reach(p, o, context_of(units, suppression_threshold, small_count_threshold));
      },
      py::arg("partial"), py::kw_only(), py::arg("prefix") = "reach.", py::arg("phone_channel") = "telefoon",
      py::arg("rate_per") = 1000.0, py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
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
        const auto v = response_view(unit, period, respondent, item, value, instrument, std::move(unit_names), periods,
                                     std::move(instrument_names), std::move(items), std::move(source));
        py::gil_scoped_release release;
        return SurveyPartial::from_view(v.view, position);
      },
      py::arg("unit"), py::arg("period"), py::arg("respondent"), py::arg("item"), py::arg("value"), py::kw_only(),
      py::arg("instrument") = py::none(), py::arg("unit_names"), py::arg("periods"),
      py::arg("instrument_names") = std::vector<std::string>{}, py::arg("items"), py::arg("source") = "DataFrame",
      py::arg("position") = 0, "The survey partial of answers given as estimate_survey takes them.");
  m.def(
      "estimate_survey_partial",
      [](const SurveyPartial& p, double confidence, bool per_instrument, const UnitRegistry* units,
         double suppression_threshold, double small_count_threshold) {
        SurveyOptions o;
        o.confidence = confidence;
        o.per_instrument = per_instrument;
        py::gil_scoped_release release;
        return estimate_survey(p, o, context_of(units, suppression_threshold, small_count_threshold));
      },
      py::arg("partial"), py::kw_only(), py::arg("confidence") = 0.95, py::arg("per_instrument") = false,
      py::arg("units") = nullptr, py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
      "The survey estimates of a (merged) partial.");

  py::class_<PrePostPartial> prepost(m, "PrePostPartial", "Mergeable partial statistics of pre/post scores.");
  prepost.def(py::init<>(), "The empty partial (the identity of merge).");
  common(prepost);
  m.def(
      "prepost_partial",
      [](const Array<std::int32_t>& unit, const Array<std::int32_t>& period, const Array<std::uint64_t>& client,
         const Array<std::int32_t>& domain, const Array<double>& pre, const Array<double>& post,
         std::vector<std::string> unit_names, const py::sequence& periods, std::vector<std::string> domain_names,
         std::string source, int min_score, int max_score, std::uint64_t position) {
        const auto v = prepost_view(unit, period, client, domain, pre, post, std::move(unit_names), periods,
                                    std::move(domain_names), std::move(source));
        const PrePostOptions o = prepost_options("", min_score, max_score, std::nullopt, 0.95);
        py::gil_scoped_release release;
        return PrePostPartial::from_view(v.view, o, position);
      },
      py::arg("unit"), py::arg("period"), py::arg("client"), py::arg("domain"), py::arg("pre"), py::arg("post"),
      py::kw_only(), py::arg("unit_names"), py::arg("periods"), py::arg("domain_names"), py::arg("source") = "DataFrame",
      py::arg("min_score") = 1, py::arg("max_score") = 5, py::arg("position") = 0,
      "The pre/post partial of scores given as estimate_prepost takes them.");
  m.def(
      "estimate_prepost_partial",
      [](const PrePostPartial& p, std::string prefix, int min_score, int max_score,
         std::optional<double> reliability, double confidence, const UnitRegistry* units,
         double suppression_threshold, double small_count_threshold) {
        const PrePostOptions o = prepost_options(std::move(prefix), min_score, max_score, reliability, confidence);
        PrePostResult r;
        {
          py::gil_scoped_release release;
          r = estimate_prepost(p, o, context_of(units, suppression_threshold, small_count_threshold));
        }
        return py::make_tuple(std::move(r.estimates), shift_dicts(r.shifts));
      },
      py::arg("partial"), py::kw_only(), py::arg("prefix") = "zrm.", py::arg("min_score") = 1, py::arg("max_score") = 5,
      py::arg("reliability") = py::none(), py::arg("confidence") = 0.95, py::arg("units") = nullptr,
      py::arg("suppression_threshold") = default_suppression_threshold,
      py::arg("small_count_threshold") = default_small_count_threshold,
      "The pre/post estimates and shift tables (as dicts) of a (merged) partial.");
}

}  // namespace doelenboom::python
