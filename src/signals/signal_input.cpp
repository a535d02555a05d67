// The facts the signal rules read (signal_input.hpp), gathered once per evaluation, and the list
// the rules add their signals to.

#include "signals/signal_input.hpp"

#include "doelenboom/stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace doelenboom::detail::signals {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

SignalInput::SignalInput(const PipelineResult& result, const SignalRules& rules, const SignalContext& context)
    : r_(result), rules_(rules), ctx_(context), tree_(result.tree()), nu_(result.units().size()),
      np_(result.periods().size()), nn_(tree_.size()) {
  describe_nodes();
  index_units();
  if (ctx_.data != nullptr) index_dataset();
  else index_audit();
  mark_hidden();
  bases_ = r_.bases();
}

void SignalInput::describe_nodes() {
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

void SignalInput::index_units() {
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

void SignalInput::index_dataset() {
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

void SignalInput::index_audit() {
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

void SignalInput::mark_hidden() {
  const std::size_t rows = r_.rows();
  hidden_.assign(rows * nn_, 0);
  for (const auto j : tree_.topological_order()) {
    for (std::size_t row = 0; row < rows; ++row) {
      std::uint8_t h = 0;
      if (nodes_[j].indicator) {
        h = static_cast<std::uint8_t>(r_.suppressed(j, row) ||
                                      (ctx_.data != nullptr && suppressed_[cell(row, j)] != 0));
      } else {
        for (const auto child : tree_.children(j)) h = static_cast<std::uint8_t>(h | hidden_[cell(row, child)]);
      }
      hidden_[cell(row, j)] = h;
    }
  }
}

double SignalInput::value(std::size_t row, std::size_t j) const {
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

double SignalInput::raw_value(std::size_t row, std::size_t j) const {
  if (hidden_[cell(row, j)] != 0) return nan;
  const std::size_t k = cell(row, j);
  if (ctx_.data != nullptr) return measured_[k] != 0 && suppressed_[k] == 0 ? raw_[k] : nan;
  if (untreated_[k] != 0) return raw_[k];
  return r_.treated()(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j));
}

double SignalInput::n_of(std::size_t row, std::size_t j) const {
  return ctx_.data != nullptr ? n_[cell(row, j)] : nan;
}

double SignalInput::se_of(std::size_t row, std::size_t j, double x) const {
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
  if (nodes_[j].measure == Measure::proportion && std::isfinite(n) && n > 0) return stats::share_standard_error(x, n);
  return nan;
}

std::string SignalInput::peer_key(std::size_t u) const {
  const std::string& attr = rules_.outlier.peer_group;
  if (attr == "all" || unit_defs_[u] == nullptr) return {};
  return unit_defs_[u]->attribute(attr).value_or(std::string());
}

Signal& SignalList::add(std::size_t u, std::size_t p, std::size_t node, SignalRule rule, Severity severity) {
  Keyed k{u, p, node, Signal{}};
  k.signal.unit = in_.result().units()[u];
  k.signal.period = in_.result().periods()[p];
  if (node < in_.nodes()) k.signal.node = in_.tree().node(node).id;
  k.signal.rule = rule;
  k.signal.severity = severity;
  out_.push_back(std::move(k));
  return out_.back().signal;
}

std::vector<Signal> SignalList::sorted() && {
  std::stable_sort(out_.begin(), out_.end(), [](const Keyed& a, const Keyed& b) {
    return std::tie(a.unit, a.period, a.node, a.signal.rule) < std::tie(b.unit, b.period, b.node, b.signal.rule);
  });
  std::vector<Signal> signals;
  signals.reserve(out_.size());
  for (auto& k : out_) signals.push_back(std::move(k.signal));
  return signals;
}

}  // namespace doelenboom::detail::signals
