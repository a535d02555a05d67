// The catalogue of malformed and hostile files (tests/bad_inputs/, listed in expected.csv): every
// file is refused by its reader with the expected error class and a message naming the file and
// the place, the validation functions report the same problem without throwing, nothing crashes
// or hangs (the ctest timeout; the asan preset runs this too). Cases too large to commit (a 50 MB
// line) are generated here. The writers leave no temporary file and the old file intact when they
// fail.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/csv.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/indicator.hpp"
#include "doelenboom/monitoring.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"
#include "doelenboom/signals.hpp"
#include "doelenboom/tree_io.hpp"
#include "doelenboom/unit.hpp"
#include "temp_dir.hpp"

namespace db = doelenboom;
namespace fs = std::filesystem;

namespace {

const fs::path catalogue = fs::path(DOELENBOOM_SOURCE_DIR) / "tests" / "bad_inputs";

const db::Pseudonymiser& key() {
  static const db::Pseudonymiser p("a test key of at least sixteen bytes");
  return p;
}

const std::vector<db::Item>& items() {
  static const std::vector<db::Item> list = db::parse_items_yaml(
      "doelenboom_items: 1\nitems:\n  - {id: q1, label: Geholpen, type: likert5}\n"
      "  - {id: cijfer, label: Cijfer, type: grade}\n",
      "items.yaml");
  return list;
}

// What a reader did with a file: the error class and message, or "accepted".
struct Outcome {
  std::string error = "accepted";
  std::string message;
};

template <class F>
Outcome run(F&& read) {
  try {
    read();
  } catch (const db::ParseError& e) {
    return {"ParseError", e.what()};
  } catch (const db::TreeError& e) {
    return {"TreeError", e.what()};
  } catch (const db::DataError& e) {
    return {"DataError", e.what()};
  } catch (const db::PipelineError& e) {
    return {"PipelineError", e.what()};
  } catch (const db::Error& e) {
    return {"Error", e.what()};
  }
  return {};
}

std::string joined(const std::vector<db::Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.message + "\n";
  return out;
}

// The reader named in expected.csv, and its validation function when it has one (empty result
// for readers without).
Outcome read_with(const std::string& reader, const fs::path& path) {
  if (reader == "tree_yaml") return run([&] { (void)db::load_tree_yaml(path); });
  if (reader == "tree_csv") return run([&] { (void)db::load_tree_csv(path); });
  if (reader == "dataset") return run([&] { (void)db::Dataset::read_csv(path); });
  if (reader == "registrations") return run([&] { (void)db::read_registrations_csv(path, key()); });
  if (reader == "responses") return run([&] { (void)db::read_responses_csv(path, items(), key()); });
  if (reader == "prepost") return run([&] { (void)db::read_prepost_csv(path, key()); });
  if (reader == "units") return run([&] { (void)db::UnitRegistry::load_csv(path); });
  if (reader == "items") return run([&] { (void)db::load_items_yaml(path); });
  if (reader == "indicators") return run([&] { (void)db::IndicatorSet::load_yaml(path); });
  if (reader == "pipeline") return run([&] { (void)db::PipelineSpec::load_yaml(path); });
  if (reader == "signals") return run([&] { (void)db::SignalRules::load_yaml(path); });
  if (reader == "run_config") return run([&] { (void)db::MonitoringConfig::load_yaml(path); });
  ADD_FAILURE() << "unknown reader " << reader;
  return {};
}

std::optional<std::vector<db::Problem>> check_with(const std::string& reader, const fs::path& path) {
  if (reader == "tree_yaml") return db::check_tree_file(path);
  if (reader == "dataset") return db::Dataset::check_csv(path);
  if (reader == "registrations") return db::check_registrations_csv(path);
  if (reader == "responses") return db::check_responses_csv(path, items());
  if (reader == "prepost") return db::check_prepost_csv(path);
  if (reader == "indicators") return db::IndicatorSet::check_yaml_file(path);
  return std::nullopt;
}

struct Case {
  std::string file, reader, error, message;
};

std::vector<Case> cases() {
  const auto table = db::detail::read_csv_file(catalogue / "expected.csv");
  const auto col = [&](std::string_view name) { return db::detail::column_index(table, name); };
  const std::size_t file = col("file"), reader = col("reader"), error = col("error"), message = col("message");
  std::vector<Case> out;
  for (const auto& row : table.rows) out.push_back({row[file], row[reader], row[error], row[message]});
  return out;
}

}  // namespace

TEST(BadInputs, CatalogueListsEveryFileAndHasAtLeastForty) {
  std::set<std::string> listed;
  for (const auto& c : cases()) EXPECT_TRUE(listed.insert(c.file).second) << c.file << " is listed twice";
  std::set<std::string> present;
  for (const auto& entry : fs::directory_iterator(catalogue)) {
    const std::string name = entry.path().filename().string();
    if (name != "expected.csv" && name != "README.md") present.insert(name);
  }
  EXPECT_EQ(listed, present);
  EXPECT_GE(listed.size(), 40U);
}

TEST(BadInputs, EveryFileIsRefusedWithItsMessage) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.file + " read as " + c.reader);
    const fs::path path = catalogue / c.file;
    const Outcome got = read_with(c.reader, path);
    EXPECT_EQ(got.error, c.error) << got.message;
    EXPECT_NE(got.message.find(c.message), std::string::npos) << "expected '" << c.message << "' in:\n" << got.message;
    // Messages stay readable: no file's content is echoed wholesale.
    EXPECT_LT(got.message.size(), 4000U);
    if (const auto problems = check_with(c.reader, path)) {
      const std::string all = joined(*problems);
      EXPECT_NE(all.find(c.message), std::string::npos) << "the check function misses '" << c.message << "':\n" << all;
    }
  }
}

// 50 MB on one line, generated rather than committed: refused, with a message that names the row
// and column and does not repeat the 50 MB.
const std::string& fifty_megabytes() {
  static const std::string huge(50U << 20U, '7');
  return huge;
}

TEST(BadInputsEnormousLine, DataCsvNumberCell) {
  const db::testing::TempDir dir("bad_inputs_enormous_data");
  const auto path = dir.write("huge_value.csv", "unit,period,indicator,value\nGM0001,2023,clienten," + fifty_megabytes() + "\n");
  const Outcome got = read_with("dataset", path);
  EXPECT_EQ(got.error, "ParseError");
  EXPECT_NE(got.message.find("huge_value.csv, row 1, field 'value': '7777"), std::string::npos) << got.message.substr(0, 300);
  EXPECT_NE(got.message.find("...' (52428800 bytes) is not a number"), std::string::npos) << got.message.substr(0, 300);
  EXPECT_LT(got.message.size(), 4000U);
}

TEST(BadInputsEnormousLine, TreeYamlKey) {
  // YAML keys are at most 1024 characters (yaml-cpp follows the spec): a syntax error.
  const db::testing::TempDir dir("bad_inputs_enormous_key");
  const auto path = dir.write("huge_key.yaml", "doelenboom: 1\nlevels: [doel]\nnodes: []\n" + fifty_megabytes() + ": 1\n");
  const Outcome got = read_with("tree_yaml", path);
  EXPECT_EQ(got.error, "ParseError");
  EXPECT_NE(got.message.find("huge_key.yaml:4: YAML syntax error"), std::string::npos) << got.message.substr(0, 300);
  EXPECT_LT(got.message.size(), 4000U);
}

TEST(BadInputsEnormousLine, TreeYamlValue) {
  const db::testing::TempDir dir("bad_inputs_enormous_version");
  const auto path = dir.write("huge_version.yaml", "doelenboom: " + fifty_megabytes() + "\nlevels: [doel]\nnodes: []\n");
  const Outcome got = read_with("tree_yaml", path);
  EXPECT_EQ(got.error, "ParseError");
  EXPECT_NE(got.message.find("huge_version.yaml:1: unsupported format version '7777"), std::string::npos)
      << got.message.substr(0, 300);
  EXPECT_NE(got.message.find("...' (52428800 bytes)"), std::string::npos) << got.message.substr(0, 300);
  EXPECT_LT(got.message.size(), 4000U);
}

TEST(BadInputsEnormousLine, TreeCsvId) {
  // A 50 MB id that is also an unknown parent: every message about it is short.
  const db::testing::TempDir dir("bad_inputs_enormous_id");
  const std::string& huge = fifty_megabytes();
  const auto path = dir.write("huge_id.csv", "id,parent,label,level,weight,direction,kind\ntop,,Top,doel,,,goal\n" + huge +
                                                 ",top,X,indicator,,,indicator\nx," + huge + ",Y,indicator,,,indicator\n");
  const Outcome got = read_with("tree_csv", path);
  EXPECT_EQ(got.error, "TreeError");
  EXPECT_NE(got.message.find("...' (52428800 bytes)"), std::string::npos) << got.message.substr(0, 300);
  EXPECT_LT(got.message.size(), 4000U);
}

// A writer that fails leaves nothing behind: the target (here a folder in the way, so that the
// final rename fails after the temporary file was written) is untouched and no temporary file
// remains; a target under a regular file (no folder to write in) creates nothing.
TEST(BadInputs, FailedWritesLeaveNoPartialFile) {
  const db::testing::TempDir dir("bad_inputs_writers");
  const db::GoalTree tree = db::load_tree_yaml(fs::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml");
  db::EstimateRecord record;
  record.unit = "GM0001";
  record.period = *db::Period::parse("2023");
  record.indicator = "x";
  record.value = 1.0;
  const db::Dataset data = db::Dataset::from_records({record});
  const db::IndicatorSet indicators = tree.indicators();
  const db::PipelineSpec spec;
  db::Unit unit;
  unit.id = "GM0001";
  unit.name = "Een";
  const db::UnitRegistry units({unit});
  const std::vector<std::pair<std::string, std::function<void(const fs::path&)>>> writers{
      {"save_tree_yaml", [&](const fs::path& p) { db::save_tree_yaml(tree, p); }},
      {"Dataset::write_csv", [&](const fs::path& p) { data.write_csv(p); }},
      {"IndicatorSet::save_yaml", [&](const fs::path& p) { indicators.save_yaml(p); }},
      {"PipelineSpec::save_yaml", [&](const fs::path& p) { spec.save_yaml(p); }},
      {"UnitRegistry::save_csv", [&](const fs::path& p) { units.save_csv(p); }},
  };
  const auto listing = [&] {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir.path())) names.insert(fs::relative(e.path(), dir.path()).string());
    return names;
  };
  for (const auto& [name, write] : writers) {
    SCOPED_TRACE(name);
    const fs::path folder = dir.path() / "in-the-way";
    fs::create_directories(folder);
    dir.write("in-the-way/old.txt", "old content");
    const fs::path plain = dir.write("plain.txt", "old file");
    const auto before = listing();
    const Outcome into_folder = run([&] { write(folder); });
    EXPECT_EQ(into_folder.error, "Error");
    EXPECT_NE(into_folder.message.find("in-the-way"), std::string::npos) << into_folder.message;
    const Outcome under_file = run([&] { write(plain / "x.out"); });
    EXPECT_EQ(under_file.error, "Error");
    EXPECT_EQ(listing(), before);
    std::ifstream old(folder / "old.txt");
    std::stringstream text;
    text << old.rdbuf();
    EXPECT_EQ(text.str(), "old content");
    std::ifstream kept(plain);
    std::stringstream plain_text;
    plain_text << kept.rdbuf();
    EXPECT_EQ(plain_text.str(), "old file");
  }
}
