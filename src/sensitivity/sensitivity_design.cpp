// The design of a sensitivity analysis: its factors, the edges whose weights vary, the key of
// every (run, factor) and how a run's choices follow from its keys; a run as a PipelineSpec and
// the sampling draws that make its data set.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "doelenboom/sensitivity.hpp"
#include "pipeline/pipeline_internal.hpp"
#include "sensitivity/sensitivity_internal.hpp"
#include "core/diagnostics.hpp"

namespace doelenboom::detail {

namespace {

SensitivityFactor factor(FactorKind kind, std::string name, std::string subject = {}, std::size_t alternatives = 0) {
  return SensitivityFactor{kind, std::move(name), std::move(subject), alternatives};
}

}  // namespace

Design make_design(const GoalTree& tree, const PipelineSpec& nominal, const SensitivitySpec& spec,
                   const std::vector<std::string>& data_indicators, const std::vector<char>& used) {
  Design d;
  d.spec = spec;
  d.sobol = spec.sobol;
  d.base_rows = spec.replications;
  d.data_indicators = data_indicators.size();

  // Weight noise: one factor per level entry and per node entry; a node's own entry beats its level's.
  std::vector<std::optional<std::size_t>> group(tree.size());
  for (const auto& [level, f] : spec.level_weight_noise) {
    const std::size_t k = d.factors.size();
    d.factors.push_back(factor(FactorKind::level_weights, "weights:level:" + level, level));
    for (const auto v : tree.nodes_at_level(level)) {
      if (tree.node(v).kind != NodeKind::indicator && !spec.node_weight_noise.contains(tree.node(v).id)) group[v] = k;
    }
  }
  for (const auto& [id, f] : spec.node_weight_noise) {
    group[tree.index_of(id)] = d.factors.size();
    d.factors.push_back(factor(FactorKind::node_weights, "weights:node:" + id, id));
  }
  d.factor_edges.assign(d.factors.size(), {});
  for (GoalTree::Index v = 0; v < tree.size(); ++v) {
    if (!group[v]) continue;
    const auto& kids = tree.children(v);
    const auto w = nominal.child_weights_of(tree, v);
    const auto& sub = d.factors[*group[v]];
    const double f = sub.kind == FactorKind::node_weights ? spec.node_weight_noise.at(sub.subject)
                                                          : spec.level_weight_noise.at(sub.subject);
    for (std::size_t j = 0; j < kids.size(); ++j) {
      d.factor_edges[*group[v]].push_back(d.edges.size());
      d.edges.push_back(VariedEdge{v, kids[j], j, w[j], f, *group[v]});
    }
  }

  // Weight sets: the union of the edges they name, each run's weight (nominal where unnamed).
  if (!spec.weight_sets.empty()) {
    std::vector<std::vector<char>> named(tree.size());
    for (const auto& set : spec.weight_sets) {
      for (const auto& [parent, children] : set) {
        const auto p = tree.index_of(parent);
        const auto& kids = tree.children(p);
        named[p].resize(kids.size(), 0);
        for (const auto& [child, x] : children) {
          const auto c = tree.index_of(child);
          named[p][static_cast<std::size_t>(std::find(kids.begin(), kids.end(), c) - kids.begin())] = 1;
        }
      }
    }
    std::vector<std::vector<std::size_t>> edge_of(tree.size());
    for (GoalTree::Index v = 0; v < tree.size(); ++v) {
      if (named[v].empty()) continue;
      const auto w = nominal.child_weights_of(tree, v);
      edge_of[v].assign(named[v].size(), 0);
      for (std::size_t j = 0; j < named[v].size(); ++j) {
        if (named[v][j] == 0) continue;
        edge_of[v][j] = d.edges.size();
        d.edges.push_back(VariedEdge{v, tree.children(v)[j], j, w[j], 0.0, 0});
      }
    }
    d.set_weights.resize(static_cast<Eigen::Index>(spec.weight_sets.size()), static_cast<Eigen::Index>(d.edges.size()));
    for (std::size_t e = 0; e < d.edges.size(); ++e) d.set_weights.col(static_cast<Eigen::Index>(e)).setConstant(d.edges[e].nominal);
    for (std::size_t r = 0; r < spec.weight_sets.size(); ++r) {
      for (const auto& [parent, children] : spec.weight_sets[r]) {
        const auto p = tree.index_of(parent);
        const auto& kids = tree.children(p);
        for (const auto& [child, x] : children) {
          const auto j = static_cast<std::size_t>(std::find(kids.begin(), kids.end(), tree.index_of(child)) - kids.begin());
          d.set_weights(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(edge_of[p][j])) = x;
        }
      }
    }
  }

  const auto discrete = [&](std::optional<std::size_t>& slot, std::size_t count, FactorKind kind, const char* name) {
    if (count == 0) return;
    slot = d.factors.size();
    d.factors.push_back(factor(kind, name, {}, count));
  };
  discrete(d.normalisation, spec.normalisations.size(), FactorKind::normalisation, "normalise");
  discrete(d.aggregation, spec.aggregations.size(), FactorKind::aggregation, "aggregate");
  discrete(d.imputation, spec.imputations.size(), FactorKind::imputation, "imputation");
  discrete(d.outliers, spec.outliers.size(), FactorKind::outliers, "outliers");
  if (!spec.leave_out.empty()) {
    discrete(d.leave_out, spec.leave_out.size() + 1, FactorKind::leave_out, "leave_out");
    for (const auto& id : spec.leave_out) d.leave_out_nodes.push_back(tree.index_of(id));
  }
  d.indicator_sampling.assign(data_indicators.size(), std::nullopt);
  if (spec.sampling == SamplingFactors::one) {
    d.sampling = d.factors.size();
    d.factors.push_back(factor(FactorKind::sampling, "sampling"));
  } else if (spec.sampling == SamplingFactors::per_indicator) {
    for (std::size_t i = 0; i < data_indicators.size(); ++i) {
      if (used[i] == 0) continue;
      d.indicator_sampling[i] = d.factors.size();
      d.factors.push_back(factor(FactorKind::indicator_sampling, "sampling:" + data_indicators[i], data_indicators[i]));
    }
  }
  d.runs = d.sobol ? d.base_rows * (d.factors.size() + 2) : d.base_rows;
  return d;
}

std::uint64_t Design::key(std::size_t run, std::size_t factor) const noexcept {
  std::size_t stream = run;
  if (sobol) {
    const std::size_t block = run / base_rows, row = run % base_rows;
    const bool from_b = block == 1 || (block >= 2 && block - 2 == factor);
    stream = from_b ? base_rows + row : row;
  }
  return stream_key(spec.seed, stream, factor);
}

void Design::decode(std::size_t run, ReplicationChoices& out) const {
  out.factor.reset();
  if (!sobol) {
    out.block = DesignBlock::monte_carlo;
    out.base_row = run;
  } else {
    const std::size_t block = run / base_rows;
    out.base_row = run % base_rows;
    out.block = block == 0 ? DesignBlock::a : block == 1 ? DesignBlock::b : DesignBlock::ab;
    if (block >= 2) out.factor = block - 2;
  }
  out.weights.resize(edges.size());
  if (set_weights.size() > 0) {
    for (std::size_t e = 0; e < edges.size(); ++e) {
      out.weights[e] = set_weights(static_cast<Eigen::Index>(run), static_cast<Eigen::Index>(e));
    }
  }
  for (std::size_t f = 0; f < factor_edges.size(); ++f) {
    SplitMix64 rng(key(run, f));
    for (const std::size_t e : factor_edges[f]) {
      const double h = edges[e].half_width;
      out.weights[e] = edges[e].nominal * (1.0 - h + 2.0 * h * rng.uniform());
    }
  }
  const auto pick = [&](const std::optional<std::size_t>& slot, std::optional<std::size_t>& choice) {
    choice.reset();
    if (slot) choice = SplitMix64(key(run, *slot)).index(factors[*slot].alternatives);
  };
  pick(normalisation, out.normalisation);
  pick(aggregation, out.aggregation);
  pick(imputation, out.imputation);
  pick(outliers, out.outliers);
  pick(leave_out, out.leave_out);
  if (out.leave_out) {  // alternative 0 is "none"
    out.leave_out = *out.leave_out == 0 ? std::nullopt : std::optional<std::size_t>(*out.leave_out - 1);
  }
  out.sampling_seeds.clear();
  if (sampling) out.sampling_seeds.push_back(key(run, *sampling));
  if (spec.sampling == SamplingFactors::per_indicator) {
    out.sampling_seeds.assign(data_indicators, 0);
    for (std::size_t i = 0; i < data_indicators; ++i) {
      if (indicator_sampling[i]) out.sampling_seeds[i] = key(run, *indicator_sampling[i]);
    }
  }
}

PipelineSpec replication_spec(const GoalTree& tree, const PipelineSpec& nominal, const Design& design,
                              const ReplicationChoices& c) {
  PipelineSpec spec = nominal;
  const SensitivitySpec& s = design.spec;
  if (c.normalisation) spec.normalise = s.normalisations[*c.normalisation];
  if (c.aggregation) spec.aggregate.method = s.aggregations[*c.aggregation];
  if (c.imputation) spec.treatment.imputation = s.imputations[*c.imputation];
  if (c.outliers) spec.treatment.outliers = s.outliers[*c.outliers];
  for (std::size_t e = 0; e < design.edges.size(); ++e) {
    const auto& edge = design.edges[e];
    spec.weight_overrides[tree.node(edge.parent).id][tree.node(edge.child).id] = c.weights[e];
  }
  if (c.leave_out) {
    const auto v = design.leave_out_nodes[*c.leave_out];
    for (const auto p : tree.parents(v)) spec.weight_overrides[tree.node(p).id][tree.node(v).id] = 0.0;
  }
  return spec;
}

std::string describe_choices(const GoalTree& tree, const Design& design, const ReplicationChoices& c) {
  const SensitivitySpec& s = design.spec;
  std::vector<std::string> parts;
  if (c.normalisation) parts.push_back("normalise " + std::string(to_string(s.normalisations[*c.normalisation].method)));
  if (c.aggregation) parts.push_back("aggregate " + std::string(to_string(s.aggregations[*c.aggregation])));
  if (c.imputation) parts.push_back("imputation " + std::string(to_string(s.imputations[*c.imputation])));
  if (c.outliers) parts.push_back("outliers " + std::string(to_string(s.outliers[*c.outliers])));
  if (c.leave_out) parts.push_back("leave out " + squote(tree.node(design.leave_out_nodes[*c.leave_out]).id));
  if (!c.weights.empty()) parts.push_back("varied weights");
  if (!c.sampling_seeds.empty()) parts.push_back("sampling draws");
  return join_words(parts);
}

void for_each_draw(const Dataset& data, const std::vector<char>& used, const Design& design, const ReplicationChoices& c,
                   const std::function<void(std::size_t, double)>& perturb) {
  if (c.sampling_seeds.empty()) return;
  const int* indicator = data.indicator_codes().data();
  const std::size_t size = data.size();
  if (design.spec.sampling == SamplingFactors::one) {
    SplitMix64 rng(c.sampling_seeds.front());
    for (std::size_t k = 0; k < size; ++k) {
      if (used[static_cast<std::size_t>(indicator[k])] != 0) perturb(k, rng.normal());
    }
    return;
  }
  std::vector<SplitMix64> rng;
  rng.reserve(c.sampling_seeds.size());
  for (const auto seed : c.sampling_seeds) rng.emplace_back(seed);
  for (std::size_t k = 0; k < size; ++k) {
    const auto i = static_cast<std::size_t>(indicator[k]);
    if (used[i] != 0) perturb(k, rng[i].normal());
  }
}

}  // namespace doelenboom::detail
