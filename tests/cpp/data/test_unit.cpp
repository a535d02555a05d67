// Units: the shipped gemeenten list (real values from the file), CBS size classes at their
// boundaries, units CSV files and the registry's validation messages.

#include <gtest/gtest.h>

#include "temp_dir.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <string>

#include "doelenboom/unit.hpp"

namespace db = doelenboom;

namespace {

// Substring check that shows both texts when it fails (gtest only; gmock is not linked).
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "'\n  does not contain\n'" << part << "'";
}


using doelenboom::testing::gemeenten_csv;
using doelenboom::testing::TempDir;

template <class E, class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

db::Unit unit(std::string id, std::string name, std::string type = "gemeente", std::string parent = {}) {
  db::Unit u;
  u.id = std::move(id);
  u.name = std::move(name);
  u.type = std::move(type);
  u.parent = std::move(parent);
  return u;
}

TEST(Gemeenten, ShippedListHas344MunicipalitiesWithTheirPopulation) {
  const auto reg = db::UnitRegistry::load_gemeenten_csv(gemeenten_csv);
  ASSERT_EQ(reg.size(), 344U);
  const double total = std::accumulate(reg.units().begin(), reg.units().end(), 0.0,
                                       [](double s, const db::Unit& u) { return s + u.population; });
  EXPECT_EQ(total, 17591194.0);

  const db::Unit* nb = reg.find_by_name("Neder-Betuwe");
  ASSERT_NE(nb, nullptr);
  EXPECT_EQ(nb->id, "GM1740");
  EXPECT_EQ(nb->cbs_code, "GM1740");
  EXPECT_EQ(nb->type, "gemeente");
  EXPECT_EQ(nb->province, "Gelderland");
  EXPECT_EQ(nb->population, 25017.0);
  EXPECT_EQ(nb->land_area_km2, 60.0);
  EXPECT_EQ(nb->size_class(), "20 000 - 50 000");
  EXPECT_EQ(nb->where.row, 189U);  // line 190 of the file
  EXPECT_EQ(&reg.at("GM1740"), nb);

  // The 2022 mergers are in; the quoted name with a comma is read whole.
  EXPECT_EQ(reg.at("GM1980").name, "Dijk en Waard");
  EXPECT_EQ(reg.at("GM1982").name, "Land van Cuijk");
  EXPECT_EQ(reg.at("GM1991").name, "Maashorst");
  EXPECT_EQ(reg.at("GM0820").name, "Nuenen, Gerwen en Nederwetten");
  EXPECT_EQ(reg.at("GM0363").population, 904236.0);
  EXPECT_EQ(reg.at("GM0363").size_class(), ">= 250 000");
  EXPECT_EQ(reg.at("GM0088").name, "Schiermonnikoog");
  EXPECT_EQ(reg.at("GM0088").size_class(), "< 5 000");
}

TEST(Gemeenten, SizeClassesAndProvincesCount) {
  const auto reg = db::UnitRegistry::load_gemeenten_csv(gemeenten_csv);
  std::map<std::string, int> classes;
  std::map<std::string, int> provinces;
  for (const auto& u : reg.units()) {
    ++classes[u.size_class()];
    ++provinces[*u.attribute("province")];
  }
  // Counted independently from the CSV (Python csv module and bisect on the same bounds).
  EXPECT_EQ(classes["< 5 000"], 5);
  EXPECT_EQ(classes["5 000 - 10 000"], 7);
  EXPECT_EQ(classes["10 000 - 20 000"], 60);
  EXPECT_EQ(classes["20 000 - 50 000"], 182);
  EXPECT_EQ(classes["50 000 - 100 000"], 58);
  EXPECT_EQ(classes["100 000 - 150 000"], 14);
  EXPECT_EQ(classes["150 000 - 250 000"], 14);
  EXPECT_EQ(classes[">= 250 000"], 4);
  EXPECT_EQ(provinces.size(), 12U);
  EXPECT_EQ(provinces["Noord-Brabant"], 56);
  EXPECT_EQ(provinces["Flevoland"], 6);
}

TEST(SizeClass, BoundariesAreLowerInclusive) {
  EXPECT_EQ(db::cbs_size_class(0), "< 5 000");
  EXPECT_EQ(db::cbs_size_class(4999), "< 5 000");
  EXPECT_EQ(db::cbs_size_class(5000), "5 000 - 10 000");
  EXPECT_EQ(db::cbs_size_class(9999), "5 000 - 10 000");
  EXPECT_EQ(db::cbs_size_class(10000), "10 000 - 20 000");
  EXPECT_EQ(db::cbs_size_class(20000), "20 000 - 50 000");
  EXPECT_EQ(db::cbs_size_class(50000), "50 000 - 100 000");
  EXPECT_EQ(db::cbs_size_class(100000), "100 000 - 150 000");
  EXPECT_EQ(db::cbs_size_class(150000), "150 000 - 250 000");
  EXPECT_EQ(db::cbs_size_class(249999), "150 000 - 250 000");
  EXPECT_EQ(db::cbs_size_class(250000), ">= 250 000");
  EXPECT_EQ(db::cbs_size_class(904236), ">= 250 000");
  EXPECT_EQ(db::cbs_size_class(std::numeric_limits<double>::quiet_NaN()), "");
  EXPECT_EQ(db::cbs_size_class(-1), "");
  EXPECT_EQ(db::cbs_size_class_bounds(),
            (std::vector<double>{5000, 10000, 20000, 50000, 100000, 150000, 250000}));
}

TEST(Unit, AttributesAndLabels) {
  db::Unit u = unit("GM0301", "Deventer");
  u.cbs_code = "GM0301";
  u.province = "Overijssel";
  u.population = 101236;
  u.labels["regio"] = "Salland";
  u.labels["name"] = "not used";
  EXPECT_EQ(u.attribute("id"), "GM0301");
  EXPECT_EQ(u.attribute("name"), "Deventer");  // fixed names win over labels
  EXPECT_EQ(u.attribute("type"), "gemeente");
  EXPECT_EQ(u.attribute("province"), "Overijssel");
  EXPECT_EQ(u.attribute("size_class"), "100 000 - 150 000");
  EXPECT_EQ(u.attribute("regio"), "Salland");
  EXPECT_EQ(u.attribute("baseline"), "");
  EXPECT_FALSE(u.attribute("kleur").has_value());
}

TEST(Unit, NumericAttributes) {
  db::Unit u = unit("GM0301", "Deventer");
  u.population = 101236;
  u.land_area_km2 = 134.35;
  u.labels["inkomen"] = " 31.5 ";  // spaces around a number are ignored
  u.labels["regio"] = "Salland";
  u.labels["leeg"] = "";
  u.labels["komma"] = "31,5";
  u.labels["name"] = "12";      // shadowed by the text attribute 'name'
  u.labels["population"] = "1";  // shadowed by the member
  EXPECT_EQ(u.numeric_attribute("population"), 101236.0);
  EXPECT_EQ(u.numeric_attribute("land_area_km2"), 134.35);
  EXPECT_EQ(u.numeric_attribute("inkomen"), 31.5);
  EXPECT_FALSE(u.numeric_attribute("regio").has_value());  // not a number
  EXPECT_FALSE(u.numeric_attribute("leeg").has_value());
  EXPECT_FALSE(u.numeric_attribute("komma").has_value());
  EXPECT_FALSE(u.numeric_attribute("name").has_value());
  EXPECT_FALSE(u.numeric_attribute("id").has_value());
  EXPECT_FALSE(u.numeric_attribute("size_class").has_value());
  EXPECT_FALSE(u.numeric_attribute("kleur").has_value());  // no such attribute
  // Unknown population and land area.
  const db::Unit blank = unit("GM0302", "Nergens");
  EXPECT_FALSE(blank.numeric_attribute("population").has_value());
  EXPECT_FALSE(blank.numeric_attribute("land_area_km2").has_value());
}

TEST(UnitRegistry, ProvidersUnderGemeentenSubsetAndBaseline) {
  db::UnitRegistry reg({unit("GM0301", "Deventer"), unit("GM0150", "Deventer-bis"),
                        unit("aanbieder-1", "MEE IJsseloevers", "aanbieder", "GM0301")});
  EXPECT_EQ(reg.at("aanbieder-1").parent, "GM0301");
  reg.set_baseline("GM0301", *db::Period::parse("2022"));
  EXPECT_EQ(reg.at("GM0301").baseline, db::Period::parse("2022"));
  EXPECT_EQ(reg.at("GM0301").attribute("baseline"), "2022");
  const auto sub = reg.subset({"aanbieder-1"});
  ASSERT_EQ(sub.size(), 1U);
  EXPECT_EQ(sub.at("aanbieder-1").parent, "");  // the parent is outside the subset
  const auto both = reg.subset({"aanbieder-1", "GM0301"});
  EXPECT_EQ(both.units()[0].id, "aanbieder-1");
  EXPECT_EQ(both.at("aanbieder-1").parent, "GM0301");
  EXPECT_THROW((void)reg.subset({"GM9999"}), db::DataError);
  EXPECT_THROW(reg.set_baseline("GM9999", *db::Period::parse("2022")), db::DataError);
}

TEST(UnitRegistry, AtSuggestsTheIdForAName) {
  const auto reg = db::UnitRegistry::load_gemeenten_csv(gemeenten_csv);
  EXPECT_EQ(error_message<db::DataError>([&] { (void)reg.at("Neder-Betuwe"); }),
            "unknown unit 'Neder-Betuwe' (expected a unit id of the unit registry; 'Neder-Betuwe' is the name of 'GM1740')");
  EXPECT_EQ(error_message<db::DataError>([&] { (void)reg.at("GM9999"); }),
            "unknown unit 'GM9999' (expected a unit id of the unit registry)");
}

TEST(UnitRegistry, ValidationListsEveryProblem) {
  db::Unit negative = unit("GM0002", "Twee");
  negative.population = -5;
  db::Unit badcode = unit("GM0003", "Drie");
  badcode.cbs_code = "0003";
  const std::string message = error_message<db::DataError>([&] {
    db::UnitRegistry({unit("GM0001", "Een"), negative, badcode, unit("GM0001", "Vier"), unit("", "Leeg"),
                      unit("p1", "Aanbieder", "aanbieder", "GM9999"), unit("GM0005", "Een"),
                      unit("a", "A", "gebied", "b"), unit("b", "B", "gebied", "a")});
  });
  EXPECT_TRUE(contains(message, "8 problems:"));
  EXPECT_TRUE(contains(message, "unit 'GM0002': -5 is not a valid population (expected 0 or more)"));
  EXPECT_TRUE(contains(message, "unit 'GM0003': '0003' is not a CBS gemeente code (expected 'GM' and 4 digits, e.g. 'GM0301')"));
  EXPECT_TRUE(contains(message, "unit 'GM0001': duplicate unit id 'GM0001' (first on unit 1)"));
  EXPECT_TRUE(contains(message, "unit 5: the id is empty (expected a unique unit id)"));
  EXPECT_TRUE(contains(message, "unit 'p1': unknown parent 'GM9999' (expected the id of another unit)"));
  EXPECT_TRUE(contains(message, "unit 'GM0005': gemeente name 'Een' is used twice (also on unit 1)"));
  EXPECT_TRUE(contains(message, "unit 'a': parent 'b' makes a cycle (a unit ends up as its own ancestor)"));
  EXPECT_TRUE(contains(message, "unit 'b': parent 'a' makes a cycle"));
}

TEST(UnitRegistry, CsvRoundTripWithLabelsParentsAndBaseline) {
  TempDir dir("units_roundtrip");
  const auto in = dir.write("units.csv",
                            "id,name,type,parent,population,baseline,regio,stedelijkheid\n"
                            "GM0301,Deventer,,,101236,2022,Salland,2\n"
                            "wijk-1,\"Centrum, Deventer\",gebied,GM0301,,,Salland,\n");
  const auto reg = db::UnitRegistry::load_csv(in);
  ASSERT_EQ(reg.size(), 2U);
  const auto& d = reg.at("GM0301");
  EXPECT_EQ(d.type, "gemeente");
  EXPECT_EQ(d.population, 101236.0);
  EXPECT_EQ(d.baseline, db::Period::parse("2022"));
  EXPECT_EQ(d.labels, (std::map<std::string, std::string>{{"regio", "Salland"}, {"stedelijkheid", "2"}}));
  const auto& w = reg.at("wijk-1");
  EXPECT_EQ(w.name, "Centrum, Deventer");
  EXPECT_EQ(w.parent, "GM0301");
  EXPECT_TRUE(std::isnan(w.population));
  EXPECT_EQ(w.labels, (std::map<std::string, std::string>{{"regio", "Salland"}}));

  const auto out = dir.path() / "out.csv";
  reg.save_csv(out);
  const auto again = db::UnitRegistry::load_csv(out);
  ASSERT_EQ(again.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& a = reg.units()[i];
    const auto& b = again.units()[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.parent, b.parent);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(a.baseline, b.baseline);
    EXPECT_EQ(a.size_class(), b.size_class());
  }
}

TEST(UnitRegistry, CsvCellProblemsNameFileRowFieldAndValue) {
  TempDir dir("units_bad");
  const auto path = dir.write("units.csv",
                              "id,name,population,baseline\n"
                              "GM0301,Deventer,\"101.236,5\",2022\n"
                              "GM0150,Deventer,100,2022-13\n");
  const std::string f = path.string();
  const std::string message = error_message<db::ParseError>([&] { (void)db::UnitRegistry::load_csv(path); });
  EXPECT_EQ(message, "3 problems:\n  " + f +
                         ", row 1, field 'population': '101.236,5' is not a number (expected a number of inhabitants; "
                         "use '.' as the decimal point, not ',')\n  " +
                         f + ", row 2, field 'baseline': '2022-13' is not a period (expected a year '2023', a quarter "
                             "'2023-Q2' or a month '2023-05')\n  " +
                         f + ", row 2, field 'name': gemeente name 'Deventer' is used twice (also on row 1)");
  const auto missing = dir.write("m.csv", "code,name\nGM0301,Deventer\n");
  EXPECT_EQ(error_message<db::ParseError>([&] { (void)db::UnitRegistry::load_csv(missing); }),
            missing.string() + ": missing required column 'id' (columns are: code, name)");
}

}  // namespace
