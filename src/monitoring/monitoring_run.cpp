// run_monitoring: read and estimate every source, link the estimates to the tree's indicators,
// run the pipeline, compare, trend, forecast and signal, also per area and group
// (docs/run-config.md).

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "doelenboom/monitoring.hpp"
#include "doelenboom/score_table.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/trend.hpp"
#include "core/diagnostics.hpp"
#include "monitoring/monitoring_internal.hpp"

namespace doelenboom {

namespace {

namespace fs = std::filesystem;
using detail::squote;

/// The pipeline of a run without a pipeline file: the default, on the scale of the baseline
/// (changes over time are computed from it; docs/run-config.md).
PipelineSpec default_run_spec() {
  PipelineSpec spec;
  spec.normalise.scope = NormaliseScope::reference;
  return spec;
}

/// Every row of a data set as a record with its internal numbers (suppressed rows keep them and
/// stay suppressed), for building another data set from it.
std::vector<EstimateRecord> internal_records(const Dataset& d) {
  std::vector<EstimateRecord> out;
  out.reserve(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    EstimateRecord r;
    r.unit = d.units()[static_cast<std::size_t>(d.unit_codes()[e])];
    r.period = d.periods()[static_cast<std::size_t>(d.period_codes()[e])];
    r.indicator = d.indicators()[static_cast<std::size_t>(d.indicator_codes()[e])];
    r.value = d.values()[e];
    r.n = d.n()[e];
    r.se = d.se()[e];
    r.ci_low = d.ci_low()[e];
    r.ci_high = d.ci_high()[e];
    r.suppressed = d.suppressed()[i] != 0;
    r.source = d.sources()[static_cast<std::size_t>(d.source_codes()[e])];
    r.method = d.methods()[static_cast<std::size_t>(d.method_codes()[e])];
    out.push_back(std::move(r));
  }
  return out;
}

Dataset concat_all(const std::vector<Dataset>& parts) {
  Dataset out;
  for (const auto& p : parts) out = out.empty() ? p : out.concat(p);
  return out;
}

/// The estimates linked to the tree's indicators, under the indicator ids (docs/run-config.md).
struct Linked {
  std::vector<EstimateRecord> records;
  std::vector<Problem> problems;
};

/// `client_level`: the sources of the client-level estimators, whose counts carry their own standard
/// error (or none, when the data cannot give one): the run's Poisson se is for ready-made counts only.
Linked link(const std::vector<EstimateRecord>& estimates, const MonitoringConfig& config, const GoalTree& tree,
            bool poisson_counts, const std::set<std::string>& client_level) {
  Linked out;
  std::map<std::string, std::vector<const IndicatorLink*>> by_estimate;
  std::set<std::string> linked_nodes;
  for (const auto& l : config.indicators) {
    by_estimate[l.estimate].push_back(&l);
    linked_nodes.insert(l.node);
  }
  std::set<std::string> found;
  const IndicatorSet& defs = tree.indicators();
  const auto add = [&](EstimateRecord r, const std::string& node) {
    r.indicator = node;
    const auto* d = defs.find(node);
    if (poisson_counts && d != nullptr && d->measure == Measure::count && std::isnan(r.se) && std::isfinite(r.value) &&
        r.value >= 0 && !client_level.contains(r.source)) {
      r.se = std::sqrt(r.value);
      r.method += r.method.empty() ? "" : "; ";
      r.method += "se = sqrt(value) (Poisson, assumed by the run)";
    }
    out.records.push_back(std::move(r));
  };
  for (const auto& r : estimates) {
    if (const auto it = by_estimate.find(r.indicator); it != by_estimate.end()) {
      found.insert(r.indicator);
      for (const auto* l : it->second) add(r, l->node);
    } else if (const auto j = tree.find(r.indicator); j && tree.node(*j).kind == NodeKind::indicator) {
      if (linked_nodes.contains(r.indicator)) {
        out.problems.push_back(make_problem(
            "double_source", Location{r.source, 0, 0, {}}, {r.indicator},
            "indicator " + squote(r.indicator) + " has estimates of its own and a link in the config (expected one of the two)"));
        continue;
      }
      add(r, r.indicator);
    }
  }
  std::set<std::string> produced;
  for (const auto& r : estimates) produced.insert(r.indicator);
  for (const auto& l : config.indicators) {
    if (found.contains(l.estimate)) continue;
    std::vector<std::string> some(produced.begin(), produced.end());
    if (some.size() > 40) some.resize(40);
    out.problems.push_back(make_problem("unknown_estimate", l.where, {l.node},
                                        "indicators: " + squote(l.node) + ": no data source produced the estimate " +
                                            squote(l.estimate) + " (estimates found: " + detail::join_words(some) +
                                            (produced.size() > some.size() ? ", ..." : "") + ")"));
  }
  return out;
}

Location config_location(const MonitoringConfig& c, const std::string& key) {
  if (const auto it = c.where.find(key); it != c.where.end()) return it->second;
  return Location{c.source.string(), 0, 0, {}};
}

/// The steps of a run in order, for the progress callback.
class Progress {
 public:
  Progress(const MonitoringConfig& config, const MonitoringProgress& progress) : progress_(progress) {
    steps_.push_back("check");
    if (config.registrations) steps_.push_back("registrations");
    if (config.questionnaire) steps_.push_back("questionnaire");
    if (config.prepost) steps_.push_back("prepost");
    if (!config.estimates.empty()) steps_.push_back("estimates");
    steps_.insert(steps_.end(), {"pipeline", "compare", "trends", "signals"});
    if (config.registrations && !(config.registrations->areas.empty() && config.registrations->groups.empty()))
      steps_.push_back("areas");
  }
  void step(std::string_view name) {
    ++done_;
    if (progress_) progress_(name, done_, steps_.size());
  }

 private:
  const MonitoringProgress& progress_;
  std::vector<std::string> steps_;
  std::size_t done_ = 0;
};

/// The estimates of every data source, and the registrations with the reach options they were
/// estimated with (for the areas).
struct Sources {
  Dataset estimates;
  std::set<std::string> client_level;  ///< sources of the estimates from client-level records
  std::optional<RegistrationTable> registrations;
  ReachOptions reach;
};

/// Each file's tables are named by config.published_name from here on: the sources of the
/// estimates and areas are published, and a local path must not be (docs/run-config.md).
Sources read_sources(const MonitoringConfig& config, const UnitRegistry& units, Progress& progress) {
  Sources out;
  std::optional<Pseudonymiser> pseudonymise;
  if (config.registrations || config.questionnaire || config.prepost) {
    pseudonymise.emplace(config.pseudonym_key_env.empty() ? config.pseudonym_key
                                                          : std::string(std::getenv(config.pseudonym_key_env.c_str())));
  }
  const DataContext read_context{nullptr, &units, config.suppression_threshold, config.small_count_threshold};
  std::vector<Dataset> parts;
  if (config.registrations) {
    progress.step("registrations");
    std::vector<RegistrationTable> tables;
    for (const auto& f : config.registrations->files) {
      tables.push_back(read_registrations_csv(f, *pseudonymise, config.registrations->columns, read_context));
      tables.back().source = config.published_name(f);
    }
    out.registrations = detail::merge(std::move(tables));
    detail::refuse_identifying_breakdowns(*out.registrations, config);
    out.reach.phone_channel = config.registrations->phone_channel;
    parts.push_back(estimate_reach(out.registrations->view(), out.reach, read_context));
  }
  if (config.questionnaire) {
    progress.step("questionnaire");
    const auto items = load_items_yaml(config.questionnaire->items);
    std::vector<ResponseTable> tables;
    for (const auto& f : config.questionnaire->files) {
      tables.push_back(read_responses_csv(f, items, *pseudonymise, config.questionnaire->columns, read_context));
      tables.back().source = config.published_name(f);
    }
    parts.push_back(estimate_survey(detail::merge(std::move(tables)).view(), SurveyOptions{}, read_context));
  }
  if (config.prepost) {
    progress.step("prepost");
    std::vector<PrePostTable> tables;
    for (const auto& f : config.prepost->files) {
      tables.push_back(read_prepost_csv(f, *pseudonymise, config.prepost->columns, config.prepost->options, read_context));
      tables.back().source = config.published_name(f);
    }
    parts.push_back(estimate_prepost(detail::merge(std::move(tables)).view(), config.prepost->options, read_context).estimates);
  }
  for (const auto& part : parts) out.client_level.insert(part.sources().begin(), part.sources().end());
  if (!config.estimates.empty()) {
    progress.step("estimates");
    for (const auto& f : config.estimates) parts.push_back(Dataset::read_csv(f, read_context));
  }
  out.estimates = concat_all(parts);
  out.estimates.apply_suppression(config.suppression_threshold, config.small_count_threshold);
  return out;
}

/// Secondary suppression of the estimates (change families), before anything is derived from
/// them: one decision for every export (docs/privacy.md).
void protect_estimates(const MonitoringConfig& config, Dataset& estimates, DisclosureSummary& summary) {
  summary.estimates = estimates.size();
  summary.estimates_primary = estimates.suppressed_count();
  const auto protection = protect_relations(estimates, change_family_relations(estimates), config.protection_level);
  summary.estimates_secondary = protection.added.size();
  summary.short_of_level = protection.short_of_level;
}

/// The baseline and the period of the report: the config's, else the first and last of the data.
void choose_periods(const MonitoringConfig& config, MonitoringResult& out) {
  const auto& periods = out.indicator_data.periods();
  if (periods.empty()) throw DataError(config.source.string() + ": the data hold no estimates for the tree's indicators");
  out.baseline = config.baseline.value_or(periods.front());
  out.period = config.period.value_or(periods.back());
  for (const auto& [key, p] : {std::pair{"baseline", out.baseline}, std::pair{"period", out.period}}) {
    if (std::find(periods.begin(), periods.end(), p) == periods.end()) {
      std::vector<std::string> texts;
      for (const auto& q : periods) texts.push_back(q.to_string());
      throw_if_problems<DataError>({make_problem("unknown_period", config_location(config, key), {},
                                                 std::string(key) + " " + p.to_string() +
                                                     " is not a period of the data (periods: " +
                                                     detail::join_words(texts) + ")")});
    }
  }
  if (out.period < out.baseline) {
    throw_if_problems<DataError>({make_problem("bad_value", config_location(config, "period"), {},
                                               "period " + out.period.to_string() + " is before the baseline " +
                                                   out.baseline.to_string())});
  }
}

/// The estimates linked to the tree's indicators, the periods, and the pipeline run on them.
void run_indicators(const MonitoringConfig& config, UnitRegistry& units, const std::set<std::string>& client_level,
                    MonitoringResult& out) {
  auto linked = link(internal_records(out.estimates), config, out.tree, config.poisson_counts, client_level);
  throw_if_problems<DataError>(linked.problems);
  const IndicatorSet& defs = out.tree.indicators();
  out.indicator_data = Dataset::from_records(
      linked.records,
      DataContext{defs.size() > 0 ? &defs : nullptr, &units, config.suppression_threshold, config.small_count_threshold},
      "linked estimates");
  for (const Node& node : out.tree.nodes()) {
    if (node.kind != NodeKind::indicator) continue;
    const std::string& id = node.id;
    if (std::find(out.indicator_data.indicators().begin(), out.indicator_data.indicators().end(), id) ==
        out.indicator_data.indicators().end()) {
      out.indicators_without_data.push_back(id);
    }
  }
  choose_periods(config, out);
  for (const auto& id : out.indicator_data.units()) {
    if (units.find(id) != nullptr) units.set_baseline(id, out.baseline);
  }
  // Changes, trends and forecasts are read on the scale of the baseline (scope reference).
  out.result = run_pipeline(out.tree, out.indicator_data, out.spec, RunContext{nullptr, &units, out.baseline});
}

/// Koplopers and changes since the baseline of the compared nodes.
void compare_units(const MonitoringConfig& config, const UnitRegistry& units, const ScoreTable& table,
                   MonitoringResult& out) {
  out.compare_nodes = config.compare.nodes;
  if (out.compare_nodes.empty()) {
    for (std::size_t j = 0; j < out.tree.size(); ++j) out.compare_nodes.push_back(out.tree.node(j).id);
  }
  KoploperOptions ko;
  ko.nodes = out.compare_nodes;
  ko.period = out.period;
  ko.level = config.compare.level;
  ko.baseline = out.baseline;
  ko.peers = config.compare.peers;
  ko.draws = config.compare.draws;
  ko.seed = config.compare.seed;
  KoploperTable koplopers = koploper_table(table, &units, ko);
  out.koplopers = std::move(koplopers.rows);
  out.peer_groups = std::move(koplopers.peer_groups);
  out.peers = config.compare.peers.list.empty() ? config.compare.peers.attribute
                                                : "list of " + std::to_string(config.compare.peers.list.size()) + " units";
  out.changes = compute_changes(table, &units, ChangeOptions{config.compare.level, 0.05, out.baseline});
}

/// The trend of one unit and node, and its forecasts: the trend's and Holt's, per future period.
void trend_and_forecast(const MonitoringConfig& config, const ScoreTable& table, const std::string& unit,
                        const std::string& node, MonitoringResult& out) {
  TrendRow t;
  t.unit = unit;
  t.node = node;
  std::optional<LinearTrend> lt;
  Period last;
  try {
    const auto s = series_of(table, unit, node);
    t.n = s.values.size();
    if (!s.periods.empty()) last = s.periods.back();
    lt = unit_trend(table, unit, node, config.compare.level);
    t.slope = lt->slope;
    t.slope_low = lt->low;
    t.slope_high = lt->high;
    t.intercept = lt->intercept;
  } catch (const DataError& e) {
    t.note = e.what();
  }
  out.trends.push_back(std::move(t));
  std::vector<ForecastRow> rows;
  if (lt) {
    Period p = last;
    for (std::size_t h = 0; h < config.horizon; ++h) {
      p = p.next();
      const auto pr = predict(*lt, static_cast<double>(p.ordinal()), config.compare.level);
      ForecastRow row{unit, node, p};
      row.trend_forecast = pr.mean;
      row.trend_se = pr.se;
      row.trend_low = pr.low;
      row.trend_high = pr.high;
      rows.push_back(std::move(row));
    }
  }
  try {
    const auto f = unit_forecast(table, unit, node, config.horizon, config.compare.level);
    for (std::size_t h = 0; h < f.periods.size(); ++h) {
      if (rows.size() <= h) rows.push_back(ForecastRow{unit, node, f.periods[h]});
      ForecastRow& row = rows[h];
      row.forecast = f.forecast.mean[h];
      row.se = f.forecast.se[h];
      row.low = f.forecast.low[h];
      row.high = f.forecast.high[h];
    }
  } catch (const DataError&) {
    // Fewer than 4 scores or a gap: no Holt forecast (the trend row says why).
  }
  for (auto& row : rows) out.forecasts.push_back(std::move(row));
}

/// The reach signals of the areas and groups, under their parent unit with the area named.
void area_signals(const MonitoringConfig& config, const UnitRegistry& units, const Sources& sources,
                  MonitoringResult& out) {
  auto areas = detail::area_reach(*sources.registrations, *config.registrations, out.estimates, units, config, sources.reach);
  out.area_data = std::move(areas.data);
  out.area_units = std::move(areas.units);
  if (out.area_data.empty()) return;
  // The breakdowns add up to their unit's published total: secondary suppression before the
  // areas' signals and tables are derived (docs/privacy.md).
  DisclosureSummary& summary = out.disclosure;
  summary.area_cells = out.area_data.size();
  summary.area_primary = out.area_data.suppressed_count();
  const auto protection =
      protect_relations(out.area_data, breakdown_relations(out.area_data, out.indicator_data), config.protection_level);
  summary.area_secondary = protection.added.size();
  summary.short_of_level.insert(summary.short_of_level.end(), protection.short_of_level.begin(),
                                protection.short_of_level.end());
  PipelineSpec raw;
  raw.normalise.method = Normalisation::none;
  const auto area_result = run_pipeline(out.tree, out.area_data, raw, RunContext{nullptr, &out.area_units, {}});
  SignalRules reach_only = out.rules;
  reach_only.norm.enabled = false;
  reach_only.drop.enabled = false;
  reach_only.outlier.enabled = false;
  reach_only.data.enabled = false;
  std::vector<MonitoringSignal> found;
  for (auto& s : evaluate_signals(area_result, reach_only, SignalContext{&out.area_data, &out.area_units})) {
    const Unit& sub = out.area_units.at(s.unit);
    MonitoringSignal m{std::move(s), {}};
    m.area = m.signal.unit.substr(sub.parent.size() + 1);
    m.signal.unit = sub.parent;
    found.push_back(std::move(m));
  }
  out.signals.insert(out.signals.end(), found.begin(), found.end());
}

}  // namespace

MonitoringResult run_monitoring(const MonitoringConfig& config, const MonitoringProgress& progress) {
  Progress steps(config, progress);
  steps.step("check");
  throw_if_problems<ParseError>(config.check());
  MonitoringResult out;
  out.name = config.name;
  out.fictitious = config.fictitious;
  out.output = config.output;
  out.data_dir = config.source.empty() ? fs::path() : config.source.parent_path();
  out.tree = load_tree_yaml(config.tree);
  UnitRegistry units = config.units.empty() ? UnitRegistry::load_gemeenten_csv(config.gemeenten)
                                            : UnitRegistry::load_csv(config.units);
  out.spec = config.pipeline.empty() ? default_run_spec() : PipelineSpec::load_yaml(config.pipeline);
  out.rules = config.signals.empty() ? SignalRules{} : SignalRules::load_yaml(config.signals);

  Sources sources = read_sources(config, units, steps);
  out.estimates = std::move(sources.estimates);
  protect_estimates(config, out.estimates, out.disclosure);

  steps.step("pipeline");
  run_indicators(config, units, sources.client_level, out);

  steps.step("compare");
  const ScoreTable table = ScoreTable::from(out.result);
  compare_units(config, units, table, out);

  steps.step("trends");
  for (const auto& unit : out.result.units()) {
    for (const auto& node : out.compare_nodes) trend_and_forecast(config, table, unit, node, out);
  }

  steps.step("signals");
  for (auto& s : evaluate_signals(out.result, out.rules, SignalContext{&out.indicator_data, &units, &out.spec})) {
    out.signals.push_back(MonitoringSignal{std::move(s), {}});
  }
  for (const auto& f : config.stories)
    for (auto& s : detail::read_stories(f, units, out.tree)) out.stories.push_back(std::move(s));
  for (const auto& f : config.duiding)
    for (auto& a : detail::read_duiding(f, units)) out.duiding.push_back(std::move(a));

  if (sources.registrations && !sources.registrations->breakdowns.empty()) {
    steps.step("areas");
    area_signals(config, units, sources, out);
  }
  std::stable_sort(out.signals.begin(), out.signals.end(), [](const MonitoringSignal& a, const MonitoringSignal& b) {
    return std::tie(a.signal.unit, a.signal.period, a.area) < std::tie(b.signal.unit, b.signal.period, b.area);
  });
  out.units = std::move(units);
  return out;
}

}  // namespace doelenboom
