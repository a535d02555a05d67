// The CSV edge-list importer, on the real ASEM hierarchy (tests/data/asem/tree.csv) and on
// small files with one problem each.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "doelenboom/tree_io.hpp"

namespace {

namespace fs = std::filesystem;
using namespace doelenboom;

const fs::path asem_tree = fs::path(DOELENBOOM_TEST_DATA_DIR) / "asem" / "tree.csv";

CsvTreeColumns asem_columns() {
  CsvTreeColumns c;
  c.id = "code";
  c.label = "name";
  c.level = "level";
  c.parent = "parent";
  c.weight = "weight";
  c.direction = "direction";
  c.kind = "type";
  return c;
}

// A CSV file in a fresh folder per test, removed at the end of the test.
class CsvTreeFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("doelenboom-test-" + std::string(info->name()) + "-" + std::to_string(std::random_device{}()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& text, const std::string& name = "tree.csv") {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // The message of the error of type E thrown by loading `text` (a failure when there is none).
  template <class E>
  std::string error_of(const std::string& text, const CsvTreeColumns& columns = {}) {
    const fs::path path = write(text);
    try {
      (void)load_tree_csv(path, columns);
    } catch (const E& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an error for:\n" << text;
    return {};
  }

  fs::path dir_;
};

TEST(TreeCsvAsem, LoadsTheHierarchy) {
  const GoalTree tree = load_tree_csv(asem_tree, asem_columns());
  EXPECT_EQ(tree.size(), 60U);
  EXPECT_EQ(tree.num_edges(), 59U);
  EXPECT_EQ(tree.levels(), (std::vector<std::string>{"4", "3", "2", "1"}));
  ASSERT_EQ(tree.roots().size(), 1U);
  EXPECT_EQ(tree.node(tree.roots().front()).id, "Index");
  EXPECT_EQ(tree.node("Index").label, "Sustainable Connectivity");

  const auto leaves = tree.leaves();
  EXPECT_EQ(leaves.size(), 49U);
  std::size_t lower_is_better = 0;
  for (const auto leaf : leaves) {
    EXPECT_EQ(tree.node(leaf).kind, NodeKind::indicator);
    EXPECT_EQ(tree.node(leaf).level, "1");
    if (tree.node(leaf).direction == -1) ++lower_is_better;
  }
  EXPECT_EQ(lower_is_better, 14U);
  EXPECT_EQ(tree.nodes_at_level("2").size(), 8U);
  EXPECT_EQ(tree.nodes_at_level("3").size(), 2U);

  // The file writes direction 1 for aggregates; goals have none.
  EXPECT_EQ(tree.node("Physical").kind, NodeKind::goal);
  EXPECT_EQ(tree.node("Physical").direction, 0);
  EXPECT_EQ(tree.node("Index").direction, 0);
  EXPECT_EQ(tree.node("Tariff").direction, -1);
  EXPECT_EQ(tree.node("LPI").direction, 1);
  // Quoted commas in labels survive.
  EXPECT_EQ(tree.node("PrivDebt").label, "Private debt, loans and debt securities as percentage of GDP");
  // Nodes keep the row order and know their row.
  EXPECT_EQ(tree.node(0).id, "LPI");
  EXPECT_EQ(tree.node("LPI").where.to_string(), asem_tree.string() + ":2, row 1, field 'code'");
  EXPECT_EQ(tree.node("Index").where.row, 60U);
}

TEST(TreeCsvAsem, EffectiveWeightsInTheIndex) {
  // All ASEM weights are 1, so an indicator's share of the Index is
  // 1/(children of Index) * 1/(children of its sub-index) * 1/(children of its pillar).
  // Index: Conn, Sust (2). Conn: Physical, ConEcFin, Political, Instit, P2P (5).
  // Sust: Environ, Social, SusEcFin (3). Physical 8, ConEcFin 5, Political 3, Instit 6, P2P 8,
  // Environ 5, Social 9, SusEcFin 5 indicators (counted in tree.csv).
  const GoalTree tree = load_tree_csv(asem_tree, asem_columns());
  const Eigen::VectorXd w = tree.effective_weights(tree.index_of("Index"));
  const auto weight = [&](const char* id) { return w(static_cast<Eigen::Index>(tree.index_of(id))); };
  EXPECT_NEAR(weight("Index"), 1.0, 1e-15);
  EXPECT_NEAR(weight("Conn"), 1.0 / 2, 1e-15);
  EXPECT_NEAR(weight("Social"), 1.0 / 2 * 1.0 / 3, 1e-15);
  EXPECT_NEAR(weight("LPI"), 1.0 / 2 * 1.0 / 5 * 1.0 / 8, 1e-15);       // Physical
  EXPECT_NEAR(weight("Goods"), 1.0 / 2 * 1.0 / 5 * 1.0 / 5, 1e-15);     // ConEcFin
  EXPECT_NEAR(weight("Embs"), 1.0 / 2 * 1.0 / 5 * 1.0 / 3, 1e-15);      // Political
  EXPECT_NEAR(weight("Tariff"), 1.0 / 2 * 1.0 / 5 * 1.0 / 6, 1e-15);    // Instit
  EXPECT_NEAR(weight("Lang"), 1.0 / 2 * 1.0 / 5 * 1.0 / 8, 1e-15);      // P2P
  EXPECT_NEAR(weight("CO2"), 1.0 / 2 * 1.0 / 3 * 1.0 / 5, 1e-15);       // Environ
  EXPECT_NEAR(weight("Palma"), 1.0 / 2 * 1.0 / 3 * 1.0 / 9, 1e-15);     // Social
  EXPECT_NEAR(weight("PubDebt"), 1.0 / 2 * 1.0 / 3 * 1.0 / 5, 1e-15);   // SusEcFin
  double total = 0.0;
  for (const auto leaf : tree.leaves()) total += w(static_cast<Eigen::Index>(leaf));
  EXPECT_NEAR(total, 1.0, 1e-14);
}

TEST(TreeCsvAsem, RoundTripsThroughYaml) {
  const GoalTree tree = load_tree_csv(asem_tree, asem_columns());
  const GoalTree back = load_tree_yaml_string(tree_to_yaml(tree), "asem.yaml");
  EXPECT_TRUE(back == tree);
}

TEST_F(CsvTreeFile, DefaultColumnsAndSeveralParents) {
  const GoalTree tree = load_tree_csv(write(
      "id,parent,label,level,weight,direction,kind\n"
      "top,,Zelfregie,doel,,,goal\n"
      "a,top,Kunnen kiezen,factor,,,\n"
      "b,top,Willen kiezen,factor,2,,\n"
      "act,a,Informatie geven,activiteit,0.25,,Goal\n"
      "act,b,Informatie geven,activiteit,3,,GOAL\n"
      "ind,act,\"Aandeel cliënten, %\",indicator,,-1,indicator\n"));
  EXPECT_EQ(tree.levels(), (std::vector<std::string>{"doel", "factor", "activiteit", "indicator"}));  // first seen
  EXPECT_EQ(tree.size(), 5U);
  EXPECT_DOUBLE_EQ(tree.weight("act", "a"), 0.25);
  EXPECT_DOUBLE_EQ(tree.weight("act", "b"), 3.0);
  EXPECT_DOUBLE_EQ(tree.weight("a", "top"), 1.0);  // empty cell
  EXPECT_EQ(tree.node("a").kind, NodeKind::goal);  // empty kind, not a leaf
  EXPECT_EQ(tree.node("ind").kind, NodeKind::indicator);
  EXPECT_EQ(tree.node("ind").direction, -1);
  EXPECT_EQ(tree.node("ind").label, "Aandeel cliënten, %");
}

TEST_F(CsvTreeFile, OptionalColumnsLeftOut) {
  CsvTreeColumns columns;
  columns.label = "";
  columns.weight = "";
  columns.direction = "";
  columns.kind = "";
  columns.numeric_levels_ascend_upwards = false;  // 1 is the top here
  const GoalTree tree = load_tree_csv(write("id,parent,level\nroot,,1\nx,root,2\ny,root,2\nz,x,3\n"), columns);
  EXPECT_EQ(tree.levels(), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(tree.node("x").label, "x");                  // label = id
  EXPECT_EQ(tree.node("x").kind, NodeKind::goal);        // has a child
  EXPECT_EQ(tree.node("y").kind, NodeKind::indicator);   // a leaf
  EXPECT_EQ(tree.node("z").direction, 1);
}

TEST_F(CsvTreeFile, MissingColumnsAreListedTogether) {
  const std::string message = error_of<ParseError>("code,name\nx,y\n");
  EXPECT_NE(message.find("tree.csv: missing required column 'id' (columns are: code, name)"), std::string::npos) << message;
  EXPECT_NE(message.find("missing required column 'parent'"), std::string::npos) << message;
  EXPECT_NE(message.find("missing required column 'weight' (columns are: code, name); to do without a weight column, "
                         "give it an empty name"),
            std::string::npos)
      << message;
}

TEST_F(CsvTreeFile, BadCellsNameFileRowAndColumn) {
  CsvTreeColumns columns;
  columns.description = "";
  const std::string message = error_of<ParseError>(
      "id,parent,label,level,weight,direction,kind\n"
      "top,,Top,doel,,,goal\n"
      "i1,top,I1,indicator,veel,,indicator\n"
      "i2,top,I2,indicator,1,2,indicator\n"
      "i3,top,I3,indicator,1,,meting\n",
      columns);
  EXPECT_NE(message.find("tree.csv:3, row 2, field 'weight': node 'i1': weight 'veel' is not a number"), std::string::npos)
      << message;
  EXPECT_NE(message.find("tree.csv:4, row 3, field 'direction': indicator 'i2': direction '2' must be 1"), std::string::npos)
      << message;
  EXPECT_NE(message.find("tree.csv:5, row 4, field 'kind': node 'i3': kind 'meting' is not one of: indicator, goal, "
                         "aggregate"),
            std::string::npos)
      << message;
}

TEST_F(CsvTreeFile, RowsOfOneNodeMustAgree) {
  const std::string message = error_of<ParseError>(
      "id,parent,label,level,weight,direction,kind\n"
      "top,,Top,doel,,,goal\n"
      "mid,top,Midden,doel,,,goal\n"
      "ind,top,Meting,indicator,,1,indicator\n"
      "ind,mid,Meting anders,indicator,,-1,indicator\n");
  EXPECT_NE(message.find("tree.csv:5, row 4, field 'label': node 'ind': label 'Meting anders' differs from 'Meting' on "
                         "row 3"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("tree.csv:5, row 4, field 'direction': node 'ind': direction '-1' differs from '1' on row 3"),
            std::string::npos)
      << message;
}

TEST_F(CsvTreeFile, RootRows) {
  const std::string twice = error_of<ParseError>("id,parent,level\ntop,,a\ntop,,a\n", [] {
    CsvTreeColumns c;
    c.label = c.weight = c.direction = c.kind = "";
    return c;
  }());
  EXPECT_NE(twice.find("tree.csv:3, row 2, field 'parent': node 'top' has no parent here and again on row 1"),
            std::string::npos)
      << twice;
}

TEST_F(CsvTreeFile, GraphProblemsAreTreeErrorsWithRows) {
  CsvTreeColumns columns;
  columns.label = columns.weight = columns.direction = columns.kind = "";
  const std::string message = error_of<TreeError>("id,parent,level\ntop,,a\nx,top,b\ny,onbekend,b\n", columns);
  EXPECT_NE(message.find("tree.csv:4, row 3, field 'parent': "), std::string::npos) << message;
  EXPECT_NE(message.find("'onbekend'"), std::string::npos) << message;
}

TEST_F(CsvTreeFile, NumericLevelsWrittenTwoWays) {
  CsvTreeColumns columns;
  columns.label = columns.weight = columns.direction = columns.kind = "";
  const std::string message = error_of<ParseError>("id,parent,level\ntop,,2\nx,top,1\ny,top,01\n", columns);
  EXPECT_NE(message.find("levels '1' and '01' are the same number"), std::string::npos) << message;
}

TEST_F(CsvTreeFile, EncodingAndFileErrors) {
  const std::string latin1 = error_of<ParseError>("id,parent,level,label\ntop,,a,Cli\xEBnt\n");
  EXPECT_NE(latin1.find("tree.csv:2, row 1: invalid UTF-8 at byte offset 32"), std::string::npos) << latin1;
  try {
    (void)load_tree_csv(dir_ / "missing.csv");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "missing.csv").string()), std::string::npos) << e.what();
  }
}

}  // namespace
