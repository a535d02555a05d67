// Units and the unit registry: the shipped gemeenten list, units CSV files and CBS size classes.

#include "doelenboom/unit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "io/csv.hpp"
#include "io/data_io.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/files.hpp"

namespace doelenboom {

namespace {

using detail::squote;

// CBS gemeentegrootteklassen; the lower bound of each class is inclusive.
const std::array<const char*, 8> size_class_names{"< 5 000",           "5 000 - 10 000",    "10 000 - 20 000",
                                                  "20 000 - 50 000",   "50 000 - 100 000",  "100 000 - 150 000",
                                                  "150 000 - 250 000", ">= 250 000"};

bool is_cbs_gemeente_code(std::string_view code) noexcept {
  return code.size() == 6 && code.starts_with("GM") &&
         std::all_of(code.begin() + 2, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "unit 'GM0301'" or "unit 3" for messages about a unit without a file location.
std::string unit_context(const Unit& u, std::size_t position) {
  return u.id.empty() ? "unit " + std::to_string(position + 1) : "unit " + squote(u.id);
}

Problem unit_problem(std::string code, const Unit& u, std::size_t position, std::string_view field,
                     const std::string& what) {
  Location at = u.where;
  at.field = std::string(field);
  const std::vector<std::string> ids = u.id.empty() ? std::vector<std::string>{} : std::vector<std::string>{u.id};
  // With a file location the row names the unit; without one the context does (the field then
  // stays in the Location only).
  if (at.file.empty() && at.row == 0) {
    Problem p = make_problem(std::move(code), {}, ids, unit_context(u, position) + ": " + what);
    p.where = std::move(at);
    return p;
  }
  return detail::cell_problem(std::move(code), at, ids, what);
}

std::vector<Problem> check_units(const std::vector<Unit>& units) {
  std::vector<Problem> out;
  std::unordered_map<std::string, std::size_t> ids;
  std::unordered_map<std::string, std::size_t> gemeente_names;
  const auto first_at = [&](std::size_t i) {
    return units[i].where.row > 0 ? "row " + std::to_string(units[i].where.row) : "unit " + std::to_string(i + 1);
  };
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    if (u.id.empty()) {
      out.push_back(unit_problem("missing_value", u, i, "id", "the id is empty (expected a unique unit id)"));
    } else if (const auto [it, fresh] = ids.emplace(u.id, i); !fresh) {
      out.push_back(unit_problem("duplicate_id", u, i, "id",
                                 "duplicate unit id " + squote(u.id) + " (first on " + first_at(it->second) + ")"));
    }
    if (!u.cbs_code.empty() && !is_cbs_gemeente_code(u.cbs_code)) {
      out.push_back(unit_problem("bad_value", u, i, "cbs_code",
                                 squote(u.cbs_code) + " is not a CBS gemeente code (expected 'GM' and 4 digits, e.g. 'GM0301')"));
    }
    if (!std::isnan(u.population) && (!std::isfinite(u.population) || u.population < 0.0)) {
      out.push_back(unit_problem("bad_value", u, i, "population",
                                 detail::format_number(u.population) + " is not a valid population (expected 0 or more)"));
    }
    if (!std::isnan(u.land_area_km2) && (!std::isfinite(u.land_area_km2) || u.land_area_km2 < 0.0)) {
      out.push_back(unit_problem("bad_value", u, i, "land_area_km2",
                                 detail::format_number(u.land_area_km2) + " is not a valid land area (expected 0 or more)"));
    }
    if (u.type == "gemeente" && !u.name.empty()) {
      if (const auto [it, fresh] = gemeente_names.emplace(u.name, i); !fresh) {
        out.push_back(unit_problem("duplicate_name", u, i, "name",
                                   "gemeente name " + squote(u.name) + " is used twice (also on " + first_at(it->second) + ")"));
      }
    }
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    if (u.parent.empty()) continue;
    if (u.parent == u.id) {
      out.push_back(unit_problem("bad_parent", u, i, "parent", "a unit cannot be its own parent"));
    } else if (!ids.contains(u.parent)) {
      out.push_back(unit_problem("unknown_parent", u, i, "parent",
                                 "unknown parent " + squote(u.parent) + " (expected the id of another unit)"));
    } else {
      // Walk up; more steps than units means a cycle. Reported at the unit that closes it.
      std::size_t steps = 0;
      std::string at = u.parent;
      while (!at.empty() && at != u.id && steps <= units.size()) {
        const auto it = ids.find(at);
        if (it == ids.end()) break;
        at = units[it->second].parent;
        ++steps;
      }
      if (at == u.id) {
        out.push_back(unit_problem("parent_cycle", u, i, "parent",
                                   "parent " + squote(u.parent) + " makes a cycle (a unit ends up as its own ancestor)"));
      }
    }
  }
  return out;
}

// The cells of one table read into units, with every problem of a cell reported.
struct CellReader {
  const detail::CsvTable& table;
  std::vector<Problem>& problems;

  std::string text(std::size_t row, std::optional<std::size_t> col) const {
    return col ? std::string(detail::trim_ascii(table.rows[row][*col])) : std::string();
  }
  double number(std::size_t row, std::optional<std::size_t> col, const char* expected) const {
    if (!col) return std::nan("");
    const auto cell = detail::trim_ascii(table.rows[row][*col]);
    if (cell.empty()) return std::nan("");
    if (const auto v = detail::parse_finite_double(cell)) return *v;
    std::string hint;
    if (cell.find(',') != std::string_view::npos) hint = "; use '.' as the decimal point, not ','";
    problems.push_back(detail::cell_problem("bad_value", table.where(row, table.header[*col]), {},
                                            squote(cell) + " is not a number (expected " + expected + hint + ")"));
    return std::nan("");
  }
};

UnitRegistry build_checked(std::vector<Unit> units, std::vector<Problem> cell_problems) {
  auto more = check_units(units);
  if (!cell_problems.empty()) {
    cell_problems.insert(cell_problems.end(), more.begin(), more.end());
    std::stable_sort(cell_problems.begin(), cell_problems.end(),
                     [](const Problem& a, const Problem& b) { return a.where.row < b.where.row; });
    throw_if_problems<ParseError>(cell_problems);
  }
  return UnitRegistry(std::move(units));
}

}  // namespace

std::string cbs_size_class(double population) {
  if (std::isnan(population) || population < 0.0) return {};
  const auto& bounds = cbs_size_class_bounds();
  // Number of bounds at or below the population = the class index (lower bound inclusive).
  const auto index = static_cast<std::size_t>(std::upper_bound(bounds.begin(), bounds.end(), population) - bounds.begin());
  return size_class_names[index];
}

const std::vector<double>& cbs_size_class_bounds() noexcept {
  static const std::vector<double> bounds{5000, 10000, 20000, 50000, 100000, 150000, 250000};
  return bounds;
}

std::optional<std::string> Unit::attribute(std::string_view key) const {
  if (key == "id") return id;
  if (key == "name") return name;
  if (key == "type") return type;
  if (key == "parent") return parent;
  if (key == "cbs_code") return cbs_code;
  if (key == "province") return province;
  if (key == "size_class") return size_class();
  if (key == "baseline") return baseline ? baseline->to_string() : std::string();
  if (const auto it = labels.find(std::string(key)); it != labels.end()) return it->second;
  return std::nullopt;
}

std::optional<double> Unit::numeric_attribute(std::string_view key) const {
  const auto known = [](double x) { return std::isnan(x) ? std::nullopt : std::optional<double>(x); };
  if (key == "population") return known(population);
  if (key == "land_area_km2") return known(land_area_km2);
  // The text attributes win over labels of the same name, as in attribute(); none is a number.
  if (key == "id" || key == "name" || key == "type" || key == "parent" || key == "cbs_code" || key == "province" ||
      key == "size_class" || key == "baseline") {
    return std::nullopt;
  }
  if (const auto it = labels.find(std::string(key)); it != labels.end()) {
    return detail::parse_finite_double(detail::trim_ascii(it->second));
  }
  return std::nullopt;
}

UnitRegistry::UnitRegistry(std::vector<Unit> units) : units_(std::move(units)) {
  throw_if_problems<DataError>(check_units(units_));
  index_.reserve(units_.size());
  for (std::size_t i = 0; i < units_.size(); ++i) {
    index_.emplace(units_[i].id, i);
    by_name_.emplace(units_[i].name, i);  // the first unit of a name wins
  }
}

UnitRegistry UnitRegistry::load_gemeenten_csv(const std::filesystem::path& path) {
  const auto table = detail::read_csv_file(path);
  std::vector<Problem> problems;
  std::vector<std::optional<std::size_t>> cols;
  for (const char* name : {"gm_code", "name", "province", "population"}) {
    cols.push_back(detail::find_column(table, name));
    if (!cols.back()) problems.push_back(detail::missing_column_problem(table, name));
  }
  throw_if_problems<ParseError>(problems);
  const auto area = detail::find_column(table, "land_area_km2");
  const CellReader cells{table, problems};
  std::vector<Unit> units;
  units.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    Unit u;
    u.id = cells.text(r, cols[0]);
    u.cbs_code = u.id;
    u.name = cells.text(r, cols[1]);
    u.province = cells.text(r, cols[2]);
    u.population = cells.number(r, cols[3], "a number of inhabitants");
    u.land_area_km2 = cells.number(r, area, "an area in km2");
    u.where = table.where(r);
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      const auto& h = table.header[c];
      if (h == "gm_code" || h == "name" || h == "province" || h == "population" || h == "land_area_km2") continue;
      if (auto v = cells.text(r, c); !v.empty()) u.labels.emplace(h, std::move(v));
    }
    units.push_back(std::move(u));
  }
  return build_checked(std::move(units), std::move(problems));
}

UnitRegistry UnitRegistry::load_csv(const std::filesystem::path& path) {
  const auto table = detail::read_csv_file(path);
  std::vector<Problem> problems;
  const auto id_col = detail::find_column(table, "id");
  const auto name_col = detail::find_column(table, "name");
  if (!id_col) problems.push_back(detail::missing_column_problem(table, "id"));
  if (!name_col) problems.push_back(detail::missing_column_problem(table, "name"));
  throw_if_problems<ParseError>(problems);
  static const std::set<std::string, std::less<>> fixed{"id",       "name",       "type",          "parent",  "cbs_code",
                                                        "province", "population", "land_area_km2", "baseline"};
  const auto col = [&](const char* name) { return detail::find_column(table, name); };
  const auto type_col = col("type");
  const auto parent_col = col("parent");
  const auto cbs_col = col("cbs_code");
  const auto province_col = col("province");
  const auto population_col = col("population");
  const auto area_col = col("land_area_km2");
  const auto baseline_col = col("baseline");
  const CellReader cells{table, problems};
  std::vector<Unit> units;
  units.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    Unit u;
    u.id = cells.text(r, id_col);
    u.name = cells.text(r, name_col);
    if (auto t = cells.text(r, type_col); !t.empty()) u.type = std::move(t);
    u.parent = cells.text(r, parent_col);
    u.cbs_code = cells.text(r, cbs_col);
    u.province = cells.text(r, province_col);
    u.population = cells.number(r, population_col, "a number of inhabitants");
    u.land_area_km2 = cells.number(r, area_col, "an area in km2");
    if (const auto b = cells.text(r, baseline_col); !b.empty()) {
      if (const auto p = Period::parse(b)) {
        u.baseline = *p;
      } else {
        problems.push_back(detail::cell_problem(
            "bad_period", table.where(r, "baseline"), {u.id},
            squote(b) + " is not a period (expected a year '2023', a quarter '2023-Q2' or a month '2023-05')"));
      }
    }
    u.where = table.where(r);
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      if (fixed.contains(table.header[c])) continue;
      if (auto v = cells.text(r, c); !v.empty()) u.labels.emplace(table.header[c], std::move(v));
    }
    units.push_back(std::move(u));
  }
  return build_checked(std::move(units), std::move(problems));
}

void UnitRegistry::save_csv(const std::filesystem::path& path) const {
  std::set<std::string> label_names;
  for (const auto& u : units_) {
    for (const auto& [k, v] : u.labels) label_names.insert(k);
  }
  const auto number = [](double x) { return std::isnan(x) ? std::string() : detail::format_number(x); };
  std::string out = "id,name,type,parent,cbs_code,province,population,land_area_km2,baseline";
  for (const auto& l : label_names) out += "," + detail::csv_field(l);
  out += "\n";
  for (const auto& u : units_) {
    out += detail::csv_field(u.id) + "," + detail::csv_field(u.name) + "," + detail::csv_field(u.type) + "," +
           detail::csv_field(u.parent) + "," + detail::csv_field(u.cbs_code) + "," + detail::csv_field(u.province) + "," +
           number(u.population) + "," + number(u.land_area_km2) + "," + (u.baseline ? u.baseline->to_string() : "");
    for (const auto& l : label_names) {
      const auto it = u.labels.find(l);
      out += "," + (it == u.labels.end() ? std::string() : detail::csv_field(it->second));
    }
    out += "\n";
  }
  detail::write_file_atomically(path, out);
}

const Unit* UnitRegistry::find(std::string_view id) const noexcept {
  try {
    const auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &units_[it->second];
  } catch (...) {
    return nullptr;
  }
}

const Unit& UnitRegistry::at(std::string_view id) const {
  if (const auto* u = find(id)) return *u;
  std::string what = "unknown unit " + squote(id) + " (expected a unit id of the unit registry";
  if (const auto* named = find_by_name(id)) what += "; " + squote(id) + " is the name of " + squote(named->id);
  what += ")";
  auto problem = make_problem("unknown_unit", {}, {std::string(id)}, what);
  throw DataError(problem.message, {problem});
}

const Unit* UnitRegistry::find_by_name(std::string_view name) const noexcept {
  try {
    const auto it = by_name_.find(std::string(name));
    return it == by_name_.end() ? nullptr : &units_[it->second];
  } catch (...) {
    return nullptr;
  }
}

UnitRegistry UnitRegistry::subset(const std::vector<std::string>& ids) const {
  std::vector<Unit> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(at(id));
  const std::set<std::string, std::less<>> kept(ids.begin(), ids.end());
  for (auto& u : out) {
    if (!u.parent.empty() && !kept.contains(u.parent)) u.parent.clear();
  }
  return UnitRegistry(std::move(out));
}

void UnitRegistry::set_baseline(std::string_view id, Period baseline) {
  (void)at(id);  // throws for an unknown id
  units_[index_.at(std::string(id))].baseline = baseline;
}

}  // namespace doelenboom
