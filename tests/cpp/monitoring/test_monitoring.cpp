// The monitoring job: the run config (keys, types, every problem at its line), check() (files,
// columns, nodes), a run on a small data set (linking, Poisson standard errors of counts, area
// reach signals with zeros filled in) and the tables.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "doelenboom/monitoring.hpp"
#include "temp_dir.hpp"

namespace doelenboom {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const fs::path movisie = fs::path(DOELENBOOM_SOURCE_DIR) / "examples" / "trees" / "movisie.yaml";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string messages(const Error& e) {
  std::string out;
  for (const auto& p : e.problems()) out += p.message + "\n";
  return out;
}

/// Registrations: Neder-Betuwe (GM1740) 60 clients a year, 30 of them from Opheusden, none from
/// Opheusden in 2024; Rheden (GM0275) 40 a year, 20 in 2024; Pekela (GM0765) 6 a year (suppressed).
std::string registrations() {
  std::string csv = "gemeente,jaar,client,kern,uren\n";
  int id = 0;
  const auto add = [&](const std::string& unit, int year, int clients, const std::string& kern) {
    for (int c = 0; c < clients; ++c) {
      ++id;
      // Two contacts per client: distinct clients are counted once, hours summed.
      for (int k = 0; k < 2; ++k) csv += unit + "," + std::to_string(year) + ",c" + std::to_string(id) + "," + kern + ",1.5\n";
    }
  };
  for (int year = 2021; year <= 2024; ++year) {
    add("GM1740", year, 30, "Kesteren");
    add("GM1740", year, year == 2024 ? 0 : 30, "Opheusden");
    add("GM0275", year, year == 2024 ? 20 : 40, "");
    add("GM0765", year, 6, "");
  }
  return csv;
}

std::string config_text(const std::string& extra = {}) {
  return "doelenboom_run: 1\n"
         "name: Test\n"
         "tree: " + movisie.string() + "\n"
         "gemeenten: " + testing::gemeenten_csv.string() + "\n"
         "pseudonym_key: a-test-key-of-enough-bytes\n"
         "data:\n"
         "  registrations:\n"
         "    files: registraties.csv\n"
         "    columns: {unit: gemeente, period: jaar, hours: uren}\n"
         "    areas: [kern]\n"
         "indicators:\n"
         "  ind_clienten_bereikt: reach.clients\n"
         "  ind_uren: reach.hours\n"
         "compare: {draws: 50}\n" + extra;
}

TEST(MonitoringConfig, ReadsEveryKeyAndResolvesPathsAgainstTheConfigFolder) {
  TempDir dir("monitoring_config_keys");
  const auto path = dir.write("run.yaml", config_text("baseline: 2021\nperiod: \"2024\"\nsuppression_threshold: 5\nhorizon: 3\n"));
  const auto c = MonitoringConfig::load_yaml(path);
  EXPECT_EQ(c.name, "Test");
  ASSERT_TRUE(c.registrations.has_value());
  ASSERT_EQ(c.registrations->files.size(), 1u);
  EXPECT_EQ(c.registrations->files[0], dir.path() / "registraties.csv");
  EXPECT_EQ(c.registrations->columns.unit, "gemeente");
  EXPECT_EQ(c.registrations->columns.client, "client");  // the default
  EXPECT_EQ(c.registrations->columns.breakdowns, std::vector<std::string>{"kern"});
  ASSERT_EQ(c.indicators.size(), 2u);
  EXPECT_EQ(c.indicators[1].node, "ind_uren");
  EXPECT_EQ(c.indicators[1].estimate, "reach.hours");
  EXPECT_EQ(c.indicators[1].where.line, 13u);
  EXPECT_EQ(c.baseline, Period::parse("2021"));
  EXPECT_EQ(c.period, Period::parse("2024"));
  EXPECT_EQ(c.suppression_threshold, 5.0);
  EXPECT_EQ(c.horizon, 3u);
  EXPECT_EQ(c.compare.draws, 50u);
  EXPECT_EQ(c.output, dir.path() / "uitvoer");
}

TEST(MonitoringConfig, ListsEveryProblemOfTheFileWithItsLine) {
  try {
    (void)MonitoringConfig::parse_yaml(
        "doelenboom_run: 1\ntree: t.yaml\ndata: {estimates: e.csv}\nsupression_threshold: 5\nbaseline: 2021x\n"
        "compare: {draws: 0}\n",
        "run.yaml");
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    const std::string m = messages(e);
    EXPECT_NE(m.find("run.yaml:4: unknown key 'supression_threshold'"), std::string::npos) << m;
    EXPECT_NE(m.find("run.yaml:5: 'baseline' '2021x' is not a period"), std::string::npos) << m;
    EXPECT_NE(m.find("run.yaml:6: compare: 'draws' is 0, expected a whole number >= 1"), std::string::npos) << m;
    EXPECT_EQ(e.problems().size(), 3u) << m;
  }
}

TEST(MonitoringConfig, CheckFindsMissingFilesWrongColumnsAndUnknownNodes) {
  TempDir dir("monitoring_config_check");
  dir.write("registraties.csv", registrations());
  dir.write("signalen.yaml", "doelenboom_signals: 1\nnodes:\n  ind_bestaat_niet: {disabled: [drop]}\n");
  dir.write("kengetallen.csv", "unit,period,indicator,value\n");
  // A wrong client column, an unknown node in a link, a missing estimates file and a rule for a
  // node that is not in the tree.
  std::string text = config_text("signals: signalen.yaml\n");
  text.replace(text.find("{unit: gemeente,"), 16, "{client: clientnr, unit: gemeente,");
  text.replace(text.find("  ind_uren: reach.hours"), 22, "  ind_onbekend: reach.hours");
  text.replace(text.find("data:\n"), 6, "data:\n  estimates: [ontbreekt.csv]\n");
  const auto path = dir.write("run.yaml", text);
  const auto config = MonitoringConfig::load_yaml(path);
  const auto problems = config.check();
  std::string m;
  for (const auto& p : problems) m += p.message + "\n";
  EXPECT_EQ(problems.size(), 5u) << m;
  EXPECT_NE(m.find(path.string() + ":10: 'clientnr' (column 'client') is not a column of " +
                   (dir.path() / "registraties.csv").string() + " (its columns are: gemeente, jaar, client, kern, uren)"),
            std::string::npos)
      << m;
  // The file's client column is then one the config does not name.
  EXPECT_NE(m.find(path.string() + ":9: column 'client' of " + (dir.path() / "registraties.csv").string() +
                   " is not one the config names"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(path.string() + ":14: indicators: 'ind_onbekend' is not a node of the tree"), std::string::npos) << m;
  EXPECT_NE(m.find(path.string() + ":7: the data file " + (dir.path() / "ontbreekt.csv").string() + " does not exist"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("signalen.yaml:3"), std::string::npos) << m;
  EXPECT_NE(m.find("ind_bestaat_niet"), std::string::npos) << m;
  // run_monitoring stops on them before reading any data.
  EXPECT_THROW((void)run_monitoring(config), ParseError);
}

TEST(MonitoringConfig, ClientLevelDataNeedsAKey) {
  TempDir dir("monitoring_config_key");
  dir.write("registraties.csv", registrations());
  std::string text = config_text();
  const std::string literal = "pseudonym_key: a-test-key-of-enough-bytes\n";
  text.replace(text.find(literal), literal.size(), "pseudonym_key_env: DOELENBOOM_TEST_UNSET_KEY\n");
  const auto path = dir.write("run.yaml", text);
  const auto problems = MonitoringConfig::load_yaml(path).check();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find(":5: the environment variable DOELENBOOM_TEST_UNSET_KEY is not set"),
            std::string::npos)
      << problems[0].message;
}

TEST(MonitoringConfig, CheckRefusesAPipelineThatRescalesEveryPeriod) {
  // Changes since the baseline on a per-period min-max would measure the other units' movements.
  TempDir dir("monitoring_config_moving_scale");
  dir.write("registraties.csv", registrations());
  dir.write("pipeline.yaml", "doelenboom_pipeline: 1\nnormalise: {scope: per_period}\nnodes:\n"
                             "  ind_uren: {normalise: {method: goalposts}}\n");
  const auto problems = MonitoringConfig::load_yaml(dir.write("run.yaml", config_text("pipeline: pipeline.yaml\n"))).check();
  ASSERT_EQ(problems.size(), 1u) << problems[0].message;
  EXPECT_EQ(problems[0].code, "moving_scale");
  EXPECT_NE(problems[0].message.find("normalise scope per_period redefines the scale of 'ind_clienten_bereikt', "),
            std::string::npos)
      << problems[0].message;
  EXPECT_EQ(problems[0].message.find("'ind_uren'"), std::string::npos);  // goalposts: a fixed scale
  EXPECT_NE(problems[0].message.find("use scope reference (the scale of the baseline) or goalposts"), std::string::npos);
}

TEST(MonitoringConfig, CheckRefusesABreakdownOnTheClientColumnAtItsLine) {
  // `groups: [client]` would publish every client's id as a group: found before any data are read.
  TempDir dir("monitoring_config_client_group");
  dir.write("registraties.csv", "gemeente,jaar,client,uren,kern\nGM1740,2023,a,1,Opheusden\n");
  std::string text = config_text();
  const std::string areas = "    areas: [kern]\n";
  text.replace(text.find(areas), areas.size(), areas + "    groups: [client]\n");
  const auto problems = MonitoringConfig::load_yaml(dir.write("run.yaml", text)).check();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "identifying_breakdown");
  EXPECT_NE(problems[0].message.find("run.yaml:11: breakdown column 'client' is the client column"), std::string::npos)
      << problems[0].message;
}

TEST(Breakdown, ReadsAreaColumnsAndSplitsUnitsIntoSubUnits) {
  TempDir dir("monitoring_breakdown");
  const auto path = dir.write("r.csv",
                              "unit,period,client,kern\nGM1740,2023,a,Opheusden\nGM1740,2023,b,\nGM1740,2023,c,Kesteren\n"
                              "GM0275,2023,d,Velp\nGM1740,2023,a,Opheusden\n");
  const Pseudonymiser key("a-test-key-of-enough-bytes");
  RegistrationColumns columns;
  columns.breakdowns = {"kern"};
  const auto t = read_registrations_csv(path, key, columns);
  ASSERT_EQ(t.breakdowns.size(), 1u);
  EXPECT_EQ(t.breakdowns[0].column, "kern");
  EXPECT_EQ(t.breakdowns[0].names, (std::vector<std::string>{"Opheusden", "Kesteren", "Velp"}));
  EXPECT_EQ(t.breakdowns[0].codes, (std::vector<std::int32_t>{0, -1, 1, 2, 0}));
  const auto split = split_by_breakdown(t, 0);
  EXPECT_EQ(split.unit_names,
            (std::vector<std::string>{"GM1740/kern=Opheusden", "GM1740/kern=Kesteren", "GM0275/kern=Velp"}));
  EXPECT_EQ(split.unit, (std::vector<std::int32_t>{0, 1, 2, 0}));  // the row without a kern is left out
  EXPECT_EQ(split.client, (std::vector<std::uint64_t>{key("a"), key("c"), key("d"), key("a")}));
  EXPECT_EQ(breakdown_unit_id("GM1740", "kern", "Opheusden"), "GM1740/kern=Opheusden");
  // Without the column (or without naming it) the file is refused, naming the column.
  columns.breakdowns = {"wijk"};
  try {
    (void)read_registrations_csv(path, key, columns);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("missing required column 'wijk'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)read_registrations_csv(path, key, RegistrationColumns{}), DataError);  // 'kern' is unknown
}

TEST(MonitoringFiles, SeveralRegistrationFilesAreReadAsOneTable) {
  // Two providers register in the same gemeente and year; client "x" went to both and counts once.
  TempDir dir("monitoring_files");
  std::string a = "gemeente,jaar,client,uren\n", b = "jaar,uren,gemeente,client\n";
  for (int c = 0; c < 12; ++c) a += "GM1740,2023,a" + std::to_string(c) + ",1\n";
  for (int c = 0; c < 9; ++c) b += "2023,,GM1740,b" + std::to_string(c) + "\n";
  // Two units in both years, so that min-max normalisation has two different values (a few
  // clients each: the threshold is off, or they would be missing to the pipeline).
  a += "GM1740,2023,x,2\nGM0275,2022,y,1\nGM0275,2022,y2,1\nGM0275,2023,y,1\nGM1740,2022,z,1\n";
  b += "2023,,GM1740,x\n";
  dir.write("a.csv", a);
  dir.write("b.csv", b);
  std::string text = config_text("suppression_threshold: 0\n");
  const std::string files = "    files: registraties.csv\n";
  text.replace(text.find(files), files.size(), "    files: [a.csv, b.csv]\n");
  const std::string areas = "    areas: [kern]\n";
  text.replace(text.find(areas), areas.size(), "");
  const auto result = run_monitoring(MonitoringConfig::load_yaml(dir.write("run.yaml", text)));
  const Dataset& d = result.estimates;
  const auto row = d.find("GM1740", *Period::parse("2023"), "reach.clients");
  ASSERT_TRUE(row);
  EXPECT_EQ(d.values()[static_cast<Eigen::Index>(*row)], 12 + 9 + 1);
  const auto contacts = d.find("GM1740", *Period::parse("2023"), "reach.contacts");
  ASSERT_TRUE(contacts);
  EXPECT_EQ(d.values()[static_cast<Eigen::Index>(*contacts)], 12 + 9 + 2);
  const auto hours = d.find("GM1740", *Period::parse("2023"), "reach.hours");
  ASSERT_TRUE(hours);
  EXPECT_EQ(d.values()[static_cast<Eigen::Index>(*hours)], 12 + 2);  // file b's hours are not recorded
  EXPECT_TRUE(d.find("GM0275", *Period::parse("2022"), "reach.clients").has_value());
}

TEST(MonitoringFiles, OnlyReadyMadeCountsGetThePoissonSe) {
  // A ready-made count without se gets sqrt(value) from the run; the registrations' estimates carry
  // their own se, or none: a 90th percentile of 12 lead times has no distribution-free interval,
  // and the run does not put sqrt(days) in its place.
  TempDir dir("monitoring_poisson");
  std::string reg = "gemeente,jaar,client,uren,start_date,end_date\n";
  int id = 0;
  for (const char* unit : {"GM1740", "GM0275"}) {  // 12 and 13 clients (min-max needs two values)
    for (const char* year : {"2022", "2023"}) {
      for (int c = 1; c <= (unit[2] == '1' ? 12 : 13); ++c) {
        reg += std::string(unit) + "," + year + ",c" + std::to_string(++id) + "," + (c % 2 ? "1" : "3") + "," + year +
               "-02-01," + year + "-02-" + (c < 10 ? "0" : "") + std::to_string(c) + "\n";
      }
    }
  }
  dir.write("registraties.csv", reg);
  dir.write("e.csv", "unit,period,indicator,value\nGM1740,2023,ind_netwerk_in_kaart,12\nGM0275,2023,ind_netwerk_in_kaart,7\n");
  std::string text = config_text("suppression_threshold: 0\n");
  const std::string areas = "    areas: [kern]\n";
  text.replace(text.find(areas), areas.size(), "  estimates: e.csv\n");
  text.replace(text.find("indicators:\n"), 12, "indicators:\n  ind_doorlooptijd: reach.lead_time_p90_days\n");
  const auto result = run_monitoring(MonitoringConfig::load_yaml(dir.write("run.yaml", text)));
  const Dataset& d = result.indicator_data;
  const auto at = [&](const char* unit, const char* node) {
    const auto row = d.find(unit, *Period::parse("2023"), node);
    EXPECT_TRUE(row) << unit << " " << node;
    return d.record(row.value_or(0));
  };
  EXPECT_DOUBLE_EQ(at("GM1740", "ind_netwerk_in_kaart").se, std::sqrt(12.0));
  EXPECT_NE(at("GM1740", "ind_netwerk_in_kaart").method.find("se = sqrt(value) (Poisson, assumed by the run)"),
            std::string::npos);
  // 12 clients of 1 or 3 hours: sqrt(6 x 1 + 6 x 9) = sqrt(60), not the Poisson sqrt(24).
  EXPECT_DOUBLE_EQ(at("GM1740", "ind_uren").value, 24.0);
  EXPECT_DOUBLE_EQ(at("GM1740", "ind_uren").se, std::sqrt(60.0));
  EXPECT_NE(at("GM1740", "ind_uren").method.find("se from 12 clients' totals (compound Poisson)"), std::string::npos)
      << at("GM1740", "ind_uren").method;
  EXPECT_EQ(at("GM1740", "ind_doorlooptijd").value, 9.9);  // type 7: 0 .. 11 days, h = 9.9
  EXPECT_TRUE(std::isnan(at("GM1740", "ind_doorlooptijd").se));
  EXPECT_EQ(at("GM1740", "ind_doorlooptijd").method.find("assumed by the run"), std::string::npos);
}

class MonitoringRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("monitoring_run");
    dir_->write("registraties.csv", registrations());
    std::vector<std::string> steps;
    result_ = new MonitoringResult(run_monitoring(
        MonitoringConfig::load_yaml(dir_->write("run.yaml", config_text())),
        [&](std::string_view step, std::size_t, std::size_t) { steps.emplace_back(step); }));
    steps_ = new std::vector<std::string>(steps);
  }
  static void TearDownTestSuite() {
    delete result_;
    delete steps_;
    delete dir_;
  }
  static TempDir* dir_;
  static MonitoringResult* result_;
  static std::vector<std::string>* steps_;
};
TempDir* MonitoringRun::dir_ = nullptr;
MonitoringResult* MonitoringRun::result_ = nullptr;
std::vector<std::string>* MonitoringRun::steps_ = nullptr;

TEST_F(MonitoringRun, ReportsEachStep) {
  EXPECT_EQ(*steps_, (std::vector<std::string>{"check", "registrations", "pipeline", "compare", "trends", "signals", "areas"}));
}

TEST_F(MonitoringRun, LinksEstimatesToTheTreeWithPoissonErrorsForCounts) {
  const Dataset& d = result_->indicator_data;
  const auto row = d.find("GM0275", *Period::parse("2024"), "ind_clienten_bereikt");
  ASSERT_TRUE(row);
  const auto e = static_cast<Eigen::Index>(*row);
  EXPECT_EQ(d.values()[e], 20.0);
  EXPECT_EQ(d.n()[e], 20.0);
  EXPECT_DOUBLE_EQ(d.se()[e], std::sqrt(20.0));
  const auto hours = d.find("GM1740", *Period::parse("2021"), "ind_uren");
  ASSERT_TRUE(hours);
  EXPECT_DOUBLE_EQ(d.values()[static_cast<Eigen::Index>(*hours)], 60 * 2 * 1.5);
  // Pekela's 6 clients are below the threshold of 10.
  const auto small = d.find("GM0765", *Period::parse("2022"), "ind_clienten_bereikt");
  ASSERT_TRUE(small);
  EXPECT_TRUE(d.suppressed()[*small]);
  EXPECT_EQ(result_->baseline, *Period::parse("2021"));
  EXPECT_EQ(result_->period, *Period::parse("2024"));
  EXPECT_EQ(result_->estimates.indicators().front().rfind("reach.", 0), 0u);
}

TEST_F(MonitoringRun, AVillageWithoutRegistrationsGivesAReachSignalNamingIt) {
  const MonitoringSignal* found = nullptr;
  for (const auto& s : result_->signals) {
    if (s.area == "kern=Opheusden") {
      EXPECT_EQ(found, nullptr) << "one signal expected for Opheusden";
      found = &s;
    }
  }
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->signal.unit, "GM1740");
  EXPECT_EQ(found->signal.period, *Period::parse("2024"));
  EXPECT_EQ(found->signal.node, "ind_clienten_bereikt");
  EXPECT_EQ(found->signal.rule, SignalRule::reach);
  EXPECT_EQ(found->signal.severity, Severity::alert);
  EXPECT_EQ(found->signal.value, 0.0);
  EXPECT_DOUBLE_EQ(found->signal.reference, 30.0);               // the mean of 30, 30, 30
  EXPECT_NEAR(found->signal.p_value, std::exp(-30.0), 1e-25);    // P(X <= 0 | Poisson(30))
  EXPECT_NE(found->signal.message_nl.find("Opheusden (Neder-Betuwe)"), std::string::npos) << found->signal.message_nl;
  // The zero was filled in for the area; Kesteren kept its 30 clients and gives no signal.
  const auto zero = result_->area_data.find("GM1740/kern=Opheusden", *Period::parse("2024"), "ind_clienten_bereikt");
  ASSERT_TRUE(zero);
  EXPECT_EQ(result_->area_data.values()[static_cast<Eigen::Index>(*zero)], 0.0);
  EXPECT_TRUE(std::isnan(result_->area_data.n()[static_cast<Eigen::Index>(*zero)]));
  for (const auto& s : result_->signals) EXPECT_NE(s.area, "kern=Kesteren");
}

TEST_F(MonitoringRun, RhedensHalvedReachIsADropBeyondNoise) {
  bool drop = false;
  for (const auto& s : result_->signals) {
    if (s.signal.unit == "GM0275" && s.area.empty() && s.signal.node == "ind_clienten_bereikt" &&
        s.signal.rule == SignalRule::drop_baseline && s.signal.period == *Period::parse("2024")) {
      drop = true;
      // The treated values are the raw counts here (no denominator); z uses the Poisson errors.
      EXPECT_NEAR(s.signal.statistic, (20.0 - 40.0) / std::sqrt(20.0 + 40.0), 1e-9);
    }
  }
  EXPECT_TRUE(drop);
}

TEST_F(MonitoringRun, WritesEveryTableWithSuppressedCellsBlank) {
  const fs::path out = dir_->path() / "uit";
  const auto written = write_tables(*result_, out);
  ASSERT_EQ(written.size(), monitoring_table_names().size());
  for (const auto& name : monitoring_table_names()) EXPECT_TRUE(fs::is_regular_file(out / name)) << name;
  const std::string indicators = read(out / "indicators.csv");
  EXPECT_NE(indicators.find("GM0765,2022,ind_clienten_bereikt,,,,,,1,"), std::string::npos);
  EXPECT_NE(indicators.find("GM0275,2024,ind_clienten_bereikt,20,20,"), std::string::npos);
  const std::string signals = read(out / "signals.csv");
  EXPECT_EQ(signals.rfind("unit,area,period,node,rule,severity,", 0), 0u);
  EXPECT_NE(signals.find("GM1740,kern=Opheusden,2024,ind_clienten_bereikt,reach,alert,0,30,-30,"), std::string::npos);
  // No temporary files are left behind.
  for (const auto& entry : fs::directory_iterator(out)) EXPECT_NE(entry.path().filename().string().front(), '.');
}

TEST_F(MonitoringRun, OutputsNameInputFilesRelativeToTheConfigNeverByTheirAbsolutePath) {
  for (const auto& source : result_->estimates.sources()) EXPECT_EQ(source, "registraties.csv");
  for (const auto& source : result_->area_data.sources()) EXPECT_EQ(source, "registraties.csv");
  const fs::path out = dir_->path() / "uit-paden";
  (void)write_tables(*result_, out);
  for (const auto& name : monitoring_table_names()) {
    EXPECT_EQ(read(out / name).find(dir_->path().string()), std::string::npos) << name;
  }
}

TEST(MonitoringConfig, PublishedNameIsRelativeToTheConfigFolderOrTheFileName) {
  MonitoringConfig c;
  EXPECT_EQ(c.published_name("/data/gemeente/registraties.csv"), "registraties.csv");  // no config file
  c.source = "/data/gemeente/run.yaml";
  EXPECT_EQ(c.published_name("/data/gemeente/registraties.csv"), "registraties.csv");
  EXPECT_EQ(c.published_name("/data/gemeente/data/./zrm.csv"), "data/zrm.csv");
  EXPECT_EQ(c.published_name("/data/gemeente/../elders/zrm.csv"), "zrm.csv");  // outside the folder
  EXPECT_EQ(c.published_name("/home/analist/zrm.csv"), "zrm.csv");
  c.source = "run.yaml";  // relative: against the working directory, as the files are
  EXPECT_EQ(c.published_name(fs::current_path() / "data" / "zrm.csv"), "data/zrm.csv");
  EXPECT_EQ(c.published_name("data/zrm.csv"), "data/zrm.csv");
}

TEST(Breakdown, OnTheClientColumnIsRefusedNamingIt) {
  TempDir dir("monitoring_breakdown_client");
  const auto path = dir.write("r.csv", "unit,period,client,kern\nGM1740,2023,a,Opheusden\n");
  RegistrationColumns columns;
  columns.breakdowns = {"client"};
  try {
    (void)read_registrations_csv(path, Pseudonymiser("a-test-key-of-enough-bytes"), columns);
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("breakdown column 'client' is the client column"), std::string::npos) << e.what();
  }
}

TEST(Breakdown, WithAboutOneValuePerClientIsRefusedByTheRunNamingTheColumn) {
  TempDir dir("monitoring_breakdown_identifying");
  // Every client an address of its own: as many values as clients.
  std::string csv = "gemeente,jaar,client,adres\n";
  for (int c = 0; c < 40; ++c) csv += "GM1740,2023,c" + std::to_string(c) + ",straat " + std::to_string(c) + "\n";
  dir.write("registraties.csv", csv);
  std::string text = config_text();
  text.replace(text.find("    areas: [kern]\n"), 18, "    groups: [adres]\n");
  text.replace(text.find(", hours: uren"), 13, "");
  text.replace(text.find("  ind_uren: reach.hours\n"), 24, "");
  const auto path = dir.write("run.yaml", text);
  try {
    (void)run_monitoring(MonitoringConfig::load_yaml(path));
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ":10: breakdown column 'adres' has 40 distinct values for 40 clients: "
                                         "it identifies persons"),
              std::string::npos)
        << e.what();
  }
  // The client column itself, as a group of the run config, is refused before any data are read.
  text.replace(text.find("    groups: [adres]\n"), 20, "    groups: [client]\n");
  dir.write("registraties.csv", "gemeente,jaar,client\nGM1740,2023,c1\n");
  try {
    (void)run_monitoring(MonitoringConfig::load_yaml(dir.write("run.yaml", text)));
    FAIL() << "expected a ParseError";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find(":10: breakdown column 'client' is the client column"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace doelenboom
