// Result tables as columns for pandas (tables.hpp): the koploper table, signals and shift tables.

#include "core/tables.hpp"

#include <cstdint>
#include <string>
#include <type_traits>

#include "doelenboom/compare.hpp"
#include "doelenboom/monitoring.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/signals.hpp"

namespace doelenboom::python {

py::dict koploper_columns(const std::vector<KoploperRow>& rows) {
  using R = KoploperRow;
  ColumnDict<R> out(rows);
  out.array("score", &R::score)
      .array("low", &R::low)
      .array("high", &R::high)
      .array("rank", &R::rank)
      .array("rank_median", &R::rank_median)
      .array("rank_low", &R::rank_low)
      .array("rank_high", &R::rank_high)
      .array("change_since_baseline", &R::change_since_baseline)
      .array("change_low", &R::change_low)
      .array("change_high", &R::change_high)
      .array("change_p_value", &R::change_p_value)
      .array("change_beyond_noise", &R::change_beyond_noise)
      .array("change_comparable", &R::change_comparable)
      .array("peer_mean", &R::peer_mean)
      .array("peer_median", &R::peer_median)
      .array("peer_count", &R::peer_count)
      .array("difference_from_peers", &R::difference_from_peers)
      .array("national", &R::national)
      .list("unit", &R::unit)
      .list("node", &R::node)
      .list("period", period_text)
      .list("baseline", [](const R& r) { return r.baseline.to_string(); })
      .list("peers", &R::peers)
      .list("uncertainty_note", &R::uncertainty_note);
  return out.dict();
}

namespace {

const Signal& signal_of(const Signal& s) { return s; }
const Signal& signal_of(const MonitoringSignal& m) { return m.signal; }

// The signal columns of rows that are or hold a Signal; MonitoringSignal rows add their area.
template <class Row>
py::dict signal_columns_of(const std::vector<Row>& rows) {
  // A getter of a row's signal's field.
  const auto field = [](auto member) { return [member](const Row& r) { return std::invoke(member, signal_of(r)); }; };
  ColumnDict<Row> out(rows);
  out.list("unit", field(&Signal::unit));
  if constexpr (std::is_same_v<Row, MonitoringSignal>) out.list("area", &MonitoringSignal::area);
  out.list("period", [](const Row& r) { return signal_of(r).period.to_string(); })
      .list("node", field(&Signal::node))
      .list("rule", [](const Row& r) { return std::string(to_string(signal_of(r).rule)); })
      .list("severity", [](const Row& r) { return std::string(to_string(signal_of(r).severity)); })
      .list("value", field(&Signal::value))
      .list("reference", field(&Signal::reference))
      .list("difference", field(&Signal::difference))
      .list("statistic", field(&Signal::statistic))
      .list("p_value", field(&Signal::p_value))
      .list("n", field(&Signal::n))
      .list("message_nl", field(&Signal::message_nl))
      .list("message_en", field(&Signal::message_en));
  return out.dict();
}

}  // namespace

py::dict signal_columns(const std::vector<Signal>& signals) { return signal_columns_of(signals); }

py::dict signal_columns(const std::vector<MonitoringSignal>& signals) { return signal_columns_of(signals); }

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
        for (py::ssize_t j = 0; j < cols; ++j)
          c(i, j) = s.table.counts(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      t["counts"] = counts;
    }
    out.append(t);
  }
  return out;
}

}  // namespace doelenboom::python
