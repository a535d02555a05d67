// doelenboom::stats and the intervals of a Dataset's estimates for Python, as the submodule
// doelenboom._core.stats. Only conversion happens here: numpy arrays in (any numeric dtype,
// converted to float64 or checked whole-number levels), result objects with read-only attributes
// out. Errors are doelenboom DataError (a ValueError).

#include <limits>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/error.hpp"
#include "doelenboom/estimate_intervals.hpp"
#include "doelenboom/stats.hpp"

namespace doelenboom::python {

namespace {

namespace st = doelenboom::stats;

// forcecast: integer and boolean arrays, lists and scalars are accepted and converted to float64
// (None in a list becomes NaN, which the C++ side reports by index).
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::span<const double> as_span(const DoubleArray& a, const char* function, const char* name) {
  if (a.ndim() != 1)
    throw DataError(std::string(function) + ": " + name + " has " + std::to_string(a.ndim()) +
                    " dimensions; expected a 1-D array");
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::string fmt(double v) {
  std::ostringstream out;
  out << std::setprecision(15) << v;
  return out.str();
}

// Ordinal levels as int. Float input must hold whole numbers (scores read from CSV often arrive as
// float64); anything else is named by index rather than silently truncated as a cast would do. The
// range [min, max] is checked by stats::shift_table; a value beyond int is outside it anyway.
std::vector<int> as_levels(const py::handle& obj, const char* name, int min, int max) {
  const std::string where = std::string("shift_table: ") + name;
  const auto outside = [&](std::size_t i, const std::string& value) {
    return DataError(where + "[" + std::to_string(i) + "] = " + value + " is outside [" + std::to_string(min) + ", " +
                     std::to_string(max) + "]; expected a level of the scale");
  };
  constexpr auto int_lo = std::numeric_limits<int>::min();
  constexpr auto int_hi = std::numeric_limits<int>::max();
  py::array raw = py::array::ensure(obj);
  if (!raw) throw py::type_error(where + ": expected a 1-D array of integer scores");
  if (raw.ndim() != 1)
    throw DataError(where + " has " + std::to_string(raw.ndim()) + " dimensions; expected a 1-D array");
  const char kind = raw.dtype().kind();
  std::vector<int> out(static_cast<std::size_t>(raw.size()));
  // uint64 goes the float64 way: beyond int64 it is outside any int scale anyway.
  if (kind == 'i' || kind == 'b' || (kind == 'u' && raw.itemsize() < 8)) {
    const auto ints = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(raw);
    if (!ints) throw py::type_error(where + ": cannot convert to 64-bit integers");
    const std::int64_t* data = ints.data();
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (data[i] < int_lo || data[i] > int_hi) throw outside(i, std::to_string(data[i]));
      out[i] = static_cast<int>(data[i]);
    }
    return out;
  }
  const auto doubles = DoubleArray::ensure(raw);
  if (!doubles) throw py::type_error(where + ": expected numbers, got dtype " + py::str(raw.dtype()).cast<std::string>());
  const double* data = doubles.data();
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double v = data[i];
    if (!std::isfinite(v))
      throw DataError(where + "[" + std::to_string(i) + "] = " + fmt(v) +
                      "; expected a level of the scale (complete pairs only)");
    if (v != std::floor(v))
      throw DataError(where + "[" + std::to_string(i) + "] = " + fmt(v) + " is not a whole number; expected a level");
    if (v < static_cast<double>(int_lo) || v > static_cast<double>(int_hi)) throw outside(i, fmt(v));
    out[i] = static_cast<int>(v);
  }
  return out;
}

std::string repr_double(double v) { return py::repr(py::float_(v)).cast<std::string>(); }

/// The intervals of a Dataset's estimates (estimate_intervals.hpp) and the normal critical value.
void bind_estimate_intervals(py::module_& m) {
  py::class_<EstimateIntervals>(m, "EstimateIntervals",
                                "The interval of every estimate of a Dataset, in its row order (low, high, approximate).")
      .def_readonly("confidence", &EstimateIntervals::confidence)
      .def_readonly("z", &EstimateIntervals::z)
      .def_property_readonly("low", [](const EstimateIntervals& e) { return Eigen::VectorXd(e.low); })
      .def_property_readonly("high", [](const EstimateIntervals& e) { return Eigen::VectorXd(e.high); })
      .def_property_readonly("approximate",
                             [](const EstimateIntervals& e) {
                               py::array_t<bool> out(static_cast<py::ssize_t>(e.approximate.size()));
                               auto flags = out.mutable_unchecked<1>();
                               for (std::size_t i = 0; i < e.approximate.size(); ++i) {
                                 flags(static_cast<py::ssize_t>(i)) = e.approximate[i] != 0;
                               }
                               return out;
                             })
      .def("__repr__", [](const EstimateIntervals& e) {
        return "EstimateIntervals(" + std::to_string(e.approximate.size()) + " estimates, confidence=" +
               repr_double(e.confidence) + ", z=" + repr_double(e.z) + ")";
      });

  m.def("normal_critical_value", &st::normal_critical_value, py::arg("confidence"),
        "z of the two-sided normal interval x -/+ z*se at confidence: the inverse normal CDF at (1 + confidence)/2.");

  m.def(
      "estimate_intervals",
      [](const Dataset& data, double confidence) {
        py::gil_scoped_release release;
        return estimate_intervals(data, confidence);
      },
      py::arg("data"), py::arg("confidence") = 0.95,
      "The interval of every estimate: its own (ci_low, ci_high) where it has both, else the normal\n"
      "interval value -/+ z*se at confidence, flagged approximate; blank where suppressed.");
}

}  // namespace

void register_stats(py::module_& m) {
  m.attr("reliable_change_threshold") = st::reliable_change_threshold;

  py::class_<st::Interval>(m, "Interval", "A point estimate with a two-sided confidence interval.")
      .def_readonly("estimate", &st::Interval::estimate)
      .def_readonly("low", &st::Interval::low)
      .def_readonly("high", &st::Interval::high)
      .def_readonly("n", &st::Interval::n)
      .def_readonly("confidence", &st::Interval::confidence)
      .def("__repr__", [](const st::Interval& i) {
        return "Interval(estimate=" + repr_double(i.estimate) + ", low=" + repr_double(i.low) +
               ", high=" + repr_double(i.high) + ", n=" + repr_double(i.n) +
               ", confidence=" + repr_double(i.confidence) + ")";
      });

  py::class_<st::MeanEstimate>(m, "MeanEstimate", "A mean with its Student t interval (NaN spread when n = 1).")
      .def_readonly("n", &st::MeanEstimate::n)
      .def_readonly("mean", &st::MeanEstimate::mean)
      .def_readonly("sd", &st::MeanEstimate::sd)
      .def_readonly("se", &st::MeanEstimate::se)
      .def_readonly("low", &st::MeanEstimate::low)
      .def_readonly("high", &st::MeanEstimate::high)
      .def_readonly("confidence", &st::MeanEstimate::confidence)
      .def_readonly("interval_defined", &st::MeanEstimate::interval_defined)
      .def("__repr__", [](const st::MeanEstimate& e) {
        return "MeanEstimate(n=" + std::to_string(e.n) + ", mean=" + repr_double(e.mean) + ", sd=" + repr_double(e.sd) +
               ", se=" + repr_double(e.se) + ", low=" + repr_double(e.low) + ", high=" + repr_double(e.high) +
               ", confidence=" + repr_double(e.confidence) + ")";
      });

  py::class_<st::WilcoxonResult>(m, "WilcoxonResult", "Result of the two-sided Wilcoxon signed-rank test.")
      .def_readonly("n", &st::WilcoxonResult::n)
      .def_readonly("n_used", &st::WilcoxonResult::n_used)
      .def_readonly("n_zero", &st::WilcoxonResult::n_zero)
      .def_readonly("r_plus", &st::WilcoxonResult::r_plus)
      .def_readonly("r_minus", &st::WilcoxonResult::r_minus)
      .def_readonly("statistic", &st::WilcoxonResult::statistic)
      .def_readonly("p_value", &st::WilcoxonResult::p_value)
      .def_readonly("method", &st::WilcoxonResult::method)
      .def_readonly("z", &st::WilcoxonResult::z)
      .def("__repr__", [](const st::WilcoxonResult& r) {
        return "WilcoxonResult(n=" + std::to_string(r.n) + ", n_used=" + std::to_string(r.n_used) +
               ", statistic=" + repr_double(r.statistic) + ", p_value=" + repr_double(r.p_value) + ", method='" +
               r.method + "', z=" + repr_double(r.z) + ")";
      });

  py::class_<st::PairedEffect>(m, "PairedEffect", "Paired standardised mean differences of post - pre.")
      .def_readonly("n", &st::PairedEffect::n)
      .def_readonly("mean_difference", &st::PairedEffect::mean_difference)
      .def_readonly("sd_pre", &st::PairedEffect::sd_pre)
      .def_readonly("sd_post", &st::PairedEffect::sd_post)
      .def_readonly("sd_diff", &st::PairedEffect::sd_diff)
      .def_readonly("d_z", &st::PairedEffect::d_z)
      .def_readonly("hedges_j", &st::PairedEffect::hedges_j)
      .def_readonly("g_z", &st::PairedEffect::g_z)
      .def_readonly("d_av", &st::PairedEffect::d_av)
      .def_readonly("standardiser_z", &st::PairedEffect::standardiser_z)
      .def_readonly("standardiser_av", &st::PairedEffect::standardiser_av)
      .def("__repr__", [](const st::PairedEffect& e) {
        return "PairedEffect(n=" + std::to_string(e.n) + ", mean_difference=" + repr_double(e.mean_difference) +
               ", d_z=" + repr_double(e.d_z) + ", g_z=" + repr_double(e.g_z) + ", d_av=" + repr_double(e.d_av) + ")";
      });

  py::class_<st::ShiftTable>(m, "ShiftTable",
                             "Counts of pre level (rows) by post level (columns); row/column i is level min + i.")
      .def_readonly("min", &st::ShiftTable::min)
      .def_readonly("max", &st::ShiftTable::max)
      .def_property_readonly("counts", [](const st::ShiftTable& t) { return t.counts; })
      .def_readonly("n", &st::ShiftTable::n)
      .def_readonly("improved", &st::ShiftTable::improved)
      .def_readonly("same", &st::ShiftTable::same)
      .def_readonly("worse", &st::ShiftTable::worse)
      .def("__repr__", [](const st::ShiftTable& t) {
        return "ShiftTable(min=" + std::to_string(t.min) + ", max=" + std::to_string(t.max) +
               ", n=" + std::to_string(t.n) + ", improved=" + std::to_string(t.improved) +
               ", same=" + std::to_string(t.same) + ", worse=" + std::to_string(t.worse) + ")";
      });

  bind_estimate_intervals(m);

  m.def("wilson", &st::wilson, py::arg("successes"), py::arg("n"), py::arg("confidence") = 0.95,
        "Wilson score interval for successes out of n; equals statsmodels\n"
        "proportion_confint(successes, n, alpha=1-confidence, method='wilson').");

  m.def(
      "mean_interval",
      [](const DoubleArray& x, double confidence) { return st::mean_interval(as_span(x, "mean_interval", "x"), confidence); },
      py::arg("x"), py::arg("confidence") = 0.95,
      "Mean with Student t interval; equals scipy.stats.t.interval(confidence, n-1, loc=mean, scale=sd/sqrt(n)).\n"
      "n = 1 gives the mean with NaN sd, se, low, high and interval_defined False.");

  m.def(
      "quantile",
      [](const DoubleArray& sorted, double p) { return st::quantile(as_span(sorted, "quantile", "sorted"), p); },
      py::arg("sorted"), py::arg("p"), "Quantile of ascending data; equals numpy.quantile(sorted, p) (method 'linear').");

  m.def(
      "quantile_unsorted",
      [](const DoubleArray& x, double p) { return st::quantile_unsorted(as_span(x, "quantile_unsorted", "x"), p); },
      py::arg("x"), py::arg("p"), "Quantile of unsorted data; equals numpy.quantile(x, p) (method 'linear').");

  m.def(
      "wilcoxon_signed_rank",
      [](const DoubleArray& d) { return st::wilcoxon_signed_rank(as_span(d, "wilcoxon_signed_rank", "differences")); },
      py::arg("differences"),
      "Two-sided Wilcoxon signed-rank test; equals scipy.stats.wilcoxon(differences) with its defaults\n"
      "(zeros dropped, no continuity correction, method 'auto'). method is 'exact', 'permutation' or 'normal'.");

  m.def("cronbach_alpha", &st::cronbach_alpha, py::arg("items"),
        "Cronbach's alpha of a respondents x items array (complete cases only).");

  m.def(
      "rci",
      [](const DoubleArray& pre, const DoubleArray& post, double sd_pre, double reliability) -> py::object {
        if (pre.ndim() == 0 && post.ndim() == 0)
          return py::float_(st::rci(*pre.data(), *post.data(), sd_pre, reliability));
        if (pre.ndim() != 1 || post.ndim() != 1)
          throw DataError("rci: pre has " + std::to_string(pre.ndim()) + " and post " + std::to_string(post.ndim()) +
                          " dimensions; expected two scalars or two 1-D arrays");
        const Eigen::Map<const Eigen::VectorXd> a(pre.data(), pre.size());
        const Eigen::Map<const Eigen::VectorXd> b(post.data(), post.size());
        return py::cast(Eigen::VectorXd(st::rci(a, b, sd_pre, reliability)));
      },
      py::arg("pre"), py::arg("post"), py::arg("sd_pre"), py::arg("reliability"),
      "Reliable Change Index (Jacobson & Truax 1991): (post - pre) / (sqrt(2) * sd_pre * sqrt(1 - reliability)).\n"
      "Scalars give a float, 1-D arrays an array; |RCI| > reliable_change_threshold is reliable change.");

  m.def(
      "paired_effect",
      [](const DoubleArray& pre, const DoubleArray& post) {
        return st::paired_effect(as_span(pre, "paired_effect", "pre"), as_span(post, "paired_effect", "post"));
      },
      py::arg("pre"), py::arg("post"),
      "Paired effect sizes of post - pre: d_z (sd of the differences), g_z (Hedges-corrected d_z) and\n"
      "d_av (average sd of pre and post, Cumming 2012).");

  m.def(
      "shift_table",
      [](const py::object& pre, const py::object& post, int min, int max) {
        const std::vector<int> a = as_levels(pre, "pre", min, max);
        const std::vector<int> b = as_levels(post, "post", min, max);
        return st::shift_table(a, b, min, max);
      },
      py::arg("pre"), py::arg("post"), py::arg("min"), py::arg("max"),
      "Shift table of paired ordinal scores on [min, max]: counts (rows pre, columns post) and\n"
      "the numbers improved (post > pre), same and worse.");
}

}  // namespace doelenboom::python
