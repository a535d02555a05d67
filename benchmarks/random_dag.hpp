#pragma once
// Deterministic random layered DAGs for the benchmarks: `levels` levels, the bottom one indicators,
// every node below the top with one to three parents on the level above.
#include <algorithm>
#include <random>
#include <tuple>
#include <string>

#include "doelenboom/goal_tree.hpp"

namespace doelenboom::bench {

inline TreeDefinition random_dag(std::size_t nodes, std::size_t levels = 5, unsigned seed = 7) {
  TreeDefinition d;
  d.name = "random DAG";
  for (std::size_t l = 0; l + 1 < levels; ++l) d.levels.push_back("niveau " + std::to_string(l));
  d.levels.push_back("indicator");
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> weight(0.5, 3.0);
  // Level sizes grow geometrically downwards: 1, r, r^2, ... so that they add up to `nodes`.
  std::vector<std::size_t> size(levels, 1);
  std::size_t rest = nodes - 1;
  for (std::size_t l = 1; l < levels; ++l) {
    std::size_t share = (l + 1 == levels) ? rest : std::max<std::size_t>(1, rest / (1u << (levels - l)));
    size[l] = share;
    rest -= share;
  }
  std::vector<std::vector<std::string>> ids(levels);
  for (std::size_t l = 0; l < levels; ++l) {
    for (std::size_t k = 0; k < size[l]; ++k) {
      Node n;
      n.id = "n" + std::to_string(l) + "_" + std::to_string(k);
      n.label = "Doel " + std::to_string(l) + "." + std::to_string(k) + " cliëntondersteuning";
      n.level = d.levels[l];
      if (l + 1 == levels) {
        n.kind = NodeKind::indicator;
        n.direction = (k % 4 == 0) ? -1 : 1;
      }
      ids[l].push_back(n.id);
      d.nodes.push_back(n);
      if (l == 0) continue;
      std::uniform_int_distribution<std::size_t> pick(0, size[l - 1] - 1);
      std::size_t first = (k * size[l - 1]) / size[l];  // every parent gets a child
      d.edges.push_back(Edge{n.id, ids[l - 1][first], weight(rng), {}});
      for (int extra = 0; extra < 2; ++extra) {
        std::size_t p = pick(rng);
        if (p != first && rng() % 2 == 0) d.edges.push_back(Edge{n.id, ids[l - 1][p], weight(rng), {}});
      }
    }
  }
  // Remove duplicate extra parents.
  std::sort(d.edges.begin(), d.edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.child, a.parent) < std::tie(b.child, b.parent);
  });
  d.edges.erase(std::unique(d.edges.begin(), d.edges.end(),
                            [](const Edge& a, const Edge& b) { return a.child == b.child && a.parent == b.parent; }),
                d.edges.end());
  return d;
}

}  // namespace doelenboom::bench
