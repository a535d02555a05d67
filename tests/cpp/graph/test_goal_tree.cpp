// The goal graph: construction, queries, effective weights, edits and one test per validation error.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>

#include "doelenboom/goal_tree.hpp"

namespace db = doelenboom;

namespace {

db::Node goal(std::string id, std::string level, std::size_t line = 0) {
  db::Node n;
  n.id = id;
  n.label = "Doel " + id + " (cliëntondersteuning)";
  n.level = std::move(level);
  n.where = db::Location{line ? "t.yaml" : "", line, 0, {}};
  return n;
}

db::Node indicator(std::string id, int direction = 1, std::size_t line = 0) {
  db::Node n = goal(std::move(id), "indicator", line);
  n.kind = db::NodeKind::indicator;
  n.direction = direction;
  return n;
}

db::Edge edge(std::string c, std::string p, double w = 1.0, std::size_t line = 0) {
  return db::Edge{std::move(c), std::move(p), w, db::Location{line ? "t.yaml" : "", line, 0, {}}};
}

// R <- A (1), R <- B (3); x under A (1) and under B (1); y under B (1).
db::TreeDefinition diamond() {
  db::TreeDefinition d;
  d.name = "diamond";
  d.levels = {"top", "mid", "indicator"};
  d.nodes = {goal("R", "top"), goal("A", "mid"), goal("B", "mid"), indicator("x"), indicator("y", -1)};
  d.edges = {edge("A", "R", 1), edge("B", "R", 3), edge("x", "A"), edge("x", "B"), edge("y", "B")};
  return d;
}

std::vector<std::string> ids(const db::GoalTree& t, const std::vector<db::GoalTree::Index>& v) {
  std::vector<std::string> out;
  for (auto i : v) out.push_back(t.node(i).id);
  return out;
}

// Message of the TreeError thrown by build(); fails the test when nothing is thrown.
std::string build_error(const db::TreeDefinition& d) {
  try {
    (void)db::GoalTree::build(d);
  } catch (const db::TreeError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a TreeError";
  return {};
}

}  // namespace

TEST(GoalTree, QueriesOnDiamond) {
  auto t = db::GoalTree::build(diamond());
  EXPECT_EQ(t.size(), 5u);
  EXPECT_EQ(t.num_edges(), 5u);
  EXPECT_EQ(ids(t, t.roots()), (std::vector<std::string>{"R"}));
  EXPECT_EQ(ids(t, t.leaves()), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(ids(t, t.children(t.index_of("B"))), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(ids(t, t.parents(t.index_of("x"))), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(ids(t, t.ancestors(t.index_of("x"))), (std::vector<std::string>{"R", "A", "B"}));
  EXPECT_EQ(ids(t, t.descendants(t.index_of("B"))), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(ids(t, t.nodes_at_level("mid")), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(t.level_rank(t.index_of("y")), 2u);
  EXPECT_DOUBLE_EQ(t.weight("B", "R"), 3.0);
  EXPECT_THROW((void)t.weight("y", "A"), db::TreeError);
  EXPECT_THROW((void)t.node("nope"), db::TreeError);

  // Topological order: every node after all of its children.
  const auto& topo = t.topological_order();
  ASSERT_EQ(topo.size(), t.size());
  std::vector<std::size_t> pos(t.size());
  for (std::size_t k = 0; k < topo.size(); ++k) pos[topo[k]] = k;
  for (const auto& e : t.edges()) EXPECT_LT(pos[t.index_of(e.child)], pos[t.index_of(e.parent)]);
}

TEST(GoalTree, EffectiveWeightsByHand) {
  auto t = db::GoalTree::build(diamond());
  Eigen::VectorXd w = t.effective_weights(t.index_of("R"));
  // A gets 1/4, B 3/4; x = 1/4 * 1 + 3/4 * 1/2 = 0.625; y = 3/4 * 1/2 = 0.375.
  EXPECT_DOUBLE_EQ(w[static_cast<Eigen::Index>(t.index_of("R"))], 1.0);
  EXPECT_DOUBLE_EQ(w[static_cast<Eigen::Index>(t.index_of("A"))], 0.25);
  EXPECT_DOUBLE_EQ(w[static_cast<Eigen::Index>(t.index_of("B"))], 0.75);
  EXPECT_DOUBLE_EQ(w[static_cast<Eigen::Index>(t.index_of("x"))], 0.625);
  EXPECT_DOUBLE_EQ(w[static_cast<Eigen::Index>(t.index_of("y"))], 0.375);
  Eigen::VectorXd wa = t.effective_weights(t.index_of("A"));
  EXPECT_DOUBLE_EQ(wa[static_cast<Eigen::Index>(t.index_of("x"))], 1.0);
  EXPECT_DOUBLE_EQ(wa[static_cast<Eigen::Index>(t.index_of("y"))], 0.0);
  EXPECT_DOUBLE_EQ(wa[static_cast<Eigen::Index>(t.index_of("R"))], 0.0);

  Eigen::MatrixXd m = t.effective_weight_matrix();
  for (db::GoalTree::Index a = 0; a < t.size(); ++a) {
    Eigen::VectorXd row = t.effective_weights(a);
    for (Eigen::Index d = 0; d < row.size(); ++d) EXPECT_NEAR(m(static_cast<Eigen::Index>(a), d), row[d], 1e-15);
  }
}

TEST(GoalTree, EffectiveWeightsOfLeavesSumToOneOnRandomDags) {
  std::mt19937 rng(42);
  for (int rep = 0; rep < 50; ++rep) {
    db::TreeDefinition d;
    d.levels = {"l0", "l1", "l2", "indicator"};
    int per = 2 + rep % 5;
    std::uniform_real_distribution<double> uw(0.1, 5.0);
    for (int lv = 0; lv < 4; ++lv) {
      for (int k = 0; k < (lv == 0 ? 1 : per * lv); ++k) {
        std::string id = "n" + std::to_string(lv) + "_" + std::to_string(k);
        d.nodes.push_back(lv == 3 ? indicator(id) : goal(id, "l" + std::to_string(lv)));
        if (lv > 0) {
          int above = lv == 1 ? 1 : per * (lv - 1);
          std::uniform_int_distribution<int> pick(0, above - 1);
          int p1 = pick(rng), p2 = pick(rng);
          d.edges.push_back(edge(id, "n" + std::to_string(lv - 1) + "_" + std::to_string(p1), uw(rng)));
          if (p2 != p1) d.edges.push_back(edge(id, "n" + std::to_string(lv - 1) + "_" + std::to_string(p2), uw(rng)));
        }
      }
    }
    // Goals without children would be leaves too; only sum over the true sinks of the weight flow.
    auto t = db::GoalTree::build(d);
    Eigen::VectorXd w = t.effective_weights(t.index_of("n0_0"));
    double leaves = 0;
    for (auto i : t.leaves()) leaves += w[static_cast<Eigen::Index>(i)];
    EXPECT_NEAR(leaves, 1.0, 1e-12) << "rep " << rep;
  }
}

TEST(GoalTree, SubtreeStartsAtTheNodesLevel) {
  auto t = db::GoalTree::build(diamond());
  auto s = t.subtree("B");
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.levels(), (std::vector<std::string>{"mid", "indicator"}));
  EXPECT_EQ(ids(s, s.roots()), (std::vector<std::string>{"B"}));
  EXPECT_EQ(s.num_edges(), 2u);
}

TEST(GoalTree, EditsRevalidateAndKeepTheTreeOnFailure) {
  auto t = db::GoalTree::build(diamond());
  t.set_weight("B", "R", 1.0);
  EXPECT_DOUBLE_EQ(t.effective_weights(t.index_of("R"))[static_cast<Eigen::Index>(t.index_of("x"))], 0.75);
  t.add_node(indicator("z"), {{"A", 2.0}});
  EXPECT_EQ(t.size(), 6u);
  EXPECT_EQ(ids(t, t.children(t.index_of("A"))), (std::vector<std::string>{"x", "z"}));

  const auto before = t;
  EXPECT_THROW(t.add_edge("R", "x"), db::TreeError);      // indicator with children + level order + cycle
  EXPECT_THROW(t.set_weight("z", "A", -1.0), db::TreeError);
  EXPECT_THROW(t.remove_node("A"), db::TreeError);        // would leave z unreachable
  EXPECT_THROW(t.add_node(indicator("x")), db::TreeError);  // duplicate id
  EXPECT_EQ(t, before);

  t.remove_edge("x", "A");
  EXPECT_EQ(ids(t, t.parents(t.index_of("x"))), (std::vector<std::string>{"B"}));
  t.remove_node("z");
  t.remove_node("A");
  EXPECT_EQ(ids(t, t.nodes_at_level("mid")), (std::vector<std::string>{"B"}));
}

// One test per validation error; each message must name the ids (and the line when known).

TEST(Validation, CyclePrintsThePath) {
  auto d = diamond();
  d.levels = {"top"};
  for (auto& n : d.nodes) {
    n.level = "top";
    n.kind = db::NodeKind::goal;
    n.direction = 0;
  }
  d.edges.push_back(edge("R", "x", 1.0, 9));  // R -> x -> A -> R
  auto msg = build_error(d);
  EXPECT_NE(msg.find("cycle in the graph: "), std::string::npos) << msg;
  // The path lists the nodes on the cycle and closes it.
  EXPECT_TRUE(msg.find("R -> x -> A -> R") != std::string::npos || msg.find("x -> A -> R -> x") != std::string::npos ||
              msg.find("A -> R -> x -> A") != std::string::npos || msg.find("x -> B -> R -> x") != std::string::npos ||
              msg.find("R -> x -> B -> R") != std::string::npos || msg.find("B -> R -> x -> B") != std::string::npos)
      << msg;
}

TEST(Validation, DuplicateId) {
  auto d = diamond();
  d.nodes.push_back(goal("A", "mid", 14));
  d.nodes[1].where = {"t.yaml", 5, 0, {}};
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:14: duplicate node id 'A' (first defined at t.yaml:5"), std::string::npos) << msg;
}

TEST(Validation, EdgeToUnknownId) {
  auto d = diamond();
  d.edges.push_back(edge("y", "Q", 1.0, 21));
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:21: edge 'y' -> 'Q' points to unknown parent id 'Q'"), std::string::npos) << msg;
}

TEST(Validation, NodeNotReachableFromARoot) {
  auto d = diamond();
  d.nodes.push_back(goal("C", "mid", 30));
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:30: node 'C' at level 'mid' has no parent and is not reachable from any root"),
            std::string::npos)
      << msg;
}

TEST(Validation, NegativeAndNonFiniteWeights) {
  auto d = diamond();
  d.edges[0].weight = -2.0;
  d.edges[0].where = {"t.yaml", 7, 0, {}};
  d.edges[4].weight = std::numeric_limits<double>::quiet_NaN();
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:7: edge 'A' -> 'R' has weight -2 (expected a finite number >= 0)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("edge 'y' -> 'B' has weight nan"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2 problems:"), std::string::npos) << msg;
  d.edges[4].weight = std::numeric_limits<double>::infinity();
  EXPECT_NE(build_error(d).find("edge 'y' -> 'B' has weight inf"), std::string::npos);
}

TEST(Validation, AllZeroWeightsUnderAParent) {
  auto d = diamond();
  d.edges[3].weight = 0.0;  // x -> B
  d.edges[4].weight = 0.0;  // y -> B
  d.nodes[2].where = {"t.yaml", 3, 0, {}};
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:3: all 2 edges into 'B' have weight 0"), std::string::npos) << msg;
}

TEST(Validation, IndicatorWithChildren) {
  auto d = diamond();
  d.nodes.push_back(indicator("w"));
  d.edges.push_back(edge("w", "x", 1.0, 40));
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:40: indicator 'x' has child 'w' (expected indicators to be leaves"), std::string::npos) << msg;
}

TEST(Validation, ChildAboveItsParent) {
  auto d = diamond();
  d.nodes.push_back(goal("T", "top"));
  d.edges.push_back(edge("T", "A", 1.0, 44));
  auto msg = build_error(d);
  EXPECT_NE(msg.find("t.yaml:44: node 'T' at level 'top' is above its parent 'A' at level 'mid'"), std::string::npos)
      << msg;
}

TEST(Validation, OtherDefinitionErrors) {
  auto d = diamond();
  d.nodes[1].id = "a b";
  d.nodes[2].level = "nowhere";
  d.nodes[3].direction = 0;
  d.nodes[0].direction = 1;
  auto problems = db::GoalTree::check(d);
  std::vector<std::string> codes;
  for (const auto& p : problems) codes.push_back(p.code);
  for (const char* c : {"bad_id", "unknown_level", "bad_direction"})
    EXPECT_NE(std::find(codes.begin(), codes.end(), c), codes.end()) << c;
  auto msg = build_error(d);
  EXPECT_NE(msg.find("node id 'a b' is not a valid id"), std::string::npos) << msg;
  EXPECT_NE(msg.find("node 'B' has level 'nowhere' which is not a tree level (expected one of: 'top', 'mid', 'indicator')"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("indicator 'x' has direction 0 (expected 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("goal 'R' has direction 1 (expected none"), std::string::npos) << msg;
}

TEST(Validation, ValidTreeHasNoProblems) { EXPECT_TRUE(db::GoalTree::check(diamond()).empty()); }

// ---- indicator definitions ------------------------------------------------------------------

namespace {

// A definition for an indicator of diamond(): x is a proportion (direction 1), y a mean (-1).
db::IndicatorDefinition definition(std::string id, db::Measure measure = db::Measure::proportion, int direction = 1) {
  db::IndicatorDefinition d;
  d.id = std::move(id);
  d.pillar = db::Pillar::satisfaction;
  d.kind = db::ResultKind::outcome;
  d.measure = measure;
  d.direction = direction;
  if (measure == db::Measure::mean) d.scale = db::named_scale("likert5");
  return d;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const db::TreeError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a TreeError";
  return {};
}

}  // namespace

TEST(Indicators, DefinitionsTakeTheNodesLabelAndDescriptionAndKeepNodeOrder) {
  auto d = diamond();
  d.nodes[4].description = "Gemiddelde score";
  d.indicators = {definition("y", db::Measure::mean, -1), definition("x")};  // not in node order
  d.indicators[1].norm = 0.8;
  const auto t = db::GoalTree::build(d);
  ASSERT_EQ(t.indicators().size(), 2u);
  EXPECT_EQ(t.indicators().definitions()[0].id, "x");  // node order
  EXPECT_EQ(t.indicators().definitions()[1].id, "y");
  const auto& x = t.indicators().at("x");
  EXPECT_EQ(x.label, "Doel x (cliëntondersteuning)");  // the node's label
  EXPECT_EQ(x.description, "");
  EXPECT_EQ(x.norm, 0.8);
  EXPECT_EQ(t.indicators().at("y").description, "Gemiddelde score");
  EXPECT_EQ(t.indicators().at("y").scale, (db::Scale{"likert5", 1, 5}));
  // definition() gives them back filled in and in node order; building that gives an equal tree.
  const auto back = t.definition();
  ASSERT_EQ(back.indicators.size(), 2u);
  EXPECT_EQ(back.indicators[0].label, "Doel x (cliëntondersteuning)");
  EXPECT_EQ(db::GoalTree::build(back), t);
  // Definitions are part of equality.
  EXPECT_FALSE(t == db::GoalTree::build(diamond()));
  EXPECT_TRUE(db::GoalTree::build(diamond()).indicators().definitions().empty());
  EXPECT_TRUE(db::GoalTree().indicators().definitions().empty());
}

TEST(Indicators, DefinitionForAnUnknownIdOrAGoal) {
  auto d = diamond();
  d.indicators = {definition("q"), definition("A")};
  d.indicators[0].where = {"i.yaml", 3, 0, {}};
  d.indicators[1].where = {"i.yaml", 9, 0, {}};
  EXPECT_EQ(build_error(d),
            "2 problems:\n"
            "  i.yaml:3: indicator definition 'q' has no node in the tree (expected the id of an indicator node)\n"
            "  i.yaml:9: indicator definition 'A' is for goal 'A' (expected the id of an indicator node; goals have no "
            "definitions)");
  const auto problems = db::GoalTree::check(d);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].code, "unknown_indicator");
  EXPECT_EQ(problems[1].code, "not_an_indicator");
  EXPECT_EQ(problems[1].ids, (std::vector<std::string>{"A"}));
}

TEST(Indicators, DirectionLabelAndDescriptionMustAgreeWithTheNode) {
  auto d = diamond();
  d.nodes[4].where = {"t.yaml", 20, 0, {}};
  d.indicators = {definition("y", db::Measure::mean, 1)};
  d.indicators[0].label = "Tevredenheid";
  d.indicators[0].description = "Anders";
  d.indicators[0].where = {"i.yaml", 4, 0, {}};
  EXPECT_EQ(build_error(d),
            "3 problems:\n"
            "  i.yaml:4: indicator 'y': the definition has direction 1, but node 'y' (t.yaml:20) has direction -1 "
            "(expected the same direction in both)\n"
            "  i.yaml:4: indicator 'y': the definition has label 'Tevredenheid', but node 'y' (t.yaml:20) has label "
            "'Doel y (cliëntondersteuning)' (expected the same label in both)\n"
            "  i.yaml:4: indicator 'y': the definition has description 'Anders', but node 'y' (t.yaml:20) has none "
            "(expected the node's description, or none)");
  for (const auto& p : db::GoalTree::check(d)) EXPECT_EQ(p.code, "indicator_mismatch");
}

TEST(Indicators, TheDefinitionsOwnValuesAreChecked) {
  auto d = diamond();
  d.indicators = {definition("x"), definition("y", db::Measure::mean, -1)};
  d.indicators[0].norm = 80;
  d.indicators[1].scale.reset();
  EXPECT_EQ(build_error(d),
            "2 problems:\n"
            "  indicator 'x': norm 80 is outside [0, 1], the range of a proportion indicator\n"
            "  indicator 'y': a mean needs a scale (add 'scale: likert5', 'scale: rapportcijfer', 'scale: zrm' or "
            "'scale: {name: ..., min: ..., max: ...}')");
}

TEST(Indicators, WithIndicatorsAttachesASeparateSetAndLeavesTheTreeAlone) {
  auto d = diamond();
  d.indicators = {definition("x")};
  d.indicators[0].where = {"t.yaml", 12, 0, {}};
  const auto t = db::GoalTree::build(d);

  auto y = definition("y", db::Measure::mean, -1);
  y.label = t.node("y").label;  // an indicators file gives the label; it must be the node's
  y.where = {"i.yaml", 3, 0, {}};
  const auto both = t.with_indicators(db::IndicatorSet({y}));
  EXPECT_EQ(t.indicators().size(), 1u);  // unchanged
  ASSERT_EQ(both.indicators().size(), 2u);
  EXPECT_EQ(both.indicators().at("y").where.file, "i.yaml");
  EXPECT_EQ(both.indicators().at("y").direction, -1);
  EXPECT_EQ(both.size(), t.size());
  EXPECT_EQ(both.num_edges(), t.num_edges());

  // The same indicator in the tree and in the set: an error naming both places.
  auto x = definition("x");
  x.label = t.node("x").label;
  x.where = {"i.yaml", 8, 0, {}};
  EXPECT_EQ(error_of([&] { (void)t.with_indicators(db::IndicatorSet({x})); }),
            "i.yaml:8: indicator 'x' is defined twice: at t.yaml:12 and at i.yaml:8 (expected one definition per "
            "indicator: in the tree file or in a separate indicators file, not both)");
  // An id of the set that is not an indicator node of the tree.
  auto r = definition("R");
  r.label = "R";
  EXPECT_EQ(error_of([&] { (void)t.with_indicators(db::IndicatorSet({r})); }),
            "indicator definition 'R' is for goal 'R' (expected the id of an indicator node; goals have no definitions)");
  EXPECT_EQ(t.with_indicators(db::IndicatorSet()), t);
}

TEST(Indicators, EditsKeepDefinitionsValid) {
  auto d = diamond();
  d.indicators = {definition("x"), definition("y", db::Measure::mean, -1)};
  auto t = db::GoalTree::build(d);

  // Removing an indicator node removes its definition.
  t.remove_node("y");
  EXPECT_EQ(t.indicators().size(), 1u);
  EXPECT_EQ(t.indicators().find("y"), nullptr);

  // Adding an indicator node with its definition (the id may be left empty).
  auto z = definition("", db::Measure::count);
  z.kind = db::ResultKind::output;
  z.pillar = db::Pillar::reach;
  z.unit_text = "cliënten";
  t.add_node(indicator("z"), {{"A", 1.0}}, z);
  ASSERT_NE(t.indicators().find("z"), nullptr);
  EXPECT_EQ(t.indicators().at("z").label, t.node("z").label);
  EXPECT_EQ(t.indicators().at("z").unit_text, "cliënten");
  EXPECT_EQ(t.indicators().definitions().back().id, "z");

  // A failed edit leaves the tree and its definitions unchanged.
  const auto before = t;
  auto bad = definition("w", db::Measure::count, -1);  // the node has direction 1
  EXPECT_EQ(error_of([&] { t.add_node(indicator("w"), {{"A", 1.0}}, bad); }),
            "indicator 'w': the definition has direction -1, but node 'w' has direction 1 (expected the same "
            "direction in both)");
  EXPECT_THROW(t.add_node(goal("G", "mid"), {{"R", 1.0}}, definition("G")), db::TreeError);
  EXPECT_EQ(t, before);

  // A subtree keeps the definitions of its nodes only.
  const auto sub = t.subtree("A");
  EXPECT_EQ(sub.indicators().size(), 2u);  // x and z
  const auto only_b = t.subtree("B");
  ASSERT_EQ(only_b.indicators().size(), 1u);
  EXPECT_EQ(only_b.indicators().definitions()[0].id, "x");
}
