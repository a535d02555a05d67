// Evaluation of the signal rules over a PipelineResult (docs/signals.md has every formula).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/math/distributions/poisson.hpp>

#include "doelenboom/signals.hpp"

namespace doelenboom {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

enum class Lang { nl, en };

// ---------------------------------------------------------------------------------------------
// Number formatting for the sentences: Dutch uses a decimal comma.

std::string trim_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  std::string s = trim_zeros(buf);
  if (s == "-0") s = "0";
  return s;
}

std::string localise(std::string s, Lang lang) {
  if (lang == Lang::nl) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

/// A plain number: whole numbers without decimals, else at most 2 (1 from 100 on).
std::string plain(double x, Lang lang) {
  const int decimals = std::fabs(x) >= 100 ? 0 : (std::fabs(x) >= 10 ? 1 : 2);
  return localise(fixed(x, decimals), lang);
}

std::string p_text(double p, Lang lang) {
  if (p < 0.001) return localise("p < 0.001", lang);
  return localise("p = " + fixed(p, 3), lang);
}

std::string z_text(double z, Lang lang) { return localise(fixed(z, 2), lang); }

/// A denominator scale with thousands grouped: "1.000" (nl), "1,000" (en); others as plain numbers.
std::string scale_text(double scale, Lang lang) {
  if (scale == std::floor(scale) && std::fabs(scale) < 1e15) {
    std::string digits = fixed(std::fabs(scale), 0);
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
      digits.insert(static_cast<std::size_t>(i), 1, lang == Lang::nl ? '.' : ',');
    }
    return (scale < 0 ? "-" : "") + digits;
  }
  return localise(trim_zeros(fixed(scale, 6)), lang);
}

/// "per 1.000 inwoners" / "per 1,000 inhabitants" for a treatment that divides by a unit
/// attribute; empty without a denominator.
std::string per_text(const Treatment& t, Lang lang) {
  if (t.denominator.empty()) return {};
  const bool one = t.denominator_scale == 1.0;
  std::string what = t.denominator;
  if (t.denominator == "population") {
    what = lang == Lang::nl ? (one ? "inwoner" : "inwoners") : (one ? "inhabitant" : "inhabitants");
  } else if (t.denominator == "land_area_km2") {
    what = "km²";
  }
  return "per " + (one ? std::string() : scale_text(t.denominator_scale, lang) + " ") + what;
}

/// How the values of one node read in a sentence.
struct NodeInfo {
  GoalTree::Index index = 0;
  bool indicator = false;
  int direction = 1;  ///< +1 higher is better (goal scores always)
  Measure measure = Measure::count;
  bool reach_count = false;
  std::optional<double> norm;
  std::string label, unit_text;
  /// The denominator of the treatment ("per 1.000 inwoners"), empty when the value is not divided.
  std::string per_nl, per_en;
  const NodeRules* settings = nullptr;

  [[nodiscard]] bool disabled(std::string_view rule) const { return settings != nullptr && settings->disables(rule); }

  /// The value with its unit: "12 cliënten", "72%", "score 61,3", "3,5 uren per 1.000 inwoners"
  /// (a treated value divided by a denominator); `raw`: a value before treatment, without it.
  [[nodiscard]] std::string value(double x, Lang lang, bool raw = false) const {
    if (!indicator) return "score " + localise(fixed(x, 1), lang);
    const std::string& per = lang == Lang::nl ? per_nl : per_en;
    if (measure == Measure::proportion && (raw || per.empty())) return localise(fixed(100.0 * x, 1), lang) + "%";
    std::string out = plain(x, lang) + (unit_text.empty() || unit_text == "%" ? unit_text : " " + unit_text);
    if (!raw && !per.empty()) out += " " + per;
    return out;
  }
  /// A difference of two values: percentage points for proportions.
  [[nodiscard]] std::string difference(double d, Lang lang) const {
    if (indicator && measure == Measure::proportion) {
      return localise(fixed(100.0 * d, 1), lang) + (lang == Lang::nl ? " procentpunt" : " percentage points");
    }
    return indicator ? value(d, lang) : localise(fixed(d, 1), lang);
  }
};

std::string peer_name(const std::string& attribute, Lang lang) {
  if (attribute == "size_class") return lang == Lang::nl ? "grootteklasse" : "size class";
  if (attribute == "province") return lang == Lang::nl ? "provincie" : "province";
  return attribute;
}

class Evaluator {
 public:
  Evaluator(const PipelineResult& result, const SignalRules& rules, const SignalContext& context)
      : r_(result), rules_(rules), ctx_(context), tree_(result.tree()), nu_(result.units().size()),
        np_(result.periods().size()), nn_(tree_.size()) {
    describe_nodes();
    index_units();
    if (ctx_.data != nullptr) index_dataset();
    else index_audit();
    mark_hidden();
  }

  std::vector<Signal> run() {
    if (rules_.norm.enabled) norm_rule();
    if (rules_.drop.enabled) drop_rule();
    if (rules_.reach.enabled) reach_rule();
    if (rules_.outlier.enabled) outlier_rule();
    if (rules_.data.enabled) data_rule();
    std::stable_sort(out_.begin(), out_.end(), [](const Keyed& a, const Keyed& b) {
      return std::tie(a.unit, a.period, a.node, a.signal.rule) < std::tie(b.unit, b.period, b.node, b.signal.rule);
    });
    std::vector<Signal> signals;
    signals.reserve(out_.size());
    for (auto& k : out_) signals.push_back(std::move(k.signal));
    return signals;
  }

 private:
  struct Keyed {
    std::size_t unit, period, node;
    Signal signal;
  };

  const PipelineResult& r_;
  const SignalRules& rules_;
  const SignalContext& ctx_;
  const GoalTree& tree_;
  std::size_t nu_, np_, nn_;
  std::vector<NodeInfo> nodes_;
  std::vector<std::string> unit_names_;
  std::vector<const Unit*> unit_defs_;
  std::vector<std::size_t> baseline_;  ///< per unit: period index of the baseline
  // Per (row, node) from the dataset: measured (a row exists), suppressed, n, se, raw value.
  std::vector<std::uint8_t> measured_, suppressed_;
  std::vector<double> n_, se_, raw_;
  // Without a Dataset, per (row, node): 1 when raw_ holds the value before treatment (from the audit).
  std::vector<std::uint8_t> untreated_;
  // Per (row, node): a suppressed indicator cell, or a goal with one below it.
  std::vector<std::uint8_t> hidden_;
  std::vector<Keyed> out_;

  [[nodiscard]] std::size_t cell(std::size_t row, std::size_t node) const { return row * nn_ + node; }

  void describe_nodes() {
    const IndicatorSet& defs = tree_.indicators();
    nodes_.resize(nn_);
    for (std::size_t j = 0; j < nn_; ++j) {
      const Node& node = tree_.node(j);
      NodeInfo& info = nodes_[j];
      info.index = j;
      info.label = node.label;
      info.indicator = node.kind == NodeKind::indicator;
      info.direction = info.indicator && node.direction < 0 ? -1 : 1;
      if (const auto* d = defs.find(node.id); d != nullptr && info.indicator) {
        info.measure = d->measure;
        info.norm = d->norm;
        info.unit_text = d->unit_text;
        info.reach_count = d->pillar == Pillar::reach && d->measure == Measure::count;
        if (ctx_.spec != nullptr) {
          const Treatment t = ctx_.spec->treatment_of(tree_, j);
          info.per_nl = per_text(t, Lang::nl);
          info.per_en = per_text(t, Lang::en);
        }
      } else {
        info.measure = Measure::mean;  // unknown: a plain number
      }
      if (const auto it = rules_.nodes.find(node.id); it != rules_.nodes.end()) {
        info.settings = &it->second;
        if (it->second.norm) info.norm = it->second.norm;
      }
    }
  }

  void index_units() {
    unit_names_.resize(nu_);
    unit_defs_.assign(nu_, nullptr);
    baseline_.assign(nu_, 0);
    for (std::size_t u = 0; u < nu_; ++u) {
      const std::string& id = r_.units()[u];
      unit_names_[u] = id;
      if (ctx_.units == nullptr) continue;
      const Unit* unit = ctx_.units->find(id);
      if (unit == nullptr) continue;
      unit_defs_[u] = unit;
      if (!unit->name.empty()) unit_names_[u] = unit->name;
      if (unit->baseline) {
        const auto& ps = r_.periods();
        if (const auto it = std::find(ps.begin(), ps.end(), *unit->baseline); it != ps.end()) {
          baseline_[u] = static_cast<std::size_t>(it - ps.begin());
        }
      }
    }
  }

  void index_dataset() {
    const Dataset& d = *ctx_.data;
    const std::size_t cells = r_.rows() * nn_;
    measured_.assign(cells, 0);
    suppressed_.assign(cells, 0);
    n_.assign(cells, nan);
    se_.assign(cells, nan);
    raw_.assign(cells, nan);
    std::unordered_map<std::string, std::size_t> unit_index;
    for (std::size_t u = 0; u < nu_; ++u) unit_index.emplace(r_.units()[u], u);
    std::vector<std::ptrdiff_t> unit_of(d.units().size(), -1), period_of(d.periods().size(), -1),
        node_of(d.indicators().size(), -1);
    for (std::size_t k = 0; k < d.units().size(); ++k) {
      if (const auto it = unit_index.find(d.units()[k]); it != unit_index.end()) unit_of[k] = static_cast<std::ptrdiff_t>(it->second);
    }
    for (std::size_t k = 0; k < d.periods().size(); ++k) {
      const auto& ps = r_.periods();
      if (const auto it = std::find(ps.begin(), ps.end(), d.periods()[k]); it != ps.end()) period_of[k] = it - ps.begin();
    }
    for (std::size_t k = 0; k < d.indicators().size(); ++k) {
      if (const auto j = tree_.find(d.indicators()[k])) node_of[k] = static_cast<std::ptrdiff_t>(*j);
    }
    for (std::size_t i = 0; i < d.size(); ++i) {
      const auto e = static_cast<Eigen::Index>(i);
      const auto u = unit_of[static_cast<std::size_t>(d.unit_codes()[e])];
      const auto p = period_of[static_cast<std::size_t>(d.period_codes()[e])];
      const auto j = node_of[static_cast<std::size_t>(d.indicator_codes()[e])];
      if (u < 0 || p < 0 || j < 0) continue;
      const std::size_t c = cell(r_.row(static_cast<std::size_t>(u), static_cast<std::size_t>(p)), static_cast<std::size_t>(j));
      measured_[c] = 1;
      suppressed_[c] = d.suppressed()[i];
      if (d.suppressed()[i] == 0) {
        n_[c] = d.n()[e];
        se_[c] = d.se()[e];
        raw_[c] = d.values()[e];
      }
    }
  }

  /// Without a Dataset: the value of each treated cell before treatment, from the result's audit
  /// (the old value of the cell's first entry: denominate, impute and outliers run in that order;
  /// NaN for an imputed cell, which was not measured).
  void index_audit() {
    const std::size_t cells = r_.rows() * nn_;
    raw_.assign(cells, nan);
    untreated_.assign(cells, 0);
    std::unordered_map<std::string, std::size_t> unit_index;
    for (std::size_t u = 0; u < nu_; ++u) unit_index.emplace(r_.units()[u], u);
    const auto& ps = r_.periods();
    for (const AuditEntry& a : r_.audit()) {
      const auto u = unit_index.find(a.unit);
      const auto p = std::find(ps.begin(), ps.end(), a.period);
      const auto j = tree_.find(a.indicator);
      if (u == unit_index.end() || p == ps.end() || !j) continue;
      const std::size_t c = cell(r_.row(u->second, static_cast<std::size_t>(p - ps.begin())), *j);
      if (untreated_[c] != 0) continue;
      untreated_[c] = 1;
      raw_[c] = a.old_value;
    }
  }

  /// Suppressed indicator cells (blank in the result while their coverage is 1, or flagged in the
  /// Dataset) and every goal above one in the same row: no signal uses them.
  void mark_hidden() {
    const std::size_t rows = r_.rows();
    hidden_.assign(rows * nn_, 0);
    for (const auto j : tree_.topological_order()) {
      const auto c = static_cast<Eigen::Index>(j);
      for (std::size_t row = 0; row < rows; ++row) {
        std::uint8_t h = 0;
        if (nodes_[j].indicator) {
          const auto r = static_cast<Eigen::Index>(row);
          h = static_cast<std::uint8_t>((std::isnan(r_.treated()(r, c)) && r_.coverage()(r, c) == 1.0) ||
                                        (ctx_.data != nullptr && suppressed_[cell(row, j)] != 0));
        } else {
          for (const auto child : tree_.children(j)) h = static_cast<std::uint8_t>(h | hidden_[cell(row, child)]);
        }
        hidden_[cell(row, j)] = h;
      }
    }
  }

  /// A value a signal may be computed from: indicators their treated value, measured and not
  /// suppressed (when a Dataset is given); goals their score.
  [[nodiscard]] double value(std::size_t row, std::size_t j) const {
    const auto r = static_cast<Eigen::Index>(row);
    const auto c = static_cast<Eigen::Index>(j);
    if (hidden_[cell(row, j)] != 0) return nan;
    if (!nodes_[j].indicator) return r_.scores()(r, c);
    if (ctx_.data != nullptr) {
      const std::size_t k = cell(row, j);
      if (measured_[k] == 0 || suppressed_[k] != 0) return nan;
    }
    return r_.treated()(r, c);
  }

  /// The raw (untreated) count of an indicator cell, for the reach rule: the Dataset's value when
  /// a Dataset is given (measured, not suppressed), else the value before treatment from the audit,
  /// else (treatment left the cell alone) the treated value. NaN when hidden or unknown.
  [[nodiscard]] double raw_value(std::size_t row, std::size_t j) const {
    if (hidden_[cell(row, j)] != 0) return nan;
    const std::size_t k = cell(row, j);
    if (ctx_.data != nullptr) return measured_[k] != 0 && suppressed_[k] == 0 ? raw_[k] : nan;
    if (untreated_[k] != 0) return raw_[k];
    return r_.treated()(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j));
  }

  [[nodiscard]] double n_of(std::size_t row, std::size_t j) const { return ctx_.data != nullptr ? n_[cell(row, j)] : nan; }

  /// Standard error of value(row, j): the score's for goals; for indicators the estimate's (scaled
  /// as treatment scaled the value), else from the measure (count: sqrt(value); proportion with
  /// n: sqrt(p(1-p)/n)); NaN when unknown.
  [[nodiscard]] double se_of(std::size_t row, std::size_t j, double x) const {
    if (!nodes_[j].indicator) return r_.standard_errors()(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j));
    if (ctx_.data != nullptr) {
      const std::size_t k = cell(row, j);
      if (std::isfinite(se_[k])) {
        const double raw = raw_[k];
        const double scale = std::isfinite(raw) && raw != 0.0 ? std::fabs(x / raw) : 1.0;
        return se_[k] * scale;
      }
    }
    if (nodes_[j].measure == Measure::count) return std::sqrt(std::max(x, 0.0));
    const double n = n_of(row, j);
    if (nodes_[j].measure == Measure::proportion && std::isfinite(n) && n > 0) return std::sqrt(std::max(x * (1 - x), 0.0) / n);
    return nan;
  }

  Signal& add(std::size_t u, std::size_t p, std::size_t node, SignalRule rule, Severity severity) {
    Keyed k{u, p, node, Signal{}};
    k.signal.unit = r_.units()[u];
    k.signal.period = r_.periods()[p];
    if (node < nn_) k.signal.node = tree_.node(node).id;
    k.signal.rule = rule;
    k.signal.severity = severity;
    out_.push_back(std::move(k));
    return out_.back().signal;
  }

  [[nodiscard]] std::string period(std::size_t p) const { return r_.periods()[p].to_string(); }

  // ---- (a) norm ------------------------------------------------------------------------------
  void norm_rule() {
    for (const NodeInfo& info : nodes_) {
      if (!info.indicator || !info.norm || info.disabled("norm")) continue;
      const double norm = *info.norm;
      for (std::size_t u = 0; u < nu_; ++u) {
        for (std::size_t p = 0; p < np_; ++p) {
          const std::size_t row = r_.row(u, p);
          const double x = value(row, info.index);
          if (!std::isfinite(x)) continue;
          const bool beyond = info.direction > 0 ? x < norm : x > norm;
          if (!beyond) continue;
          const double diff = x - norm;
          const bool alert = std::fabs(diff) >= rules_.norm.alert_distance * std::fabs(norm);
          Signal& s = add(u, p, info.index, SignalRule::norm, alert ? Severity::alert : Severity::warning);
          s.value = x;
          s.reference = norm;
          s.difference = diff;
          s.n = n_of(row, info.index);
          const bool below = info.direction > 0;
          s.message_nl = info.label + " in " + unit_names_[u] + " is in " + period(p) + " " + info.value(x, Lang::nl) +
                         ", " + (below ? "onder" : "boven") + " de norm van " + info.value(norm, Lang::nl) +
                         " (verschil " + info.difference(diff, Lang::nl) + ").";
          s.message_en = info.label + " in " + unit_names_[u] + " was " + info.value(x, Lang::en) + " in " + period(p) +
                         ", " + (below ? "below" : "above") + " the norm of " + info.value(norm, Lang::en) +
                         " (difference " + info.difference(diff, Lang::en) + ").";
        }
      }
    }
  }

  // ---- (b) drop since baseline / previous period ----------------------------------------------
  void drop_one(std::size_t u, std::size_t p, std::size_t ref, const NodeInfo& info, bool baseline) {
    const std::size_t row = r_.row(u, p), ref_row = r_.row(u, ref);
    const double x = value(row, info.index), y = value(ref_row, info.index);
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    const double diff = x - y;
    if (info.direction * diff >= 0) return;  // not worse
    const double se = std::hypot(se_of(row, info.index, x), se_of(ref_row, info.index, y));
    if (!std::isfinite(se) || se <= 0) return;
    const double z = diff / se;
    const double pv = std::erfc(std::fabs(z) / std::sqrt(2.0));
    if (!(pv < rules_.drop.alpha)) return;
    Signal& s = add(u, p, info.index, baseline ? SignalRule::drop_baseline : SignalRule::drop_previous,
                    pv < rules_.drop.alpha / 10 ? Severity::alert : Severity::warning);
    s.value = x;
    s.reference = y;
    s.difference = diff;
    s.statistic = z;
    s.p_value = pv;
    s.n = n_of(row, info.index);
    const bool fell = diff < 0;
    const std::string ref_nl = baseline ? "bij de nulmeting (" + period(ref) + ")" : "in " + period(ref);
    const std::string ref_en = baseline ? "at the baseline (" + period(ref) + ")" : "in " + period(ref);
    s.message_nl = info.label + " in " + unit_names_[u] + " is in " + period(p) + " " + (fell ? "gedaald" : "gestegen") +
                   " naar " + info.value(x, Lang::nl) + ", tegen " + info.value(y, Lang::nl) + " " + ref_nl +
                   (fell ? "" : " (lager is hier beter)") + "; dat is meer dan toeval (z = " + z_text(z, Lang::nl) + ", " +
                   p_text(pv, Lang::nl) + ").";
    s.message_en = info.label + " in " + unit_names_[u] + " " + (fell ? "fell" : "rose") + " to " + info.value(x, Lang::en) +
                   " in " + period(p) + ", from " + info.value(y, Lang::en) + " " + ref_en +
                   (fell ? "" : " (lower is better here)") + "; more than chance (z = " + z_text(z, Lang::en) + ", " +
                   p_text(pv, Lang::en) + ").";
  }

  void drop_rule() {
    for (const NodeInfo& info : nodes_) {
      if ((!info.indicator && !rules_.drop.goals) || info.disabled("drop")) continue;
      for (std::size_t u = 0; u < nu_; ++u) {
        const std::size_t b = baseline_[u];
        for (std::size_t p = 0; p < np_; ++p) {
          if (rules_.drop.baseline && p > b) drop_one(u, p, b, info, true);
          if (rules_.drop.previous && p >= 1 && !(rules_.drop.baseline && p - 1 == b)) drop_one(u, p, p - 1, info, false);
        }
      }
    }
  }

  // ---- (c) reach vanished or far below expectation --------------------------------------------
  [[nodiscard]] std::string peer_key(std::size_t u) const {
    const std::string& attr = rules_.outlier.peer_group;
    if (attr == "all" || unit_defs_[u] == nullptr) return {};
    return unit_defs_[u]->attribute(attr).value_or(std::string());
  }

  void reach_rule() {
    std::vector<std::string> keys(nu_);
    for (std::size_t u = 0; u < nu_; ++u) keys[u] = peer_key(u);
    const auto population = [&](std::size_t u) {
      return unit_defs_[u] != nullptr ? unit_defs_[u]->population : nan;
    };
    for (const NodeInfo& info : nodes_) {
      // A count whose fall is good (direction -1, e.g. a lead time filed under bereik) is no reach.
      if (!info.reach_count || info.direction < 0 || info.disabled("reach")) continue;
      const std::size_t j = info.index;
      for (std::size_t u = 0; u < nu_; ++u) {
        double sum = 0;
        std::size_t count = 0;
        bool had = false;
        for (std::size_t p = 0; p < np_; ++p) {
          const std::size_t row = r_.row(u, p);
          const double x = raw_value(row, j);
          if (std::isfinite(x) && count > 0 && had) evaluate_reach(u, p, info, x, sum / static_cast<double>(count), keys, population);
          if (std::isfinite(x)) {
            sum += x;
            ++count;
            had = had || x > 0;
          }
        }
      }
    }
  }

  template <class Population>
  void evaluate_reach(std::size_t u, std::size_t p, const NodeInfo& info, double x, double own_expected,
                      const std::vector<std::string>& keys, const Population& population) {
    double expected = own_expected;
    bool from_peers = false;
    if (rules_.reach.reference == ReachReference::peers && std::isfinite(population(u)) && population(u) > 0) {
      double counts = 0, inhabitants = 0;
      for (std::size_t v = 0; v < nu_; ++v) {
        if (v == u || keys[v] != keys[u]) continue;
        const double y = raw_value(r_.row(v, p), info.index);
        const double pop = population(v);
        if (!std::isfinite(y) || !std::isfinite(pop) || pop <= 0) continue;
        counts += y;
        inhabitants += pop;
      }
      if (inhabitants > 0 && counts > 0) {
        expected = counts / inhabitants * population(u);
        from_peers = true;
      }
    }
    if (!(expected > 0) || !(x < expected)) return;
    const double k = std::floor(std::max(x, 0.0));
    const double pv = boost::math::cdf(boost::math::poisson_distribution<double>(expected), k);
    const bool vanished = x == 0.0;
    if (!vanished && !(pv < rules_.reach.alpha)) return;
    const Severity sev = vanished ? (pv < rules_.reach.alpha ? Severity::alert : Severity::warning)
                                  : (pv < rules_.reach.alpha / 10 ? Severity::alert : Severity::warning);
    Signal& s = add(u, p, info.index, SignalRule::reach, sev);
    s.value = x;
    s.reference = expected;
    s.difference = x - expected;
    s.p_value = pv;
    s.n = n_of(r_.row(u, p), info.index);
    const std::string& name = unit_names_[u];
    const std::string src_nl = from_peers ? "op grond van het inwonertal en vergelijkbare gemeenten"
                                          : "op grond van eerdere perioden";
    const std::string src_en = from_peers ? "from its population and comparable municipalities" : "from earlier periods";
    if (vanished) {
      s.message_nl = info.label + " in " + name + " is in " + period(p) + " weggevallen: 0, terwijl er eerder wel bereik was (verwacht " +
                     info.value(expected, Lang::nl, true) + " " + src_nl + "; " + p_text(pv, Lang::nl) + ").";
      s.message_en = info.label + " in " + name + " vanished in " + period(p) + ": 0, after reach before (expected " +
                     info.value(expected, Lang::en, true) + " " + src_en + "; " + p_text(pv, Lang::en) + ").";
    } else {
      s.message_nl = info.label + " in " + name + " is in " + period(p) + " gedaald naar " + info.value(x, Lang::nl, true) + ", tegen " +
                     info.value(expected, Lang::nl, true) + " verwacht " + src_nl + "; dat is meer dan toeval (" +
                     p_text(pv, Lang::nl) + ").";
      s.message_en = info.label + " in " + name + " fell to " + info.value(x, Lang::en, true) + " in " + period(p) + ", against " +
                     info.value(expected, Lang::en, true) + " expected " + src_en + "; more than chance (" + p_text(pv, Lang::en) + ").";
    }
  }

  // ---- (d) outlier against peers ---------------------------------------------------------------
  static double median(std::vector<double>& v) {
    const std::size_t m = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
    const double hi = v[m];
    if (v.size() % 2 == 1) return hi;
    return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)));
  }

  void outlier_rule() {
    // Peer groups: units by the value of the attribute.
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t u = 0; u < nu_; ++u) groups[peer_key(u)].push_back(u);
    const std::string& attr = rules_.outlier.peer_group;
    std::vector<double> xs, dev;
    for (const NodeInfo& info : nodes_) {
      if ((!info.indicator && !rules_.outlier.goals) || info.disabled("outlier")) continue;
      for (std::size_t p = 0; p < np_; ++p) {
        for (const auto& [key, members] : groups) {
          xs.clear();
          for (const std::size_t u : members) {
            const double x = value(r_.row(u, p), info.index);
            if (std::isfinite(x)) xs.push_back(x);
          }
          if (xs.size() < static_cast<std::size_t>(rules_.outlier.min_peers)) continue;
          const double size = static_cast<double>(xs.size());
          dev = xs;
          const double med = median(dev);
          dev = xs;
          for (double& d : dev) d = std::fabs(d - med);
          const double mad = median(dev);
          if (!(mad > 0)) continue;
          for (const std::size_t u : members) {
            const double x = value(r_.row(u, p), info.index);
            if (!std::isfinite(x)) continue;
            const double z = (x - med) / (1.4826 * mad);
            if (!(std::fabs(z) > rules_.outlier.threshold)) continue;
            const bool worse = info.direction * z < 0;
            Signal& s = add(u, p, info.index, SignalRule::outlier, worse ? Severity::warning : Severity::info);
            s.value = x;
            s.reference = med;
            s.difference = x - med;
            s.statistic = z;
            s.n = size;
            const std::string group_nl = attr == "all" || key.empty() ? "alle eenheden" : peer_name(attr, Lang::nl) + " " + key;
            const std::string group_en = attr == "all" || key.empty() ? "all units" : peer_name(attr, Lang::en) + " " + key;
            s.message_nl = info.label + " in " + unit_names_[u] + " wijkt in " + period(p) + " sterk af van vergelijkbare eenheden (" +
                           group_nl + "): " + info.value(x, Lang::nl) + " tegen een mediaan van " + info.value(med, Lang::nl) +
                           " (robuuste z = " + z_text(z, Lang::nl) + ", " + fixed(size, 0) + " eenheden).";
            s.message_en = info.label + " in " + unit_names_[u] + " stands out from comparable units (" + group_en + ") in " +
                           period(p) + ": " + info.value(x, Lang::en) + " against a median of " + info.value(med, Lang::en) +
                           " (robust z = " + z_text(z, Lang::en) + ", " + fixed(size, 0) + " units).";
          }
        }
      }
    }
  }

  // ---- (e) too little data -----------------------------------------------------------------------
  void data_rule() {
    const double min_cov = rules_.data.min_coverage;
    for (const auto root : tree_.roots()) {
      const NodeInfo& info = nodes_[root];
      if (info.disabled("data")) continue;
      for (std::size_t u = 0; u < nu_; ++u) {
        for (std::size_t p = 0; p < np_; ++p) {
          const auto row = static_cast<Eigen::Index>(r_.row(u, p));
          const double cov = r_.coverage()(row, static_cast<Eigen::Index>(root));
          if (!std::isfinite(cov) || !(cov < min_cov)) continue;
          const bool missing = !std::isfinite(r_.scores()(row, static_cast<Eigen::Index>(root)));
          Signal& s = add(u, p, root, SignalRule::coverage, missing ? Severity::warning : Severity::info);
          s.value = cov;
          s.reference = min_cov;
          s.difference = cov - min_cov;
          const std::string pc_nl = localise(fixed(100 * cov, 1), Lang::nl) + "%", pc_en = fixed(100 * cov, 1) + "%";
          const std::string th_nl = localise(fixed(100 * min_cov, 1), Lang::nl) + "%", th_en = fixed(100 * min_cov, 1) + "%";
          s.message_nl = "Voor " + info.label + " in " + unit_names_[u] + " zijn in " + period(p) + " te weinig gegevens: de dekking is " +
                         pc_nl + ", minder dan " + th_nl + (missing ? "; er is geen score." : ".");
          s.message_en = "Too little data for " + info.label + " in " + unit_names_[u] + " in " + period(p) + ": coverage is " + pc_en +
                         ", below " + th_en + (missing ? "; there is no score." : ".");
        }
      }
    }
    if (ctx_.data == nullptr) return;
    const double max_share = rules_.data.max_suppressed_share;
    for (std::size_t u = 0; u < nu_; ++u) {
      for (std::size_t p = 0; p < np_; ++p) {
        const std::size_t row = r_.row(u, p);
        std::size_t cells = 0, hidden = 0;
        for (std::size_t j = 0; j < nn_; ++j) {
          if (!nodes_[j].indicator || nodes_[j].disabled("data")) continue;
          cells += measured_[cell(row, j)];
          hidden += suppressed_[cell(row, j)];
        }
        if (cells == 0) continue;
        const double share = static_cast<double>(hidden) / static_cast<double>(cells);
        if (!(share > max_share)) continue;
        Signal& s = add(u, p, nn_, SignalRule::suppressed, Severity::warning);
        s.value = share;
        s.reference = max_share;
        s.difference = share - max_share;
        s.n = static_cast<double>(cells);
        const std::string k = std::to_string(hidden), m = std::to_string(cells);
        s.message_nl = "In " + unit_names_[u] + " zijn in " + period(p) + " " + k + " van de " + m +
                       " indicatorwaarden afgeschermd wegens kleine aantallen (" + localise(fixed(100 * share, 1), Lang::nl) +
                       "%, meer dan " + localise(fixed(100 * max_share, 1), Lang::nl) + "%).";
        s.message_en = "In " + unit_names_[u] + ", " + k + " of " + m + " indicator values in " + period(p) +
                       " are suppressed for small numbers (" + fixed(100 * share, 1) + "%, more than " +
                       fixed(100 * max_share, 1) + "%).";
      }
    }
  }
};

}  // namespace

std::vector<Signal> evaluate_signals(const PipelineResult& result, const SignalRules& rules, const SignalContext& context) {
  throw_if_problems<ParseError>(rules.check(result.tree()));
  return Evaluator(result, rules, context).run();
}

}  // namespace doelenboom
