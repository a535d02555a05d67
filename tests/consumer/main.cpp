// Uses the installed library the way a municipal tool would: load a tree, query it, check the
// numbers it gets back. Exits non-zero on any surprise.
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <doelenboom/dataset.hpp>
#include <doelenboom/disclosure.hpp>
#include <doelenboom/estimate_intervals.hpp>
#include <doelenboom/goal_tree.hpp>
#include <doelenboom/monitoring.hpp>
#include <doelenboom/pipeline.hpp>
#include <doelenboom/sensitivity.hpp>
#include <doelenboom/stats.hpp>
#include <doelenboom/tree_io.hpp>
#include <doelenboom/version.hpp>

namespace db = doelenboom;

static int fail(const std::string& what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: consumer TREE.yaml");
  std::cout << "doelenboom " << DOELENBOOM_VERSION_STRING << "\n";

  const db::GoalTree tree = db::load_tree_yaml(argv[1]);
  auto roots = tree.roots();
  if (roots.size() != 1) return fail("expected one root");
  const auto root = roots.front();
  std::cout << "tree '" << tree.name() << "': " << tree.size() << " nodes, " << tree.num_edges() << " edges, root "
            << tree.node(root).id << " (" << tree.node(root).label << ")\n";

  // The effective weights of the leaves in the root add up to 1.
  const Eigen::VectorXd w = tree.effective_weights(root);
  double sum = 0.0;
  for (auto leaf : tree.leaves()) sum += w[static_cast<Eigen::Index>(leaf)];
  if (std::abs(sum - 1.0) > 1e-12) return fail("leaf weights sum to " + std::to_string(sum));
  std::cout << "leaf weights in the root sum to " << sum << "\n";

  // Errors carry their location.
  try {
    (void)db::load_tree_yaml_string("doelenboom: 1\nlevels: [a]\nnodes:\n  - id: x\n    lable: X\n", "bad.yaml");
    return fail("a bad tree was accepted");
  } catch (const db::ParseError& e) {
    std::cout << "bad tree rejected: " << e.what() << "\n";
  }

  // Save and load again: the same graph.
  const db::GoalTree again = db::load_tree_yaml_string(db::tree_to_yaml(tree), "again.yaml");
  if (!(again == tree)) return fail("save/load changed the tree");
  // Estimates for every indicator of the tree in three fictitious units, then the pipeline.
  std::vector<db::EstimateRecord> records;
  const db::Period year = *db::Period::parse("2025");
  const std::vector<std::string> units = {"GM0001", "GM0002", "GM0003"};
  for (std::size_t u = 0; u < units.size(); ++u) {
    for (auto leaf : tree.leaves()) {
      const db::Node& node = tree.node(leaf);
      if (node.kind != db::NodeKind::indicator) continue;
      db::EstimateRecord r;
      r.unit = units[u];
      r.period = year;
      r.indicator = node.id;
      // A share from 40 respondents, different per unit and indicator.
      const double yes = static_cast<double>(10 + (7 * u + 3 * leaf) % 25);
      const db::stats::Interval w = db::stats::wilson(yes, 40.0);
      r.value = w.estimate;
      r.n = 40.0;
      r.se = std::sqrt(w.estimate * (1.0 - w.estimate) / 40.0);
      records.push_back(r);
    }
  }
  const db::Dataset data = db::Dataset::from_records(records);
  // Without an interval of their own the estimates get the normal one from se, flagged approximate.
  const db::EstimateIntervals intervals = db::estimate_intervals(data, 0.95);
  const double expected_low = data.values()[0] - intervals.z * data.se()[0];
  if (intervals.z != db::stats::normal_critical_value(0.95) || intervals.approximate.empty() ||
      intervals.approximate.front() != 1U || !(std::abs(intervals.low[0] - expected_low) <= 1e-15)) {
    return fail("the interval of an estimate is not value -/+ z se");
  }
  db::PipelineSpec spec;
  spec.normalise.method = db::Normalisation::minmax;
  const db::PipelineResult result = db::run_pipeline(tree, data, spec);
  const auto top = static_cast<Eigen::Index>(root);
  for (std::size_t row = 0; row < result.rows(); ++row) {
    const double score = result.scores()(static_cast<Eigen::Index>(row), top);
    double parts = 0.0;
    for (const auto& [part, value] : result.contributions(root, row, "activiteit")) parts += value;
    if (std::abs(parts - score) > 1e-9) return fail("contributions do not add up to the score");
    std::cout << result.units()[row] << " " << tree.node(root).id << " = " << score << " ["
              << result.lower()(static_cast<Eigen::Index>(row), top) << ", "
              << result.upper()(static_cast<Eigen::Index>(row), top) << "], contributions of the activities add up\n";
  }

  // Sensitivity of the ranks to the weights and the sampling error: every run is a pipeline run.
  db::SensitivitySpec sens;
  sens.level_weight_noise["factor"] = 0.25;
  sens.sampling = db::SamplingFactors::one;
  sens.replications = 64;
  sens.bootstrap = 100;
  sens.seed = 7;
  const db::SensitivityResult sa = db::run_sensitivity(tree, data, spec, sens);
  const std::size_t probe = sa.runs() / 2;
  const db::PipelineResult again_run =
      db::run_pipeline(tree, sa.replication_data(data, probe), sa.replication_spec(probe));
  for (std::size_t row = 0; row < sa.rows(); ++row) {
    const double expected = again_run.scores()(static_cast<Eigen::Index>(row), top);
    const double got = sa.scores()(static_cast<Eigen::Index>(probe), static_cast<Eigen::Index>(row));
    if (!(std::abs(expected - got) <= 1e-12)) return fail("a sensitivity run is not its pipeline run");
  }
  std::cout << "sensitivity: " << sa.runs() << " runs, " << sa.factors().size() << " factors, run " << probe
            << " equals its pipeline run\n";

  // The monitoring job from a run config: two fictitious years of registrations per village, and a
  // village (Opheusden) from which nobody comes in the last year. Its reach signal must name it.
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "doelenboom_consumer_run";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; };
  write("units.csv", "id,name,population\nGM1740,Neder-Betuwe,25017\nGM0275,Rheden,43467\n");
  std::string registrations = "unit,period,client,kern\n";
  int client = 0;
  for (int y = 2021; y <= 2024; ++y) {
    for (const std::string kern : {"Kesteren", "Opheusden"}) {
      const int clients = kern == "Opheusden" && y == 2024 ? 0 : 30;
      for (int c = 0; c < clients; ++c) registrations += "GM1740," + std::to_string(y) + ",c" + std::to_string(++client) + "," + kern + "\n";
    }
    for (int c = 0; c < 40; ++c) registrations += "GM0275," + std::to_string(y) + ",c" + std::to_string(++client) + ",\n";
  }
  write("registrations.csv", registrations);
  write("run.yaml", "doelenboom_run: 1\nname: Consumer (fictitious)\nfictitious: true\ntree: " + fs::absolute(argv[1]).string() +
                        "\nunits: units.csv\npseudonym_key: consumer-example-key-only\ndata:\n  registrations:\n"
                        "    files: registrations.csv\n    areas: [kern]\nindicators:\n  ind_clienten_bereikt: reach.clients\n"
                        "compare: {draws: 20}\noutput: out\n");
  const db::MonitoringConfig config = db::MonitoringConfig::load_yaml(dir / "run.yaml");
  std::size_t steps = 0;
  const db::MonitoringResult run = db::run_monitoring(config, [&](std::string_view, std::size_t, std::size_t) { ++steps; });
  bool village = false;
  for (const auto& s : run.signals) {
    if (s.area == "kern=Opheusden" && s.signal.rule == db::SignalRule::reach && s.signal.value == 0.0) {
      village = true;
      std::cout << "signal: " << s.signal.message_nl << "\n";
    }
  }
  if (!village) return fail("no reach signal for the village without registrations");
  // The peer groups of the koploper table: by size class, and as peer_groups forms them.
  const db::PeerGroups again_groups = db::peer_groups(run.result.units(), &run.units, db::PeerDefinition{});
  if (run.peer_groups.attribute != std::optional<std::string>("size_class") ||
      run.peer_groups.units.size() != again_groups.units.size() ||
      run.peer_groups.units.front().description != again_groups.units.front().description) {
    return fail("the run's peer groups are not those of its units");
  }
  const auto written = db::write_tables(run, config.output);
  if (written.size() != db::monitoring_table_names().size() || !fs::is_regular_file(dir / "out" / "signals.csv")) {
    return fail("the tables were not written");
  }
  std::cout << "monitoring run: " << steps << " steps, " << run.signals.size() << " signals, " << written.size()
            << " tables\n";
  fs::remove_all(dir);
  // Disclosure control: one suppressed kern of three is protected by a second one.
  {
    std::vector<db::EstimateRecord> parts;
    for (const auto& [kern, count] : {std::pair{"A", 4.0}, std::pair{"B", 30.0}, std::pair{"C", 26.0}}) {
      db::EstimateRecord r;
      r.unit = std::string("GM0001/kern=") + kern;
      r.period = *db::Period::parse("2024");
      r.indicator = "clients";
      r.value = r.n = count;
      parts.push_back(r);
    }
    db::EstimateRecord total = parts.front();
    total.unit = "GM0001";
    total.value = total.n = 60.0;
    db::Dataset areas = db::Dataset::from_records(parts);
    const auto protection =
        db::protect_relations(areas, db::breakdown_relations(areas, db::Dataset::from_records({total})));
    if (protection.added != std::vector<std::size_t>{2} || areas.suppressed_count() != 2) {
      return fail("secondary suppression did not protect the suppressed kern");
    }
    std::cout << "disclosure: " << areas.suppressed_count() << " of 3 kernen suppressed\n";
  }
  std::cout << "consumer: OK\n";
  return EXIT_SUCCESS;
}
