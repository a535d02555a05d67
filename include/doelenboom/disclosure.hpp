#pragma once
// Disclosure control beyond the primary rules of Dataset (n below the suppression threshold; a
// share with few persons with or without the property): secondary suppression of cells that add
// up to a published total, so that no suppressed cell can be worked out by differencing.
//
// The disclosure model (docs/privacy.md). Everything the main job publishes is derived from the
// protected estimates: the pipeline treats a suppressed indicator cell as missing (no part in
// treatment, normalisation constants, aggregation, standard errors or ranks), so scores, ranks,
// koploper tables, trends, forecasts and signals are functions of published cells only. What is
// left are the linear relations among published estimates themselves:
//   - a breakdown (areas and groups, doelenboom/registrations.hpp) adds up to its unit's total;
//   - the shares of a change family (improved, same, worse) add up to 1 over the same clients.
// protect_relations() suppresses extra parts of such relations until every suppressed part keeps a
// feasible interval of at least the protection level (in persons) for an attacker who knows every
// published number, the method, and even the persons outside every part.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/dataset.hpp"

namespace doelenboom {

/// The default width, in persons, of the interval an attacker must be left with for a suppressed
/// count: the suppression threshold (docs/privacy.md).
inline constexpr double default_protection_level = 10.0;

/// Published cells that add up: the parts (rows of one data set) count persons who are also
/// counted in a published total. In a breakdown the persons without a value in its column are in
/// no part (and not published).
struct AdditiveRelation {
  std::vector<std::size_t> parts;  ///< rows of the parts' data set
  std::vector<double> persons;     ///< persons counted by each part (the internal numbers)
  double total = 0.0;              ///< persons in the total
  /// The total is suppressed: then no part may be published (a published zero would give the
  /// total away to an attacker who knows the persons in no part).
  bool total_hidden = false;
  std::string what;                ///< for messages, e.g. "GM0717 2023 ind_clienten_bereikt by kern"
};

/// The breakdown relations: the rows of `parts` whose unit is a sub-unit id
/// ("<unit>/<column>=<value>", breakdown_unit_id) against their unit's row of the same period and
/// indicator in `totals`, one relation per (unit, period, indicator, column). Parts count persons
/// (their value). A suppressed total gives a relation with total_hidden; a missing one none.
std::vector<AdditiveRelation> breakdown_relations(const Dataset& parts, const Dataset& totals);

/// The change families of `data` (change_share_suffixes of doelenboom/prepost.hpp): per unit,
/// period and prefix, the shares `<prefix>.improved`, `.same` and `.worse` with a common n; in
/// persons (value * n) they add up to n. Families with a suppressed n, or incomplete, are left out.
std::vector<AdditiveRelation> change_family_relations(const Dataset& data);

struct ProtectionResult {
  std::size_t relations = 0;       ///< relations with a suppressed part
  std::vector<std::size_t> added;  ///< rows suppressed to protect them (secondary suppression), sorted
  /// Relations that stay below the level with every part suppressed (their parts then reveal only
  /// their sum, which is smaller than the level); described by AdditiveRelation::what.
  std::vector<std::string> short_of_level;
};

/// Secondary suppression. In every relation with a suppressed part, parts are suppressed
/// (Dataset::suppress_rows) until at least two are suppressed and the suppressed persons, as far as
/// an attacker can bound their sum (the smaller of their true sum and the total less the
/// published parts), reach `protection_level`; each step adds the smallest published part that
/// reaches the level, else the largest. A suppressed part then lies anywhere in [0, that bound].
/// Under a suppressed total (total_hidden) every part is suppressed.
/// Relations are processed until none changes (they share no parts in the main job, but may).
/// A level of 0 turns secondary suppression off (nothing is added, nothing counted). Throws
/// DataError for a negative or non-finite level.
ProtectionResult protect_relations(Dataset& data, const std::vector<AdditiveRelation>& relations,
                                   double protection_level = default_protection_level);

}  // namespace doelenboom
