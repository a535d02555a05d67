// The YAML tree file: parsing, every kind of problem with file and line, writing, and the
// round trip load -> save -> load for the shipped examples and for random graphs.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
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

TEST(TreeYaml, ReadsADirectionAsTheIndicatorsFileDoes) {
  // One rule for both files (data/indicator_yaml.hpp): spaces around the number are ignored.
  std::string text = minimal;
  text.replace(text.find("direction: -1"), 13, "direction: ' -1 '");
  EXPECT_EQ(parse_tree_yaml(text, "tree.yaml").nodes[2].direction, -1);
}

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
                             "description, direction, parents, pillar, result, measure, rate_per, scale, norm, "
                             "goalposts, unit)"));
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
  EXPECT_EQ(tree.size(), 7U);
  EXPECT_DOUBLE_EQ(tree.weight("informatie_geven", "toegang_informatie"), 2.5);
  EXPECT_EQ(tree.node("ind_doorlooptijd").direction, -1);
  ASSERT_EQ(tree.indicators().size(), 2U);
  EXPECT_EQ(tree.indicators().at("ind_voldoende_informatie").norm, 0.7);
  EXPECT_EQ(tree.indicators().at("ind_tevredenheid").scale, named_scale("rapportcijfer"));
  EXPECT_EQ(tree.indicators().find("ind_doorlooptijd"), nullptr);
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

// ---- indicator definitions in the tree file ----------------------------------------------------

// Indicator nodes with the keys of an indicator definition; leersessies has none.
const std::string with_definitions = R"(doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Zelfregie
    level: doel
  - id: clienten
    label: Aantal cliënten
    kind: indicator
    level: indicator
    description: Unieke cliënten per jaar.
    pillar: bereik
    result: output
    measure: count
    unit: cliënten
    parents: [top]
  - id: p_tevreden
    label: "% tevreden"
    kind: indicator
    level: indicator
    pillar: tevredenheid
    result: outcome
    measure: proportion
    norm: 0.8
    goalposts: [0.5, 1]
    unit: "%"
    parents: [top]
  - id: wachttijd
    label: Wachttijd in weken
    kind: indicator
    direction: -1
    level: indicator
    pillar: reach
    result: output
    measure: mean
    scale: {name: weken, min: 0, max: 52}
    parents: [top]
  - id: per_1000
    label: Cliënten per 10.000 inwoners
    kind: indicator
    level: indicator
    pillar: reach
    result: output
    measure: rate
    rate_per: 10000
    parents: [top]
  - id: leersessies
    label: Leersessies
    kind: indicator
    level: indicator
    parents: [top]
)";

// A separate indicators file that clashes with the tree in every possible way.
const std::string clashing_indicators = R"(doelenboom_indicators: 1
indicators:
  - id: clienten
    label: Aantal cliënten
    pillar: reach
    result: output
    measure: count
  - id: leersessies
    label: Leersessies
    pillar: doelrealisatie
    result: outcome
    measure: count
    direction: -1
  - id: top
    label: Zelfregie
    pillar: doelrealisatie
    result: outcome
    measure: count
  - id: onbekend
    label: Onbekend
    pillar: reach
    result: output
    measure: count
)";

std::vector<std::string> messages(const Error& e) {
  std::vector<std::string> out;
  for (const auto& p : e.problems()) out.push_back(p.message);
  return out;
}

TEST(TreeYamlIndicators, IndicatorNodesCarryTheirDefinitions) {
  const TreeDefinition def = parse_tree_yaml(with_definitions, "tree.yaml");
  ASSERT_EQ(def.indicators.size(), 4U);  // leersessies has none
  const IndicatorDefinition& c = def.indicators[0];
  EXPECT_EQ(c.id, "clienten");
  EXPECT_EQ(c.label, "Aantal cliënten");  // the node's label and description
  EXPECT_EQ(c.description, "Unieke cliënten per jaar.");
  EXPECT_EQ(c.pillar, Pillar::reach);     // "bereik"
  EXPECT_EQ(c.kind, ResultKind::output);
  EXPECT_EQ(c.measure, Measure::count);
  EXPECT_EQ(c.direction, 1);
  EXPECT_EQ(c.unit_text, "cliënten");
  EXPECT_EQ(c.where.to_string(), "tree.yaml:7");
  const IndicatorDefinition& p = def.indicators[1];
  EXPECT_EQ(p.pillar, Pillar::satisfaction);
  EXPECT_EQ(p.kind, ResultKind::outcome);
  EXPECT_EQ(p.measure, Measure::proportion);
  EXPECT_EQ(p.norm, 0.8);
  EXPECT_EQ(p.goalpost_min, 0.5);
  EXPECT_EQ(p.goalpost_max, 1.0);
  EXPECT_EQ(p.unit_text, "%");
  const IndicatorDefinition& w = def.indicators[2];
  EXPECT_EQ(w.direction, -1);  // the node's direction
  EXPECT_EQ(w.scale, (Scale{"weken", 0, 52}));
  EXPECT_EQ(def.indicators[3].rate_per, 10000.0);
  EXPECT_EQ(def.indicators[3].measure, Measure::rate);

  const GoalTree tree = load_tree_yaml_string(with_definitions, "tree.yaml");
  EXPECT_EQ(tree.size(), 6U);
  ASSERT_EQ(tree.indicators().size(), 4U);
  EXPECT_EQ(tree.indicators().at("wachttijd").label, "Wachttijd in weken");
  EXPECT_EQ(tree.indicators().find("leersessies"), nullptr);
  EXPECT_EQ(tree.indicators().find("top"), nullptr);
  EXPECT_TRUE(load_tree_yaml_string(minimal).indicators().definitions().empty());
}

TEST(TreeYamlIndicators, DefinitionKeysOnAGoalNameTheLine) {
  const ParseError e = parse_error(R"(doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Top
    level: doel
    measure: count
    pillar: bereik
)");
  EXPECT_EQ(messages(e), (std::vector<std::string>{
                             "tree.yaml:7: node 'top': only indicators have an indicator definition: remove 'pillar', "
                             "'measure' (or add 'kind: indicator')"}));
  EXPECT_EQ(e.problems()[0].code, "not_an_indicator");
  EXPECT_EQ(e.problems()[0].ids, (std::vector<std::string>{"top"}));
}

TEST(TreeYamlIndicators, EveryDefinitionProblemWithFileAndLine) {
  const ParseError e = parse_error(R"(doelenboom: 1
levels: [doel, indicator]
nodes:
  - id: top
    label: Top
    level: doel
  - id: a
    label: A
    kind: indicator
    level: indicator
    pilar: bereik
    measure: mean
    parents: [top]
  - id: b
    label: B
    kind: indicator
    level: indicator
    pillar: bereikt
    result: outcum
    measure: proportion
    scale: likert7
    parents: [top]
  - id: c
    label: C
    kind: indicator
    level: indicator
    pillar: doelrealisatie
    result: outcome
    measure: proportion
    norm: 80
    parents: [top]
  - id: d
    label: D
    kind: indicator
    level: indicator
    pillar: doelrealisatie
    result: outcome
    measure: mean
    parents: [top]
)");
  EXPECT_EQ(messages(e),
            (std::vector<std::string>{
                "tree.yaml:11: node 'a': unknown key 'pilar' (expected one of: id, label, kind, level, description, "
                "direction, parents, pillar, result, measure, rate_per, scale, norm, goalposts, unit)",
                "tree.yaml:7: node 'a': missing required key 'pillar' (expected one of: reach, satisfaction, "
                "goal_attainment)",
                "tree.yaml:7: node 'a': missing required key 'result' (expected one of: output, outcome)",
                "tree.yaml:18: node 'b': pillar 'bereikt' is not one of: reach, satisfaction, goal_attainment (or bereik, "
                "tevredenheid, doelrealisatie)",
                "tree.yaml:19: node 'b': result 'outcum' is not one of: output, outcome",
                "tree.yaml:21: node 'b': scale 'likert7' is not a known scale (expected likert5, rapportcijfer, zrm or "
                "{name: ..., min: ..., max: ...})",
                "tree.yaml:23: indicator 'c': norm 80 is outside [0, 1], the range of a proportion indicator",
                "tree.yaml:32: indicator 'd': a mean needs a scale (add 'scale: likert5', 'scale: rapportcijfer', "
                "'scale: zrm' or 'scale: {name: ..., min: ..., max: ...}')",
            }));
  // check_tree_file gives the same problems without throwing.
  const fs::path dir = fs::temp_directory_path() / ("doelenboom-test-defs-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  std::ofstream(dir / "tree.yaml") << "doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    label: X\n    level: a\n"
                                      "    unit: uren\n";
  const auto problems = check_tree_file(dir / "tree.yaml");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].code, "not_an_indicator");
  EXPECT_EQ(problems[0].where.line, 7U);
  fs::remove_all(dir);
}

TEST(TreeYamlIndicators, WriterEmitsDefinitionsAndRoundTrips) {
  const GoalTree tree = load_tree_yaml_string(with_definitions, "tree.yaml");
  const std::string text = tree_to_yaml(tree);
  EXPECT_NE(text.find("  - id: wachttijd\n    label: Wachttijd in weken\n    kind: indicator\n    level: indicator\n"
                      "    direction: -1\n    pillar: reach\n    result: output\n    measure: mean\n"
                      "    scale: {name: weken, min: 0, max: 52}\n    parents: [top]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    description: Unieke cliënten per jaar.\n    direction: 1\n    pillar: reach\n"
                      "    result: output\n    measure: count\n    unit: cliënten\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    measure: proportion\n    norm: 0.8\n    goalposts: [0.5, 1]\n    unit: \"%\"\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    measure: rate\n    rate_per: 10000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  - id: leersessies\n    label: Leersessies\n    kind: indicator\n    level: indicator\n"
                      "    direction: 1\n    parents: [top]\n"),
            std::string::npos)
      << text;
  const GoalTree back = load_tree_yaml_string(text, "saved.yaml");
  EXPECT_TRUE(back == tree);
  EXPECT_TRUE(back.definition() == tree.definition());
  EXPECT_EQ(tree_to_yaml(back), text);
}

TEST(TreeYamlIndicators, SeparateIndicatorsFileJoinsTheTree) {
  const GoalTree tree = load_tree_yaml_string(with_definitions, "tree.yaml");
  const IndicatorSet extra = IndicatorSet::parse_yaml(R"(doelenboom_indicators: 1
indicators:
  - id: leersessies
    label: Leersessies
    pillar: doelrealisatie
    result: outcome
    measure: count
    unit: sessies
)",
                                                      "indicators.yaml");
  const GoalTree both = tree.with_indicators(extra);
  std::vector<std::string> ids;
  for (const auto& d : both.indicators().definitions()) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"clienten", "p_tevreden", "wachttijd", "per_1000", "leersessies"}));
  EXPECT_EQ(both.indicators().at("leersessies").where.to_string(), "indicators.yaml:3");
  EXPECT_EQ(both.indicators().at("clienten").where.to_string(), "tree.yaml:7");
  EXPECT_EQ(tree.indicators().size(), 4U);  // the original is unchanged
  // Saved, the tree file holds all definitions.
  const std::string text = tree_to_yaml(both);
  EXPECT_NE(text.find("  - id: leersessies\n    label: Leersessies\n    kind: indicator\n    level: indicator\n"
                      "    direction: 1\n    pillar: goal_attainment\n    result: outcome\n    measure: count\n"
                      "    unit: sessies\n    parents: [top]\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(load_tree_yaml_string(text) == both);
}

TEST(TreeYamlIndicators, SeparateIndicatorsFileThatDisagreesNamesBothFiles) {
  const GoalTree tree = load_tree_yaml_string(with_definitions, "tree.yaml");
  const IndicatorSet clash = IndicatorSet::parse_yaml(clashing_indicators, "indicators.yaml");
  try {
    (void)tree.with_indicators(clash);
    FAIL() << "expected a TreeError";
  } catch (const TreeError& e) {
    EXPECT_EQ(messages(e),
              (std::vector<std::string>{
                  "indicators.yaml:3: indicator 'clienten' is defined twice: at tree.yaml:7 and at indicators.yaml:3 "
                  "(expected one definition per indicator: in the tree file or in a separate indicators file, not both)",
                  "indicators.yaml:8: indicator 'leersessies': the definition has direction -1, but node 'leersessies' "
                  "(tree.yaml:47) has direction 1 (expected the same direction in both)",
                  "indicators.yaml:14: indicator definition 'top' is for goal 'top' (expected the id of an indicator "
                  "node; goals have no definitions)",
                  "indicators.yaml:19: indicator definition 'onbekend' has no node in the tree (expected the id of an "
                  "indicator node)",
              }));
    EXPECT_EQ(e.problems()[0].code, "duplicate_indicator");
    EXPECT_EQ(e.problems()[1].code, "indicator_mismatch");
    EXPECT_EQ(e.problems()[2].code, "not_an_indicator");
    EXPECT_EQ(e.problems()[3].code, "unknown_indicator");
  }
}

TEST(TreeYamlIndicators, ShippedExamplesDefineEveryIndicator) {
  for (const char* name : {"movisie.yaml", "neder-betuwe.yaml"}) {
    SCOPED_TRACE(name);
    const GoalTree tree = load_tree_yaml(source_dir / "examples" / "trees" / name);
    std::size_t indicator_nodes = 0;
    for (const auto& node : tree.nodes()) {
      if (node.kind != NodeKind::indicator) continue;
      ++indicator_nodes;
      const IndicatorDefinition* d = tree.indicators().find(node.id);
      ASSERT_NE(d, nullptr) << node.id;
      EXPECT_FALSE(d->unit_text.empty()) << node.id;
      // Reach is output; satisfaction and goal attainment are outcomes.
      EXPECT_EQ(d->kind, d->pillar == Pillar::reach ? ResultKind::output : ResultKind::outcome) << node.id;
    }
    EXPECT_EQ(tree.indicators().size(), indicator_nodes);
  }
  const GoalTree movisie = load_tree_yaml(source_dir / "examples" / "trees" / "movisie.yaml");
  EXPECT_EQ(movisie.indicators().size(), 15U);
  const IndicatorDefinition& quality = movisie.indicators().at("ind_kwaliteit_goed");
  EXPECT_EQ(quality.pillar, Pillar::satisfaction);
  EXPECT_EQ(quality.measure, Measure::proportion);
  EXPECT_EQ(quality.norm, 0.8);
  EXPECT_EQ(quality.goalpost_min, 0.5);
  EXPECT_EQ(quality.goalpost_max, 1.0);
  EXPECT_EQ(quality.unit_text, "aandeel cliënten");
  EXPECT_EQ(quality.label, "% cliënten dat de kwaliteit van de ondersteuning goed vindt");
  const IndicatorDefinition& lead_time = movisie.indicators().at("ind_doorlooptijd");
  EXPECT_EQ(lead_time.direction, -1);
  EXPECT_EQ(lead_time.norm, 28.0);
  EXPECT_EQ(lead_time.unit_text, "dagen");
  const IndicatorDefinition& zrm = movisie.indicators().at("ind_zrm_verbeterd");
  EXPECT_EQ(zrm.pillar, Pillar::goal_attainment);
  EXPECT_EQ(zrm.measure, Measure::ordinal_change);
  EXPECT_EQ(zrm.scale, (Scale{"zrm", 1, 5}));
  const GoalTree neder_betuwe = load_tree_yaml(source_dir / "examples" / "trees" / "neder-betuwe.yaml");
  EXPECT_EQ(neder_betuwe.indicators().size(), 8U);
  EXPECT_EQ(neder_betuwe.indicators().at("ind_bekendheid").norm, 0.5);
  EXPECT_EQ(neder_betuwe.indicators().at("ind_clienten").measure, Measure::count);
}

// Random valid definitions: several levels, several parents per node, weights with many
// decimals, labels that YAML could misread (null, yes, "- x", "a: b", ...), UTF-8 everywhere, and
// indicator definitions with every measure, named and own scales, norms, goalposts and units.
// A valid definition for an indicator node: its id, label, description and direction, with
// random values for the rest.
IndicatorDefinition random_indicator(std::mt19937& rng, const Node& node, const std::vector<std::string>& texts) {
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  IndicatorDefinition d;
  d.id = node.id;
  d.label = node.label;
  d.description = node.description;
  d.direction = node.direction;
  d.pillar = std::array{Pillar::reach, Pillar::satisfaction, Pillar::goal_attainment}[pick(3)];
  d.kind = chance(0.5) ? ResultKind::output : ResultKind::outcome;
  d.measure = std::array{Measure::count, Measure::rate, Measure::proportion, Measure::mean, Measure::ordinal_change}[pick(5)];
  double lo = 0.0;
  double hi = 1000.0;
  switch (d.measure) {
    case Measure::rate:
      if (chance(0.5)) d.rate_per = uniform(1.0, 1e6);
      break;
    case Measure::proportion: hi = 1.0; break;
    case Measure::mean:
    case Measure::ordinal_change:
      if (d.measure == Measure::ordinal_change) {
        lo = -5.0;
        hi = 5.0;
      }
      if (d.measure == Measure::mean || chance(0.5)) {
        if (chance(0.5)) {
          d.scale = named_scale(std::array{"likert5", "rapportcijfer", "zrm"}[pick(3)]);
        } else {
          const double a = uniform(-100.0, 100.0);
          d.scale = Scale{chance(0.8) ? texts[pick(texts.size())] : "", a, a + uniform(0.1, 100.0)};
        }
        if (d.measure == Measure::mean) {
          lo = d.scale->min;
          hi = d.scale->max;
        }
      }
      break;
    case Measure::count: break;
  }
  if (chance(0.4)) d.norm = chance(0.2) ? lo : uniform(lo, hi);
  if (chance(0.3)) {
    const double a = uniform(lo, lo + (hi - lo) / 3.0);
    d.goalpost_min = a;
    d.goalpost_max = chance(0.2) ? hi : uniform(lo + (hi - lo) / 2.0, hi);
  }
  if (chance(0.5)) d.unit_text = texts[pick(texts.size())];
  return d;
}

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
      if (bottom && chance(0.6)) def.indicators.push_back(random_indicator(rng, node, texts));
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
