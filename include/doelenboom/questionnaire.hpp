#pragma once
// Questionnaires: one row per (respondent, item) answer, from several instruments per unit (e.g.
// a short and a long one, the CEO items, Putten's five Likert items). They become the
// tevredenheid (satisfaction) and doelrealisatie (goal attainment) estimates per unit and period.
// docs/estimates.md lists what each item type yields and how.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pseudonym.hpp"

namespace doelenboom {

/// How an item is answered.
enum class ItemType {
  likert5,  ///< 1 helemaal mee oneens .. 5 helemaal mee eens
  yes_no,   ///< 1 ja, 0 nee
  grade,    ///< rapportcijfer 1..10
};
std::string_view to_string(ItemType t) noexcept;
std::optional<ItemType> parse_item_type(std::string_view text) noexcept;

/// One questionnaire item.
struct Item {
  std::string id;          ///< slug, e.g. "putten_geholpen"
  std::string label;       ///< the question text (Dutch)
  ItemType type = ItemType::likert5;
  std::string scale;       ///< multi-item scale this item belongs to ("" = none); Cronbach's alpha per scale
  bool reversed = false;   ///< reverse-scored within its scale (likert: 6 - x) for alpha and scale scores
  Location where;
  [[nodiscard]] double min() const noexcept;  ///< 1, 0 or 1
  [[nodiscard]] double max() const noexcept;  ///< 5, 1 or 10
};

/// Item definitions: a YAML file `doelenboom_items: 1` with an `items:` list of mappings with the
/// keys id, label, type (required), scale and reversed (docs/estimates.md). Throws ParseError listing
/// every problem with file and line (unknown or duplicate keys, bad type, ...) and those of
/// check_items().
std::vector<Item> load_items_yaml(const std::filesystem::path& path);
std::vector<Item> parse_items_yaml(std::string_view text, const std::string& source = "<string>");
/// Every problem of item definitions: ids (slugs without '.' or '@', unique), scales (same item
/// type throughout, at least two items, not named like an item), `reversed` only within a scale.
std::vector<Problem> check_items(const std::vector<Item>& items);

/// Answers by column, not owning. Categorical columns are codes into the name lists.
struct ResponseView {
  std::span<const std::int32_t> unit;        ///< codes into unit_names
  std::span<const std::int32_t> period;      ///< codes into periods
  std::span<const std::int32_t> instrument;  ///< codes into instrument_names (may be empty: one instrument)
  std::span<const std::uint64_t> respondent; ///< pseudonyms
  std::span<const std::int32_t> item;        ///< codes into `items`
  std::span<const double> value;             ///< the answer; NaN = no answer (skipped, counted)
  std::vector<std::string> unit_names;
  std::vector<Period> periods;
  std::vector<std::string> instrument_names;
  std::vector<Item> items;
  std::string source;
};

/// Answers read from a file: owns its columns.
struct ResponseTable {
  std::vector<std::int32_t> unit, period, instrument, item;
  std::vector<std::uint64_t> respondent;
  std::vector<double> value;
  std::vector<std::string> unit_names, instrument_names;
  std::vector<Period> periods;
  std::vector<Item> items;
  std::string source;
  [[nodiscard]] std::size_t size() const noexcept { return unit.size(); }
  [[nodiscard]] ResponseView view() const;
};

/// Column names of an answers CSV; all required but instrument: a file without that column (or an
/// empty name) holds one instrument. Other columns are an error.
struct ResponseColumns {
  std::string unit = "unit";
  std::string period = "period";
  std::string instrument = "instrument";
  std::string respondent = "respondent";
  std::string item = "item";
  std::string value = "value";
};

/// Read answers, pseudonymising respondents as it reads. Throws DataError listing every problem
/// with file, row, column, value and what was expected: unknown item, a Likert value outside 1..5
/// or not whole (or a grade outside 1..10, a yes/no other than 1/0, ja/nee, yes/no, true/false), a
/// duplicate (respondent, item) within one unit, period and instrument (naming both rows), unknown
/// unit (with context.units), file structure (empty, not UTF-8, missing column), ... An empty
/// value cell is no answer (NaN).
ResponseTable read_responses_csv(const std::filesystem::path& path, const std::vector<Item>& items,
                                 const Pseudonymiser& pseudonymise, const ResponseColumns& columns = {},
                                 const DataContext& context = {});
std::vector<Problem> check_responses_csv(const std::filesystem::path& path, const std::vector<Item>& items,
                                         const ResponseColumns& columns = {}, const DataContext& context = {});
/// Answers given as a table of cells (a data frame), read as read_responses_csv reads a file: the
/// same checks, codes and messages, with the rows and column names of the table. A number cell is
/// read as a number (1 or 0 for a yes/no item); the periods keep their order of first appearance.
/// Throws DataError listing every problem.
ResponseTable read_responses(const CellTable& table, const std::vector<Item>& items, const Pseudonymiser& pseudonymise,
                             const ResponseColumns& columns = {}, const DataContext& context = {});
/// Every problem of answers given by column (lengths, codes, values for their item's type,
/// duplicates naming both rows 1-based, dictionaries, items), never throws for bad content.
std::vector<Problem> check_responses(const ResponseView& data);

struct SurveyOptions {
  double confidence = 0.95;
  bool per_instrument = false;  ///< also estimate per instrument ("<item>@<instrument>" ids)
};

/// Estimates per (unit, period): for a likert5 item `<item>.agree` (share 4 or 5, Wilson) and
/// `<item>.mean` (t interval); for yes_no `<item>.yes` (Wilson); for grade `<item>.mean`
/// (t interval); for every scale `<scale>.alpha` (Cronbach's alpha over respondents who answered
/// all its items; n = those respondents) and `<scale>.mean` (mean of respondents' scale scores).
/// n is the number of answers behind each estimate (empty answers are left out and counted in the
/// method text). A respondent's scale score is the mean of the scale's items (reversed items
/// scored min + max - x), within one instrument. Alpha is left out for fewer than two complete
/// respondents or a total score without variance. Throws DataError listing every problem.
Dataset estimate_survey(const ResponseView& data, const SurveyOptions& options = {}, const DataContext& context = {});

}  // namespace doelenboom
