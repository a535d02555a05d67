#pragma once
// Units: the gemeenten (and providers or areas inside one) that data are about, with the attributes
// that comparisons use. The real list of the 344 Dutch municipalities (2022 boundaries) ships as
// package data (python/doelenboom/data/gemeenten.csv, provenance in the README next to it and in
// docs/data-model.md).

#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "doelenboom/error.hpp"
#include "doelenboom/period.hpp"

namespace doelenboom {

/// CBS size class (gemeentegrootteklasse) of a population, as text: "< 5 000", "5 000 - 10 000",
/// "10 000 - 20 000", "20 000 - 50 000", "50 000 - 100 000", "100 000 - 150 000",
/// "150 000 - 250 000", ">= 250 000" (lower bound inclusive, so 5 000 is in "5 000 - 10 000").
/// Empty for a NaN or negative population.
std::string cbs_size_class(double population);
/// The class boundaries used by cbs_size_class, in inhabitants.
const std::vector<double>& cbs_size_class_bounds() noexcept;

struct Unit {
  std::string id;         ///< stable id; for a gemeente its CBS code ("GM0301")
  std::string name;       ///< display name ("Deventer")
  std::string type = "gemeente";  ///< "gemeente", "aanbieder" (provider), "gebied" (area), ...
  std::string parent;     ///< for a provider or area: the id of its gemeente; empty otherwise
  std::string cbs_code;   ///< "GM0301" for gemeenten, else empty
  std::string province;
  double population = std::numeric_limits<double>::quiet_NaN();
  double land_area_km2 = std::numeric_limits<double>::quiet_NaN();  ///< for density peer groups; NaN = unknown
  std::map<std::string, std::string> labels;  ///< free peer-group labels, e.g. {"regio": "Achterhoek"}
  std::optional<Period> baseline;             ///< the nulmeting, if marked
  Location where;

  /// CBS size class of the population.
  [[nodiscard]] std::string size_class() const { return cbs_size_class(population); }
  /// An attribute by name: id, name, type, parent, cbs_code, province, size_class, baseline, or a
  /// label (the fixed names win over labels of the same name).
  /// std::nullopt when there is no such attribute.
  [[nodiscard]] std::optional<std::string> attribute(std::string_view key) const;
  /// A numeric attribute by name: population, land_area_km2, or a label holding a number (e.g.
  /// "12.5"; spaces around it are ignored). std::nullopt when there is no such attribute, when
  /// the population or land area is unknown (NaN), when the label is not a number, and for the
  /// text attributes of attribute() (id, name, ..., which also win over labels of the same name).
  [[nodiscard]] std::optional<double> numeric_attribute(std::string_view key) const;
};

class UnitRegistry {
 public:
  UnitRegistry() = default;
  /// Validates ids (unique, non-empty), CBS codes (GM + 4 digits), population and land area
  /// (NaN or finite >= 0), parents (known units, no cycles), gemeente names (unique); throws
  /// DataError listing all problems.
  explicit UnitRegistry(std::vector<Unit> units);

  /// The shipped list of Dutch municipalities (2022), read from `path` (required columns
  /// gm_code, name, province, population; optional land_area_km2; every other column is a label).
  /// id = cbs_code = gm_code, type "gemeente". Throws ParseError for bad cells (file, row, field,
  /// value), DataError for an invalid registry.
  static UnitRegistry load_gemeenten_csv(const std::filesystem::path& path);
  /// A units CSV: required columns id, name; optional type (empty: gemeente), parent, cbs_code,
  /// province, population, land_area_km2, baseline; every other column is a peer-group label
  /// (empty cells: no label).
  static UnitRegistry load_csv(const std::filesystem::path& path);
  /// Write the load_csv format (atomically); label columns follow the fixed ones, sorted.
  void save_csv(const std::filesystem::path& path) const;

  [[nodiscard]] std::size_t size() const noexcept { return units_.size(); }
  [[nodiscard]] const std::vector<Unit>& units() const noexcept { return units_; }
  [[nodiscard]] const Unit* find(std::string_view id) const noexcept;
  /// Throws DataError naming the id.
  [[nodiscard]] const Unit& at(std::string_view id) const;
  /// Units whose name is `name` (case-sensitive); a gemeente name is unique.
  [[nodiscard]] const Unit* find_by_name(std::string_view name) const noexcept;
  /// A registry of the units with these ids, in the given order (throws DataError for unknown
  /// ids). A parent outside the subset is cleared, so that the subset is a valid registry.
  [[nodiscard]] UnitRegistry subset(const std::vector<std::string>& ids) const;
  /// Mark the baseline period of a unit (throws DataError for an unknown id).
  void set_baseline(std::string_view id, Period baseline);

 private:
  std::vector<Unit> units_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<std::string, std::size_t> by_name_;
};

}  // namespace doelenboom
