// The YAML tree file: parsing, every kind of problem with file and line, writing, and the
// round trip load -> save -> load for the shipped examples and for random graphs.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "doelenboom/tree_io.hpp"

namespace {

namespace fs = std::filesystem;
using namespace doelenboom;

const fs::path source_dir{DOELENBOOM_SOURCE_DIR};

// The ParseError thrown while parsing `text` as tree.yaml (a failure when there is none).
ParseError parse_error(const std::string& text) {
  try {
    (void)parse_tree_yaml(text, "tree.yaml");
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a ParseError for:\n" << text;
  return ParseError("none");
}

// True when the error has a problem whose message contains `needle` (reports all messages otherwise).
::testing::AssertionResult has_problem(const Error& e, const std::string& needle) {
  for (const auto& p : e.problems()) {
    if (p.message.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "no problem contains \"" << needle << "\" in:\n" << e.what();
}

const std::string minimal = R"(# a small tree
doelenboom: 1
name: Klein
levels: [doel, indicator]
nodes:
  - id: top
    label: Zelfregie van de cliënt
    level: doel
    description: De top.
  - id: ind_a
    label: Aandeel ë
    kind: indicator
    level: indicator
    parents: [top]
  - id: ind_b
    label: Doorlooptijd
    kind: indicator
    direction: -1
    level: indicator
    parents: [{id: top, weight: 2.5}]
)";

TEST(TreeYaml, ParsesValuesDefaultsAndLines) {
  const TreeDefinition def = parse_tree_yaml(minimal, "tree.yaml");
  EXPECT_EQ(def.name, "Klein");
  EXPECT_EQ(def.description, "");
  EXPECT_EQ(def.source, "tree.yaml");
  EXPECT_EQ(def.levels, (std::vector<std::string>{"doel", "indicator"}));
  ASSERT_EQ(def.nodes.size(), 3U);
  EXPECT_EQ(def.nodes[0].id, "top");
  EXPECT_EQ(def.nodes[0].label, "Zelfregie van de cliënt");
  EXPECT_EQ(def.nodes[0].kind, NodeKind::goal);  // default
  EXPECT_EQ(def.nodes[0].direction, 0);
  EXPECT_EQ(def.nodes[0].description, "De top.");
  EXPECT_EQ(def.nodes[0].where.to_string(), "tree.yaml:6");
  EXPECT_EQ(def.nodes[1].kind, NodeKind::indicator);
  EXPECT_EQ(def.nodes[1].direction, 1);  // default for indicators
  EXPECT_EQ(def.nodes[2].direction, -1);
  EXPECT_EQ(def.nodes[2].where.line, 15U);
  ASSERT_EQ(def.edges.size(), 2U);
  EXPECT_EQ(def.edges[0], (Edge{"ind_a", "top", 1.0, {}}));
  EXPECT_EQ(def.edges[1], (Edge{"ind_b", "top", 2.5, {}}));
  EXPECT_EQ(def.edges[0].where.line, 14U);
  EXPECT_EQ(def.edges[1].where.line, 20U);

  const GoalTree tree = load_tree_yaml_string(minimal, "tree.yaml");
  EXPECT_EQ(tree.size(), 3U);
  EXPECT_DOUBLE_EQ(tree.weight("ind_b", "top"), 2.5);
}

TEST(TreeYaml, UnknownKeysNameFileLineAndKey) {
  const std::string text = R"(doelenboom: 1
levels: [doel]
lvels: [x]
nodes:
  - id: x
    lable: X
    level: doel
    parents: [{id: y, wieght: 2}]
)";
  const ParseError e = parse_error(text);
  EXPECT_TRUE(has_problem(e, "tree.yaml:3: unknown key 'lvels' (expected one of: doelenboom, name, description, levels, nodes)"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:6: node 'x': unknown key 'lable' (expected one of: id, label, kind, level, "
                             "description, direction, parents)"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:8: node 'x': parent 'y': unknown key 'wieght' (expected one of: id, weight)"));
  // The misspelt label also leaves the required label missing; all four come in one error.
  EXPECT_TRUE(has_problem(e, "tree.yaml:5: node 'x': missing required key 'label'"));
  EXPECT_EQ(e.problems().size(), 4U);
  EXPECT_EQ(e.problems()[0].code, "unknown_key");
  EXPECT_EQ(e.problems()[0].where.line, 3U);
}

TEST(TreeYaml, MissingRequiredKeys) {
  const ParseError top = parse_error("name: x\n");
  EXPECT_TRUE(has_problem(top, "tree.yaml:1: missing required key 'doelenboom'"));
  EXPECT_TRUE(has_problem(top, "tree.yaml:1: missing required key 'levels'"));
  EXPECT_TRUE(has_problem(top, "tree.yaml:1: missing required key 'nodes'"));

  const ParseError node = parse_error("doelenboom: 1\nlevels: [a]\nnodes:\n  - label: X\n    kind: goal\n");
  EXPECT_TRUE(has_problem(node, "tree.yaml:4: node 1: missing required key 'id'"));
  EXPECT_TRUE(has_problem(node, "tree.yaml:4: node 1: missing required key 'level'"));

  const ParseError parent =
      parse_error("doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    label: X\n    level: a\n    parents: [{weight: 2}]\n");
  EXPECT_TRUE(has_problem(parent, "tree.yaml:7: node 'x': parent 1: missing required key 'id'"));
}

TEST(TreeYaml, FormatVersion) {
  const ParseError missing = parse_error("levels: [a]\nnodes: []\n");
  EXPECT_TRUE(has_problem(missing, "tree.yaml:1: missing required key 'doelenboom' (the format version"));
  const ParseError wrong = parse_error("doelenboom: 2\nlevels: [a]\nnodes: []\n");
  EXPECT_TRUE(has_problem(wrong, "tree.yaml:1: unsupported format version '2' (expected 1)"));
}

TEST(TreeYaml, WrongTypes) {
  const ParseError e = parse_error(R"(doelenboom: 1
name: [a, b]
levels: doel
nodes:
  - id: x
    label: {nl: X}
    level: doel
    parents: x
  - just a text
)");
  EXPECT_TRUE(has_problem(e, "tree.yaml:2: key 'name' must be a text, found a list"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:3: key 'levels' must be a list of level names, top first, found the text 'doel'"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:6: node 'x': key 'label' must be a text, found a mapping"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:8: node 'x': key 'parents' must be a list"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:9: node 2: expected a mapping with the keys id, label"));

  const ParseError nodes = parse_error("doelenboom: 1\nlevels: [a]\nnodes:\n  id: x\n");
  EXPECT_TRUE(has_problem(nodes, "tree.yaml:4: key 'nodes' must be a list of nodes, found a mapping"));
  const ParseError root = parse_error("- a\n- b\n");
  EXPECT_TRUE(has_problem(root, "tree.yaml:1: the file must be a mapping"));
}

TEST(TreeYaml, BadValues) {
  const ParseError e = parse_error(R"(doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Top
    level: doel
    direction: 1
  - id: i1
    label: I1
    kind: indiactor
    level: indicator
    parents: [top]
  - id: i2
    label: I2
    kind: indicator
    direction: 2
    level: indicator
    parents: [{id: top, weight: veel}]
  - id: i3
    label:
    kind: indicator
    level: indicator
    parents: [{id: top, weight: 1,5}]
)");
  EXPECT_TRUE(has_problem(e, "tree.yaml:7: node 'top': only indicators have a direction"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:10: node 'i1': kind 'indiactor' is not one of: goal, indicator"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:16: node 'i2': direction '2' must be 1 (higher is better) or -1 (lower is better)"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:18: node 'i2': parent 'top': weight 'veel' is not a number"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:20: node 'i3': key 'label' has no value"));
  // "1,5" in a flow mapping is the weight 1 and a key "5": the decimal comma is caught.
  EXPECT_TRUE(has_problem(e, "tree.yaml:23: node 'i3': parent 'top': unknown key '5'"));
  EXPECT_EQ(e.problems().size(), 6U);
}

TEST(TreeYaml, DuplicateKeys) {
  const ParseError e = parse_error(R"(doelenboom: 1
levels: [a]
nodes:
  - id: x
    label: X
    level: a
    label: Y
levels: [b]
)");
  EXPECT_TRUE(has_problem(e, "tree.yaml:7: node 'x': duplicate key 'label' (first given on line 5)"));
  EXPECT_TRUE(has_problem(e, "tree.yaml:8: duplicate key 'levels' (first given on line 2)"));
}

TEST(TreeYaml, SyntaxEmptyAndEncodingErrors) {
  const ParseError syntax = parse_error("doelenboom: 1\nlevels: [a, b\nnodes: []\n");
  EXPECT_TRUE(has_problem(syntax, "tree.yaml:3: YAML syntax error"));
  const ParseError empty = parse_error("# only a comment\n");
  EXPECT_TRUE(has_problem(empty, "tree.yaml: the file is empty"));
  const ParseError latin1 = parse_error("doelenboom: 1\nname: Cli\xEBnt\n");
  EXPECT_TRUE(has_problem(latin1, "tree.yaml:2: invalid UTF-8 at byte offset 23 (byte 0xEB)"));
  const ParseError two = parse_error("doelenboom: 1\nlevels: [a]\nnodes: []\n---\nx: 1\n");
  EXPECT_TRUE(has_problem(two, "more than one YAML document"));
}

TEST(TreeYaml, GraphProblemsAreTreeErrorsWithLines) {
  const std::string text = R"(doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Top
    level: doel
  - id: i1
    label: I1
    kind: indicator
    level: indicator
    parents: [top, onbekend]
)";
  try {
    (void)load_tree_yaml_string(text, "tree.yaml");
    FAIL() << "expected a TreeError";
  } catch (const TreeError& e) {
    EXPECT_TRUE(has_problem(e, "tree.yaml:11: "));
    EXPECT_TRUE(has_problem(e, "'onbekend'"));
  }
}

TEST(TreeYaml, WriterOutput) {
  const GoalTree tree = load_tree_yaml_string(minimal, "tree.yaml");
  const std::string text = tree_to_yaml(tree);
  EXPECT_EQ(text.rfind("# doelenboom goal tree, file format version 1", 0), 0U) << text;
  EXPECT_NE(text.find("\ndoelenboom: 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nname: Klein\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("description: \"\""), std::string::npos) << text;  // empty values are left out
  EXPECT_NE(text.find("\nlevels: [doel, indicator]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("label: Zelfregie van de cliënt\n"), std::string::npos) << text;  // UTF-8, not \u escapes
  EXPECT_NE(text.find("parents: [top]\n"), std::string::npos) << text;                   // weight 1: plain id
  EXPECT_NE(text.find("parents: [{id: top, weight: 2.5}]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    direction: -1\n"), std::string::npos) << text;
  // Keys in the documented order.
  const auto id = text.find("- id: ind_b");
  const auto label = text.find("label: Doorlooptijd");
  const auto kind = text.find("kind: indicator", label);
  const auto level = text.find("level: indicator", kind);
  const auto direction = text.find("direction: -1", level);
  const auto parents = text.find("parents:", direction);
  EXPECT_TRUE(id < label && label < kind && kind < level && level < direction && direction < parents) << text;
  EXPECT_TRUE(load_tree_yaml_string(text) == tree);
}

TEST(TreeYaml, WeightsRoundTripExactly) {
  TreeDefinition def;
  def.levels = {"doel", "indicator"};
  def.nodes.push_back(Node{"top", "Top", NodeKind::goal, "doel", "", 0, {}});
  const std::vector<double> weights{0.1, 0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0 * 7.0, 1e-12, 123456789.123456789, 0.0, 1.0 + 1e-15};
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::string id = "i" + std::to_string(i);
    def.nodes.push_back(Node{id, "I", NodeKind::indicator, "indicator", "", 1, {}});
    def.edges.push_back(Edge{id, "top", weights[i], {}});
  }
  const GoalTree tree = GoalTree::build(def);
  const TreeDefinition back = parse_tree_yaml(tree_to_yaml(tree));
  ASSERT_EQ(back.edges.size(), weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) EXPECT_EQ(back.edges[i].weight, weights[i]) << i;
  EXPECT_TRUE(back == def);
}

TEST(TreeYaml, SaveIsAtomicAndLoadsBack) {
  const GoalTree tree = load_tree_yaml_string(minimal, "tree.yaml");
  const fs::path dir = fs::temp_directory_path() / ("doelenboom-test-save-yaml-" + std::to_string(std::random_device{}()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "boom.yaml";
  std::ofstream(path) << "old content\n";
  save_tree_yaml(tree, path);
  const GoalTree back = load_tree_yaml(path);
  EXPECT_TRUE(back == tree);
  EXPECT_EQ(back.source(), path.string());
  // Only the target remains: the temporary file was renamed into place.
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path().filename());
  EXPECT_EQ(files, std::vector<fs::path>{"boom.yaml"});
  EXPECT_THROW(save_tree_yaml(tree, dir / "no-such-folder" / "boom.yaml"), Error);
  fs::remove_all(dir);
}

TEST(TreeYaml, CheckTreeFileReturnsProblemsWithoutThrowing) {
  const fs::path dir = fs::temp_directory_path() / ("doelenboom-test-check-yaml-" + std::to_string(std::random_device{}()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path good = dir / "good.yaml";
  const fs::path bad_parse = dir / "bad_parse.yaml";
  const fs::path bad_graph = dir / "bad_graph.yaml";
  std::ofstream(good) << minimal;
  std::ofstream(bad_parse) << "doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    lable: X\n    level: a\n";
  std::ofstream(bad_graph) << "doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    label: X\n    level: a\n"
                              "    parents: [y]\n";
  EXPECT_TRUE(check_tree_file(good).empty());

  const auto parse_problems = check_tree_file(bad_parse);
  ASSERT_EQ(parse_problems.size(), 2U);  // unknown 'lable' and missing 'label'
  EXPECT_EQ(parse_problems[0].where.file, bad_parse.string());
  EXPECT_EQ(parse_problems[0].where.line, 5U);

  const auto graph_problems = check_tree_file(bad_graph);
  ASSERT_FALSE(graph_problems.empty());
  EXPECT_EQ(graph_problems[0].code, "unknown_id");
  EXPECT_EQ(graph_problems[0].where.line, 7U);

  const auto missing = check_tree_file(dir / "missing.yaml");
  ASSERT_EQ(missing.size(), 1U);
  EXPECT_NE(missing[0].message.find((dir / "missing.yaml").string()), std::string::npos);
  EXPECT_EQ(missing[0].code, "io");
  fs::remove_all(dir);
}

TEST(TreeYaml, EveryShippedExampleLoadsAndRoundTrips) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(source_dir / "examples" / "trees")) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    SCOPED_TRACE(entry.path().string());
    EXPECT_TRUE(check_tree_file(entry.path()).empty());
    const GoalTree tree = load_tree_yaml(entry.path());
    const std::string text = tree_to_yaml(tree);
    const GoalTree back = load_tree_yaml_string(text, "saved.yaml");
    EXPECT_TRUE(back == tree) << text;
    EXPECT_TRUE(back.definition() == tree.definition());
    EXPECT_EQ(tree_to_yaml(back), text);  // writing is deterministic
  }
  EXPECT_GE(count, 2U);
}

TEST(TreeYaml, ExampleInTheFormatDocLoads) {
  // The first ```yaml block of docs/tree-format.md must stay a valid tree file.
  std::ifstream in(source_dir / "docs" / "tree-format.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto begin = doc.find("```yaml\n");
  ASSERT_NE(begin, std::string::npos);
  const auto end = doc.find("```", begin + 8);
  ASSERT_NE(end, std::string::npos);
  const GoalTree tree = load_tree_yaml_string(doc.substr(begin + 8, end - begin - 8), "tree-format.md");
  EXPECT_EQ(tree.size(), 6U);
  EXPECT_DOUBLE_EQ(tree.weight("informatie_geven", "toegang_informatie"), 2.5);
  EXPECT_EQ(tree.node("ind_doorlooptijd").direction, -1);
}

TEST(TreeYaml, MovisieExample) {
  const GoalTree tree = load_tree_yaml(source_dir / "examples" / "trees" / "movisie.yaml");
  EXPECT_EQ(tree.levels(),
            (std::vector<std::string>{"maatschappelijk resultaat", "factor", "subdoel", "activiteit", "indicator"}));
  ASSERT_EQ(tree.roots().size(), 1U);
  EXPECT_EQ(tree.node(tree.roots().front()).id, "zelfregie");
  EXPECT_EQ(tree.nodes_at_level("factor").size(), 3U);
  EXPECT_EQ(tree.nodes_at_level("activiteit").size(), 8U);
  EXPECT_EQ(tree.node("kunnen_kiezen").label, "Kunnen keuzes maken");
  EXPECT_EQ(tree.node("ind_doorlooptijd").direction, -1);
  // Activities serve several subdoelen: the graph is not a tree.
  EXPECT_GE(tree.parents(tree.index_of("informatie_geven")).size(), 2U);
  for (const auto leaf : tree.leaves()) EXPECT_EQ(tree.node(leaf).kind, NodeKind::indicator) << tree.node(leaf).id;
}

TEST(TreeYaml, NederBetuweExample) {
  const GoalTree tree = load_tree_yaml(source_dir / "examples" / "trees" / "neder-betuwe.yaml");
  ASSERT_EQ(tree.roots().size(), 1U);
  const auto root = tree.roots().front();
  EXPECT_EQ(tree.children(root).size(), 4U);  // the four maatschappelijke resultaten
  EXPECT_EQ(tree.children(tree.index_of("vergroten_bereik")).size(), 3U);
}

// Random valid definitions: several levels, several parents per node, weights with many
// decimals, labels that YAML could misread (null, yes, "- x", "a: b", ...), UTF-8 everywhere.
TreeDefinition random_definition(std::mt19937& rng) {
  const std::vector<std::string> texts{
      "Cliënt ë ï ö",  "null", "~",       "yes",        "- x",     "a: b", "#hash",  " lead", "trail ",
      "quote \" '", "multi\nline", "€ 100", "\xF0\x9F\x98\x80", "1.5", "[x]",  "{y}",   "& * ! |", "tab\there",
      "Kunnen keuzes maken", "Vindt u de kwaliteit goed?"};
  const std::vector<std::string> level_pool{"maatschappelijk resultaat", "factor", "subdoel", "activiteit", "niveau ë",
                                            "1", "null", "yes", "indicator"};
  const std::vector<std::string> tricky_ids{"null", "true", "1.5", "007", "a-b_c.d", "yes", "0x1F"};
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

  TreeDefinition def;
  if (chance(0.5)) def.name = texts[pick(texts.size())];
  if (chance(0.5)) def.description = texts[pick(texts.size())];
  std::vector<std::string> levels = level_pool;
  std::shuffle(levels.begin(), levels.end(), rng);
  levels.resize(2 + pick(4));
  def.levels = levels;

  const bool use_tricky_ids = chance(0.5);
  std::vector<std::vector<std::size_t>> at_level(levels.size());
  std::size_t width = 1 + pick(2);
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const bool bottom = l + 1 == levels.size();
    for (std::size_t k = 0; k < width; ++k) {
      const std::size_t index = def.nodes.size();
      Node node;
      node.id = use_tricky_ids && index < tricky_ids.size() ? tricky_ids[index] : "n" + std::to_string(index);
      node.label = texts[pick(texts.size())];
      node.level = levels[l];
      if (chance(0.3)) node.description = texts[pick(texts.size())];
      node.kind = bottom ? NodeKind::indicator : NodeKind::goal;
      node.direction = bottom ? (chance(0.7) ? 1 : -1) : 0;
      def.nodes.push_back(node);
      if (l > 0) {
        // Round-robin first parent in the level just above gives every goal a child; extra
        // parents anywhere higher make the graph a DAG rather than a tree.
        std::vector<std::size_t> parents{at_level[l - 1][k % at_level[l - 1].size()]};
        const std::size_t extra = pick(3);
        for (std::size_t e = 0; e < extra; ++e) {
          const auto& pool = at_level[pick(l)];
          const std::size_t p = pool[pick(pool.size())];
          if (std::find(parents.begin(), parents.end(), p) == parents.end()) parents.push_back(p);
        }
        for (const std::size_t p : parents) {
          const double weight = chance(0.3) ? 1.0 : std::uniform_real_distribution<double>(0.1, 10.0)(rng);
          def.edges.push_back(Edge{node.id, def.nodes[p].id, weight, {}});
        }
      }
      at_level[l].push_back(index);
    }
    width += pick(4);  // never narrower than the level above
  }
  return def;
}

TEST(TreeYaml, RandomGraphsRoundTrip) {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 200; ++i) {
    SCOPED_TRACE("random tree " + std::to_string(i));
    const TreeDefinition def = random_definition(rng);
    const auto problems = GoalTree::check(def);
    ASSERT_TRUE(problems.empty()) << join_problems(problems);
    const GoalTree tree = GoalTree::build(def);
    const std::string text = tree_to_yaml(tree);
    TreeDefinition back;
    ASSERT_NO_THROW(back = parse_tree_yaml(text, "random.yaml")) << text;
    EXPECT_TRUE(back == def) << text;
    EXPECT_TRUE(load_tree_yaml_string(text, "random.yaml") == tree) << text;
  }
}

}  // namespace
