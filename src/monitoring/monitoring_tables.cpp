// write_tables: the result of a monitoring run as CSV files (docs/run-config.md), every text built
// before the first file is written, each file written atomically. Suppressed cells are blank.

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "io/data_io.hpp"
#include "io/files.hpp"
#include "doelenboom/monitoring.hpp"

namespace doelenboom {

namespace {

namespace fs = std::filesystem;

std::string number(double x) { return std::isnan(x) ? std::string() : detail::format_number(x); }

/// A CSV text built row by row.
class Table {
 public:
  explicit Table(const std::vector<std::string>& header) { row(header); }
  void row(const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) text_ += ',';
      text_ += detail::csv_field(cells[i]);
    }
    text_ += '\n';
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

std::string dataset_text(const Dataset& d) {
  Table t({"unit", "period", "indicator", "value", "n", "se", "ci_low", "ci_high", "suppressed", "source", "method"});
  for (const auto& r : d.export_records()) {
    t.row({r.unit, r.period.to_string(), r.indicator, number(r.value), number(r.n), number(r.se), number(r.ci_low),
           number(r.ci_high), r.suppressed ? "1" : "0", r.source, r.method});
  }
  return t.text();
}

std::string scores_text(const PipelineResult& r) {
  Table t({"unit", "period", "node", "score", "se", "low", "high", "coverage", "rank", "treated"});
  const Eigen::MatrixXd ranks = r.ranks();
  for (std::size_t u = 0; u < r.units().size(); ++u) {
    for (std::size_t p = 0; p < r.periods().size(); ++p) {
      const auto row = static_cast<Eigen::Index>(r.row(u, p));
      for (std::size_t j = 0; j < r.tree().size(); ++j) {
        const auto c = static_cast<Eigen::Index>(j);
        t.row({r.units()[u], r.periods()[p].to_string(), r.tree().node(j).id, number(r.scores()(row, c)),
               number(r.standard_errors()(row, c)), number(r.lower()(row, c)), number(r.upper()(row, c)),
               number(r.coverage()(row, c)), number(ranks(row, c)), number(r.treated()(row, c))});
      }
    }
  }
  return t.text();
}

std::string koplopers_text(const std::vector<KoploperRow>& rows) {
  Table t({"unit", "node", "period", "score", "low", "high", "rank", "rank_low", "rank_high", "rank_median", "baseline",
           "change_since_baseline", "change_low", "change_high", "change_p_value", "change_beyond_noise",
           "change_comparable", "peer_mean",
           "peer_median", "peer_count", "difference_from_peers", "national", "peers", "uncertainty_note"});
  for (const auto& k : rows) {
    t.row({k.unit, k.node, k.period.to_string(), number(k.score), number(k.low), number(k.high), number(k.rank),
           number(k.rank_low), number(k.rank_high), number(k.rank_median), k.baseline.to_string(),
           number(k.change_since_baseline), number(k.change_low), number(k.change_high), number(k.change_p_value),
           number(k.change_beyond_noise), number(k.change_comparable), number(k.peer_mean), number(k.peer_median), number(k.peer_count),
           number(k.difference_from_peers), number(k.national), k.peers, k.uncertainty_note});
  }
  return t.text();
}

std::string signals_text(const std::vector<MonitoringSignal>& signals) {
  Table t({"unit", "area", "period", "node", "rule", "severity", "value", "reference", "difference", "statistic",
           "p_value", "n", "message_nl", "message_en"});
  for (const auto& m : signals) {
    const Signal& s = m.signal;
    t.row({s.unit, m.area, s.period.to_string(), s.node, std::string(to_string(s.rule)), std::string(to_string(s.severity)),
           number(s.value), number(s.reference), number(s.difference), number(s.statistic), number(s.p_value), number(s.n),
           s.message_nl, s.message_en});
  }
  return t.text();
}

std::string trends_text(const std::vector<TrendRow>& rows) {
  Table t({"unit", "node", "n", "slope", "slope_low", "slope_high", "intercept", "note"});
  for (const auto& r : rows) {
    t.row({r.unit, r.node, std::to_string(r.n), number(r.slope), number(r.slope_low), number(r.slope_high),
           number(r.intercept), r.note});
  }
  return t.text();
}

std::string forecasts_text(const std::vector<ForecastRow>& rows) {
  Table t({"unit", "node", "period", "forecast", "se", "low", "high", "trend_forecast", "trend_se", "trend_low",
           "trend_high"});
  for (const auto& r : rows) {
    t.row({r.unit, r.node, r.period.to_string(), number(r.forecast), number(r.se), number(r.low), number(r.high),
           number(r.trend_forecast), number(r.trend_se), number(r.trend_low), number(r.trend_high)});
  }
  return t.text();
}

std::string audit_text(const std::vector<AuditEntry>& entries) {
  Table t({"unit", "period", "indicator", "old_value", "new_value", "why"});
  for (const auto& a : entries) {
    t.row({a.unit, a.period.to_string(), a.indicator, number(a.old_value), number(a.new_value), a.why});
  }
  return t.text();
}

std::string about_text(const MonitoringResult& r) {
  std::string s = r.name + "\n";
  if (r.fictitious) {
    s += "FICTIEVE GEGEVENS: de cijfers in deze tabellen zijn verzonnen (een voorbeeld), alleen de gemeenten, hun "
         "CBS-codes en inwonertallen zijn echt.\nFICTITIOUS DATA: the numbers in these tables are invented (an example); "
         "only the municipalities, their CBS codes and populations are real.\n";
  }
  s += "nulmeting (baseline): " + r.baseline.to_string() + "\nperiode (period reported): " + r.period.to_string() + "\n";
  s += "eenheden (units): " + std::to_string(r.result.units().size()) + ", signalen (signals): " +
       std::to_string(r.signals.size()) + "\n";
  s += "Afgeschermde cellen (kleine aantallen) zijn leeg; suppressed cells (small numbers) are blank.\n";
  const DisclosureSummary& d = r.disclosure;
  const auto count = [](std::size_t n) { return std::to_string(n); };
  s += "afgeschermd (suppressed), schattingen (estimates): " + count(d.estimates_primary) + " + " +
       count(d.estimates_secondary) + " aanvullend (secondary) van (of) " + count(d.estimates) +
       "; gebieden en groepen (areas and groups): " + count(d.area_primary) + " + " + count(d.area_secondary) +
       " aanvullend (secondary) van (of) " + count(d.area_cells) + " (docs/privacy.md)\n";
  return s;
}

}  // namespace

const std::vector<std::string>& monitoring_table_names() {
  static const std::vector<std::string> names{"estimates.csv", "indicators.csv", "scores.csv",   "koplopers.csv",
                                              "signals.csv",   "trends.csv",     "forecasts.csv", "areas.csv",
                                              "audit.csv",     "about.txt"};
  return names;
}

std::vector<fs::path> write_tables(const MonitoringResult& result, const fs::path& directory) {
  const std::vector<std::string> texts{dataset_text(result.estimates),
                                       dataset_text(result.indicator_data),
                                       scores_text(result.result),
                                       koplopers_text(result.koplopers),
                                       signals_text(result.signals),
                                       trends_text(result.trends),
                                       forecasts_text(result.forecasts),
                                       dataset_text(result.area_data),
                                       audit_text(result.result.audit()),
                                       about_text(result)};
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw Error("cannot create the output folder " + directory.string() + ": " + ec.message());
  std::vector<fs::path> written;
  const auto& names = monitoring_table_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    written.push_back(directory / names[i]);
    detail::write_file_atomically(written.back(), texts[i]);
  }
  return written;
}

}  // namespace doelenboom
