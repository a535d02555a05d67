// run_monitoring: read and estimate every source, link the estimates to the tree's indicators,
// run the pipeline, compare, trend, forecast and signal, also per area and group
// (docs/run-config.md).

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/monitoring.hpp"
#include "doelenboom/score_table.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/trend.hpp"
#include "core/diagnostics.hpp"

namespace doelenboom {

namespace {

namespace fs = std::filesystem;
using detail::squote;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Dictionary codes of several tables mapped onto one dictionary.
class Dictionary {
 public:
  std::vector<std::string> names;
  std::int32_t code(const std::string& name) {
    const auto [it, fresh] = index_.emplace(name, static_cast<std::int32_t>(names.size()));
    if (fresh) names.push_back(name);
    return it->second;
  }
  /// Codes of `local` (a table's names) in this dictionary.
  std::vector<std::int32_t> map(const std::vector<std::string>& local) {
    std::vector<std::int32_t> out;
    out.reserve(local.size());
    for (const auto& n : local) out.push_back(code(n));
    return out;
  }

 private:
  std::unordered_map<std::string, std::int32_t> index_;
};

std::int32_t remapped(const std::vector<std::int32_t>& map, std::int32_t code) {
  return code < 0 ? code : map[static_cast<std::size_t>(code)];
}

/// The sorted union of the tables' periods and, per table, its codes into it.
template <class Table>
std::vector<Period> merged_periods(const std::vector<Table>& tables, std::vector<std::vector<std::int32_t>>& maps) {
  std::set<Period> all;
  for (const auto& t : tables) all.insert(t.periods.begin(), t.periods.end());
  std::vector<Period> periods(all.begin(), all.end());
  for (const auto& t : tables) {
    auto& m = maps.emplace_back();
    for (const auto& p : t.periods) {
      m.push_back(static_cast<std::int32_t>(std::lower_bound(periods.begin(), periods.end(), p) - periods.begin()));
    }
  }
  return periods;
}

RegistrationTable merge(std::vector<RegistrationTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  RegistrationTable out;
  std::vector<std::vector<std::int32_t>> period_maps;
  out.periods = merged_periods(tables, period_maps);
  Dictionary units, channels, domains;
  const std::size_t nb = tables.front().breakdowns.size();
  std::vector<Dictionary> breakdown_names(nb);
  const auto has = [&](auto member) {
    return std::any_of(tables.begin(), tables.end(), [&](const RegistrationTable& t) { return !(t.*member).empty(); });
  };
  const bool hours = has(&RegistrationTable::hours), referral = has(&RegistrationTable::referral),
             referrer = has(&RegistrationTable::referrer_contact), channel = has(&RegistrationTable::channel),
             domain = has(&RegistrationTable::life_domain), dates = has(&RegistrationTable::start_day);
  for (std::size_t k = 0; k < tables.size(); ++k) {
    const RegistrationTable& t = tables[k];
    out.source += (k > 0 ? ", " : "") + t.source;
    const auto um = units.map(t.unit_names), cm = channels.map(t.channel_names), dm = domains.map(t.life_domain_names);
    for (std::size_t r = 0; r < t.size(); ++r) {
      out.unit.push_back(um[static_cast<std::size_t>(t.unit[r])]);
      out.period.push_back(period_maps[k][static_cast<std::size_t>(t.period[r])]);
      out.client.push_back(t.client[r]);
      if (hours) out.hours.push_back(t.hours.empty() ? nan : t.hours[r]);
      if (referral) out.referral.push_back(t.referral.empty() ? missing_flag : t.referral[r]);
      if (referrer) out.referrer_contact.push_back(t.referrer_contact.empty() ? missing_flag : t.referrer_contact[r]);
      if (channel) out.channel.push_back(t.channel.empty() ? -1 : remapped(cm, t.channel[r]));
      if (domain) out.life_domain.push_back(t.life_domain.empty() ? -1 : remapped(dm, t.life_domain[r]));
      if (dates) {
        out.start_day.push_back(t.start_day.empty() ? missing_day : t.start_day[r]);
        out.end_day.push_back(t.end_day.empty() ? missing_day : t.end_day[r]);
      }
    }
  }
  out.breakdowns.resize(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    out.breakdowns[b].column = tables.front().breakdowns[b].column;
    for (const auto& t : tables) {
      const auto map = breakdown_names[b].map(t.breakdowns[b].names);
      for (const auto c : t.breakdowns[b].codes) out.breakdowns[b].codes.push_back(remapped(map, c));
    }
    out.breakdowns[b].names = breakdown_names[b].names;
  }
  out.unit_names = units.names;
  out.channel_names = channels.names;
  out.life_domain_names = domains.names;
  return out;
}

ResponseTable merge(std::vector<ResponseTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  ResponseTable out;
  std::vector<std::vector<std::int32_t>> period_maps;
  out.periods = merged_periods(tables, period_maps);
  out.items = tables.front().items;
  Dictionary units, instruments;
  for (std::size_t k = 0; k < tables.size(); ++k) {
    const ResponseTable& t = tables[k];
    out.source += (k > 0 ? ", " : "") + t.source;
    const auto um = units.map(t.unit_names), im = instruments.map(t.instrument_names);
    const std::int32_t none = t.instrument.empty() ? instruments.code("") : 0;
    for (std::size_t r = 0; r < t.size(); ++r) {
      out.unit.push_back(um[static_cast<std::size_t>(t.unit[r])]);
      out.period.push_back(period_maps[k][static_cast<std::size_t>(t.period[r])]);
      out.instrument.push_back(t.instrument.empty() ? none : im[static_cast<std::size_t>(t.instrument[r])]);
      out.respondent.push_back(t.respondent[r]);
      out.item.push_back(t.item[r]);
      out.value.push_back(t.value[r]);
    }
  }
  out.unit_names = units.names;
  out.instrument_names = instruments.names;
  return out;
}

PrePostTable merge(std::vector<PrePostTable> tables) {
  if (tables.size() == 1) return std::move(tables.front());
  PrePostTable out;
  std::vector<std::vector<std::int32_t>> period_maps;
  out.periods = merged_periods(tables, period_maps);
  Dictionary units, domains;
  for (std::size_t k = 0; k < tables.size(); ++k) {
    const PrePostTable& t = tables[k];
    out.source += (k > 0 ? ", " : "") + t.source;
    const auto um = units.map(t.unit_names), dm = domains.map(t.domain_names);
    for (std::size_t r = 0; r < t.size(); ++r) {
      out.unit.push_back(um[static_cast<std::size_t>(t.unit[r])]);
      out.period.push_back(period_maps[k][static_cast<std::size_t>(t.period[r])]);
      out.client.push_back(t.client[r]);
      out.domain.push_back(dm[static_cast<std::size_t>(t.domain[r])]);
      out.pre.push_back(t.pre[r]);
      out.post.push_back(t.post[r]);
    }
  }
  out.unit_names = units.names;
  out.domain_names = domains.names;
  return out;
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

Linked link(const std::vector<EstimateRecord>& estimates, const MonitoringConfig& config, const GoalTree& tree,
            bool poisson_counts) {
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
        r.value >= 0) {
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

std::vector<Story> read_stories(const fs::path& path, const UnitRegistry& units, const GoalTree& tree) {
  const auto csv = detail::read_csv_file(path);
  std::vector<Problem> problems;
  const auto unit = detail::column_index(csv, "unit"), period = detail::column_index(csv, "period"),
             title = detail::column_index(csv, "title"), text = detail::column_index(csv, "text");
  const auto node = detail::find_column(csv, "node");
  std::vector<Story> out;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    Story s;
    s.unit = row[unit];
    if (units.find(s.unit) == nullptr) {
      problems.push_back(make_problem("unknown_unit", csv.where(r, "unit"), {}, "unknown unit " + squote(s.unit)));
    }
    if (auto p = Period::parse(row[period])) s.period = *p;
    else problems.push_back(make_problem("bad_period", csv.where(r, "period"), {}, squote(row[period]) + " is not a period"));
    if (node) {
      s.node = row[*node];
      if (!s.node.empty() && !tree.contains(s.node)) {
        problems.push_back(make_problem("unknown_node", csv.where(r, "node"), {s.node}, "unknown node " + squote(s.node)));
      }
    }
    s.title = row[title];
    s.text = row[text];
    out.push_back(std::move(s));
  }
  throw_if_problems<ParseError>(problems);
  return out;
}

std::vector<DuidingAnswer> read_duiding(const fs::path& path, const UnitRegistry& units) {
  static const std::vector<std::string> questions{"herkennen", "verklaren", "waarderen", "verbeteren", "actie"};
  const auto csv = detail::read_csv_file(path);
  std::vector<Problem> problems;
  const auto unit = detail::column_index(csv, "unit"), period = detail::column_index(csv, "period"),
             question = detail::column_index(csv, "question"), answer = detail::column_index(csv, "answer");
  const auto who = detail::find_column(csv, "who"), what = detail::find_column(csv, "what"),
             when = detail::find_column(csv, "when");
  std::vector<DuidingAnswer> out;
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    DuidingAnswer a;
    a.unit = row[unit];
    if (units.find(a.unit) == nullptr) {
      problems.push_back(make_problem("unknown_unit", csv.where(r, "unit"), {}, "unknown unit " + squote(a.unit)));
    }
    if (auto p = Period::parse(row[period])) a.period = *p;
    else problems.push_back(make_problem("bad_period", csv.where(r, "period"), {}, squote(row[period]) + " is not a period"));
    a.question = row[question];
    if (std::find(questions.begin(), questions.end(), a.question) == questions.end()) {
      problems.push_back(make_problem("bad_value", csv.where(r, "question"), {},
                                      "question " + squote(a.question) + " (expected one of: " + detail::join_words(questions) + ")"));
    }
    a.answer = row[answer];
    if (who) a.who = row[*who];
    if (what) a.what = row[*what];
    if (when) a.when = row[*when];
    out.push_back(std::move(a));
  }
  throw_if_problems<ParseError>(problems);
  return out;
}

Location config_location(const MonitoringConfig& c, const std::string& key) {
  if (const auto it = c.where.find(key); it != c.where.end()) return it->second;
  return Location{c.source.string(), 0, 0, {}};
}

/// The reach of each area and group sub-unit under the tree's ids, with zeros filled in, and the
/// registry naming the sub-units.
struct Areas {
  Dataset data;
  UnitRegistry units;
};

Areas area_reach(const RegistrationTable& table, const RegistrationSource& source, const Dataset& estimates,
                 const UnitRegistry& units, const MonitoringConfig& config, const ReachOptions& reach) {
  Areas out;
  const std::string clients_id = reach.prefix + "clients";
  std::vector<std::string> nodes;
  for (const auto& l : config.indicators)
    if (l.estimate == clients_id) nodes.push_back(l.node);
  if (nodes.empty() || table.breakdowns.empty()) return out;

  std::vector<Unit> registry;
  std::set<std::string> parents_added;
  std::vector<EstimateRecord> records;
  ReachOptions options = reach;
  options.rate_per = 0.0;  // areas have no population of their own
  const DataContext context{nullptr, nullptr, config.suppression_threshold};
  for (std::size_t b = 0; b < table.breakdowns.size(); ++b) {
    const auto& bd = table.breakdowns[b];
    const bool is_area = b < source.areas.size();
    const RegistrationTable split = split_by_breakdown(table, b);
    if (split.size() == 0) continue;
    const Dataset reach_data = estimate_reach(split.view(), options, context);
    // Every sub-unit of a parent, and the periods in which the parent has registrations: there a
    // sub-unit without any is a true zero ("no more requests from village X").
    std::map<std::string, std::vector<std::string>> subunits;  // parent -> sub-unit ids
    for (std::size_t u = 0; u < table.unit_names.size(); ++u) {
      for (const auto& value : bd.names) {
        const std::string id = breakdown_unit_id(table.unit_names[u], bd.column, value);
        if (std::find(split.unit_names.begin(), split.unit_names.end(), id) != split.unit_names.end()) {
          subunits[table.unit_names[u]].push_back(id);
        }
      }
    }
    for (const auto& [parent, ids] : subunits) {
      const Unit* p = units.find(parent);
      if (p == nullptr) continue;  // read_registrations_csv already rejected unknown units
      if (parents_added.insert(parent).second) {
        Unit copy = *p;
        copy.parent.clear();
        registry.push_back(copy);
      }
      for (const auto& id : ids) {
        const std::string value = id.substr(parent.size() + 1 + bd.column.size() + 1);
        Unit s;
        s.id = id;
        s.type = is_area ? "gebied" : "groep";
        s.parent = parent;
        s.name = is_area ? value + " (" + p->name + ")" : p->name + ", " + bd.column + " " + value;
        s.province = p->province;
        s.baseline = p->baseline;
        s.labels[bd.column] = value;
        registry.push_back(std::move(s));
        for (const auto& period : estimates.periods()) {
          if (!estimates.find(parent, period, clients_id)) continue;  // no registrations of the parent then
          for (const auto& node : nodes) {
            EstimateRecord r;
            if (const auto row = reach_data.find(id, period, clients_id)) {
              r = reach_data.record(*row);
              const auto e = static_cast<Eigen::Index>(*row);
              r.value = reach_data.values()[e];
              r.n = reach_data.n()[e];
              r.suppressed = false;
            } else {
              r.unit = id;
              r.period = period;
              r.value = 0.0;  // a zero holds no person: published without n
              r.source = table.source;
              r.method = "no registrations from this " + std::string(is_area ? "area" : "group") +
                         " while the unit has registrations: 0";
            }
            r.indicator = node;
            records.push_back(std::move(r));
          }
        }
      }
    }
  }
  out.units = UnitRegistry(std::move(registry));
  out.data = Dataset::from_records(records, DataContext{nullptr, &out.units, config.suppression_threshold}, "areas");
  return out;
}

}  // namespace

MonitoringResult run_monitoring(const MonitoringConfig& config, const MonitoringProgress& progress) {
  std::vector<std::string> steps{"check"};
  if (config.registrations) steps.push_back("registrations");
  if (config.questionnaire) steps.push_back("questionnaire");
  if (config.prepost) steps.push_back("prepost");
  if (!config.estimates.empty()) steps.push_back("estimates");
  steps.insert(steps.end(), {"pipeline", "compare", "trends", "signals"});
  if (config.registrations && !(config.registrations->areas.empty() && config.registrations->groups.empty()))
    steps.push_back("areas");
  std::size_t done = 0;
  const auto step = [&](std::string_view name) {
    ++done;
    if (progress) progress(name, done, steps.size());
  };

  step("check");
  throw_if_problems<ParseError>(config.check());
  MonitoringResult out;
  out.name = config.name;
  out.fictitious = config.fictitious;
  out.output = config.output;
  out.data_dir = config.source.empty() ? fs::path() : config.source.parent_path();
  out.tree = load_tree_yaml(config.tree);
  UnitRegistry units = config.units.empty() ? UnitRegistry::load_gemeenten_csv(config.gemeenten)
                                            : UnitRegistry::load_csv(config.units);
  out.spec = config.pipeline.empty() ? PipelineSpec{} : PipelineSpec::load_yaml(config.pipeline);
  out.rules = config.signals.empty() ? SignalRules{} : SignalRules::load_yaml(config.signals);

  std::optional<Pseudonymiser> pseudonymise;
  if (config.registrations || config.questionnaire || config.prepost) {
    pseudonymise.emplace(config.pseudonym_key_env.empty() ? config.pseudonym_key
                                                          : std::string(std::getenv(config.pseudonym_key_env.c_str())));
  }
  const DataContext read_context{nullptr, &units, config.suppression_threshold};
  std::vector<Dataset> parts;
  std::optional<RegistrationTable> registrations;
  ReachOptions reach;
  if (config.registrations) {
    step("registrations");
    std::vector<RegistrationTable> tables;
    for (const auto& f : config.registrations->files) {
      tables.push_back(read_registrations_csv(f, *pseudonymise, config.registrations->columns, read_context));
    }
    registrations = merge(std::move(tables));
    reach.phone_channel = config.registrations->phone_channel;
    parts.push_back(estimate_reach(registrations->view(), reach, read_context));
  }
  if (config.questionnaire) {
    step("questionnaire");
    const auto items = load_items_yaml(config.questionnaire->items);
    std::vector<ResponseTable> tables;
    for (const auto& f : config.questionnaire->files) {
      tables.push_back(read_responses_csv(f, items, *pseudonymise, config.questionnaire->columns, read_context));
    }
    parts.push_back(estimate_survey(merge(std::move(tables)).view(), SurveyOptions{}, read_context));
  }
  if (config.prepost) {
    step("prepost");
    std::vector<PrePostTable> tables;
    for (const auto& f : config.prepost->files) {
      tables.push_back(read_prepost_csv(f, *pseudonymise, config.prepost->columns, config.prepost->options, read_context));
    }
    parts.push_back(estimate_prepost(merge(std::move(tables)).view(), config.prepost->options, read_context).estimates);
  }
  if (!config.estimates.empty()) {
    step("estimates");
    for (const auto& f : config.estimates) parts.push_back(Dataset::read_csv(f, read_context));
  }
  out.estimates = concat_all(parts);
  out.estimates.apply_suppression(config.suppression_threshold);

  step("pipeline");
  auto linked = link(internal_records(out.estimates), config, out.tree, config.poisson_counts);
  throw_if_problems<DataError>(linked.problems);
  const IndicatorSet& defs = out.tree.indicators();
  out.indicator_data = Dataset::from_records(
      linked.records, DataContext{defs.size() > 0 ? &defs : nullptr, &units, config.suppression_threshold},
      "linked estimates");
  for (const Node& node : out.tree.nodes()) {
    if (node.kind != NodeKind::indicator) continue;
    const std::string& id = node.id;
    if (std::find(out.indicator_data.indicators().begin(), out.indicator_data.indicators().end(), id) ==
        out.indicator_data.indicators().end()) {
      out.indicators_without_data.push_back(id);
    }
  }
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
  for (const auto& id : out.indicator_data.units()) {
    if (units.find(id) != nullptr) units.set_baseline(id, out.baseline);
  }
  out.result = run_pipeline(out.tree, out.indicator_data, out.spec, RunContext{nullptr, &units});

  step("compare");
  out.compare_nodes = config.compare.nodes;
  if (out.compare_nodes.empty()) {
    for (std::size_t j = 0; j < out.tree.size(); ++j) out.compare_nodes.push_back(out.tree.node(j).id);
  }
  const ScoreTable table = ScoreTable::from(out.result);
  KoploperOptions ko;
  ko.nodes = out.compare_nodes;
  ko.period = out.period;
  ko.level = config.compare.level;
  ko.baseline = out.baseline;
  ko.peers = config.compare.peers;
  ko.draws = config.compare.draws;
  ko.seed = config.compare.seed;
  out.koplopers = koploper_table(table, &units, ko);
  out.peers = config.compare.peers.list.empty() ? config.compare.peers.attribute
                                                : "list of " + std::to_string(config.compare.peers.list.size()) + " units";
  out.changes = compute_changes(table, &units, ChangeOptions{config.compare.level, 0.05, out.baseline});

  step("trends");
  for (const auto& unit : out.result.units()) {
    for (const auto& node : out.compare_nodes) {
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
  }

  step("signals");
  for (auto& s : evaluate_signals(out.result, out.rules, SignalContext{&out.indicator_data, &units, &out.spec})) {
    out.signals.push_back(MonitoringSignal{std::move(s), {}});
  }
  for (const auto& f : config.stories)
    for (auto& s : read_stories(f, units, out.tree)) out.stories.push_back(std::move(s));
  for (const auto& f : config.duiding)
    for (auto& a : read_duiding(f, units)) out.duiding.push_back(std::move(a));

  if (registrations && !registrations->breakdowns.empty()) {
    step("areas");
    auto areas = area_reach(*registrations, *config.registrations, out.estimates, units, config, reach);
    out.area_data = std::move(areas.data);
    out.area_units = std::move(areas.units);
    if (!out.area_data.empty()) {
      PipelineSpec raw;
      raw.normalise.method = Normalisation::none;
      const auto area_result = run_pipeline(out.tree, out.area_data, raw, RunContext{nullptr, &out.area_units});
      SignalRules reach_only = out.rules;
      reach_only.norm.enabled = false;
      reach_only.drop.enabled = false;
      reach_only.outlier.enabled = false;
      reach_only.data.enabled = false;
      std::vector<MonitoringSignal> area_signals;
      for (auto& s : evaluate_signals(area_result, reach_only, SignalContext{&out.area_data, &out.area_units})) {
        const Unit& sub = out.area_units.at(s.unit);
        MonitoringSignal m{std::move(s), {}};
        m.area = m.signal.unit.substr(sub.parent.size() + 1);
        m.signal.unit = sub.parent;
        area_signals.push_back(std::move(m));
      }
      out.signals.insert(out.signals.end(), area_signals.begin(), area_signals.end());
    }
  }
  std::stable_sort(out.signals.begin(), out.signals.end(), [](const MonitoringSignal& a, const MonitoringSignal& b) {
    return std::tie(a.signal.unit, a.signal.period, a.area) < std::tie(b.signal.unit, b.signal.period, b.area);
  });
  out.units = std::move(units);
  return out;
}

}  // namespace doelenboom
