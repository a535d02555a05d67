#pragma once
// Pre/post scores per client on an ordinal instrument, e.g. the zelfredzaamheidsmatrix (ZRM: 13
// domains scored 1 acuut .. 5 volledig zelfredzaam) before and after support. They become the
// doelrealisatie (goal attainment) estimates: shift tables, % improved / same / worse, the
// Reliable Change Index per client and % reliably improved, a paired effect size with its
// standardiser named, and the Wilcoxon signed-rank p-value.

#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/cell_table.hpp"
#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/pseudonym.hpp"
#include "doelenboom/stats.hpp"

namespace doelenboom {

/// Pre/post rows by column, not owning: one row per (client, domain).
struct PrePostView {
  std::span<const std::int32_t> unit;      ///< codes into unit_names
  std::span<const std::int32_t> period;    ///< codes into periods (the period of the post measurement)
  std::span<const std::uint64_t> client;   ///< pseudonyms
  std::span<const std::int32_t> domain;    ///< codes into domain_names
  std::span<const double> pre;             ///< NaN = not scored
  std::span<const double> post;            ///< NaN = not scored
  std::vector<std::string> unit_names;
  std::vector<Period> periods;
  std::vector<std::string> domain_names;
  std::string source;
};

struct PrePostTable {
  std::vector<std::int32_t> unit, period, domain;
  std::vector<std::uint64_t> client;
  std::vector<double> pre, post;
  std::vector<std::string> unit_names, domain_names;
  std::vector<Period> periods;
  std::string source;
  [[nodiscard]] std::size_t size() const noexcept { return unit.size(); }
  [[nodiscard]] PrePostView view() const;
};

struct PrePostColumns {
  std::string unit = "unit";
  std::string period = "period";
  std::string client = "client";
  std::string domain = "domain";
  std::string pre = "pre";
  std::string post = "post";
};

/// The suffixes of a change family: `<domain>.improved`, `.same` and `.worse` (and
/// `score.improved`, ...) are shares of the same clients and add up to 1, so the disclosure rules
/// protect them together (doelenboom/disclosure.hpp).
inline constexpr std::array<std::string_view, 3> change_share_suffixes{".improved", ".same", ".worse"};

struct PrePostOptions {
  std::string prefix = "zrm.";  ///< prepended to every indicator id
  int min_score = 1;            ///< the ordinal scale (ZRM: 1..5)
  int max_score = 5;
  /// Reliability of the client score for the RCI, in [0, 1). NaN: Cronbach's alpha of the pre
  /// domain scores over every (unit, period, client) with a pre score in every domain of the table
  /// (pooled over the whole table), computed from the data and named in the method text.
  double reliability = std::numeric_limits<double>::quiet_NaN();
  double confidence = 0.95;
};

/// Read pre/post rows, pseudonymising clients (each distinct id hashed once; raw ids stay out of
/// messages). Scores must be integers in [min, max] or empty;
/// a duplicate (client, domain) within one unit and period is an error. Throws DataError listing
/// every problem with file, row, column, value and what was expected.
PrePostTable read_prepost_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                              const PrePostColumns& columns = {}, const PrePostOptions& options = {},
                              const DataContext& context = {});
std::vector<Problem> check_prepost_csv(const std::filesystem::path& path, const PrePostColumns& columns = {},
                                       const PrePostOptions& options = {}, const DataContext& context = {});
/// Pre/post scores given as a table of cells (a data frame), read as read_prepost_csv reads a
/// file: the same checks, codes and messages, with the rows and column names of the table. A number
/// cell is read as a number; the periods keep their order of first appearance. Throws DataError
/// listing every problem (the options' too).
PrePostTable read_prepost(const CellTable& table, const Pseudonymiser& pseudonymise, const PrePostColumns& columns = {},
                          const PrePostOptions& options = {}, const DataContext& context = {});
/// Every problem of pre/post rows given by column (lengths, codes, scores, options, duplicates
/// naming both rows 1-based, dictionaries, the reserved domain name "score"); never throws for bad
/// content.
std::vector<Problem> check_prepost(const PrePostView& data, const PrePostOptions& options = {});

/// A shift table for one (unit, period, domain).
struct ShiftTableRecord {
  std::string unit;
  Period period;
  std::string domain;
  stats::ShiftTable table;
  /// table.n below the suppression threshold of the context: export paths must blank the counts.
  bool suppressed = false;
};

struct PrePostResult {
  Dataset estimates;                   ///< see estimate_prepost
  std::vector<ShiftTableRecord> shifts;  ///< one per (unit, period, domain); suppressed like the estimates on export
};

/// Per (unit, period), over clients with both scores: per domain `<domain>.improved`,
/// `<domain>.same`, `<domain>.worse` (shares, Wilson); on the client score (the mean over the
/// domains scored both times) `score.improved`, `score.same`, `score.worse`, `score.mean_change`
/// (t interval), `score.reliably_improved` and `score.reliably_worse` (share with |RCI| > 1.96,
/// Wilson), `score.effect_dz` (Cohen's d_z: mean change / sd of changes) and
/// `score.effect_dav` (mean change / average of the pre and post sd), `score.wilcoxon_p`
/// (scipy.stats.wilcoxon defaults; n = nonzero changes). The RCI uses sd_pre = the sample sd of
/// the clients' pre scores in that unit and period. Undefined numbers are left out, not reported
/// as missing: RCI shares and effect sizes with fewer than two clients or a zero sd, the p-value
/// when every change is zero. Shift tables have `suppressed` set when n < the context's threshold.
/// Throws DataError listing every problem of the input (check_prepost), and when the reliability
/// is NaN and alpha cannot be computed or lies outside [0, 1) (give options.reliability then).
PrePostResult estimate_prepost(const PrePostView& data, const PrePostOptions& options = {},
                               const DataContext& context = {});

}  // namespace doelenboom
