#pragma once
// Registrations: one row per contact between a client supporter and a client, as providers'
// registration systems export them. They become the bereik (reach) estimates per unit and period.
// See docs/estimates.md for every indicator, its base n and how it is computed.

#include <climits>
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

inline constexpr std::int32_t missing_day = INT32_MIN;  ///< a date that was not recorded
inline constexpr std::int8_t missing_flag = -1;         ///< a yes/no that was not recorded

/// Registrations by column, not owning (numpy arrays can be passed without copies). Categorical
/// columns are codes into the name lists; -1 is "not recorded". Optional columns may be empty spans.
struct RegistrationView {
  std::span<const std::int32_t> unit;              ///< codes into unit_names (required)
  std::span<const std::int32_t> period;            ///< codes into periods (required)
  std::span<const std::uint64_t> client;           ///< pseudonyms (required)
  std::span<const double> hours;                   ///< hours spent on the contact; NaN = not recorded
  std::span<const std::int8_t> referral;           ///< 1 the client was referred (verwijzing), 0 not
  std::span<const std::int8_t> referrer_contact;   ///< 1 the supporter had contact with a referrer
  std::span<const std::int32_t> channel;           ///< codes into channel_names (telefoon, ...)
  std::span<const std::int32_t> life_domain;       ///< codes into life_domain_names (leefgebied)
  std::span<const std::int32_t> start_day;         ///< start of the support, days since 1970-01-01
  std::span<const std::int32_t> end_day;           ///< end of the support (missing_day while open)
  std::vector<std::string> unit_names;
  std::vector<Period> periods;
  std::vector<std::string> channel_names;
  std::vector<std::string> life_domain_names;
  std::string source;  ///< named in messages and in the estimates' source
};

/// Registrations read from a file: owns its columns.
struct RegistrationTable {
  std::vector<std::int32_t> unit, period, channel, life_domain, start_day, end_day;
  std::vector<std::uint64_t> client;
  std::vector<double> hours;
  std::vector<std::int8_t> referral, referrer_contact;
  std::vector<std::string> unit_names, channel_names, life_domain_names;
  std::vector<Period> periods;
  std::string source;
  /// A categorical column named in RegistrationColumns::breakdowns (an area such as kern or wijk,
  /// or a group such as migratieachtergrond): per row a code into `names`, -1 for an empty cell.
  struct Breakdown {
    std::string column;
    std::vector<std::int32_t> codes;
    std::vector<std::string> names;
  };
  std::vector<Breakdown> breakdowns;  ///< in the order of RegistrationColumns::breakdowns

  [[nodiscard]] std::size_t size() const noexcept { return unit.size(); }
  [[nodiscard]] RegistrationView view() const;
};

/// Column names of a registrations CSV. Required: unit, period, client. The others are optional
/// (an empty name means the file has no such column).
struct RegistrationColumns {
  std::string unit = "unit";
  std::string period = "period";
  std::string client = "client";
  std::string hours = "hours";
  std::string referral = "referral";
  std::string referrer_contact = "referrer_contact";
  std::string channel = "channel";
  std::string life_domain = "life_domain";
  std::string start_date = "start_date";  ///< ISO dates YYYY-MM-DD
  std::string end_date = "end_date";
  /// Extra categorical columns read into RegistrationTable::breakdowns (e.g. "kern",
  /// "migratieachtergrond"); each must be in the file. Empty: none.
  std::vector<std::string> breakdowns;
};

/// Read a registrations CSV, pseudonymising the client column as it reads. Yes/no cells accept
/// 1/0, ja/nee, yes/no, true/false (any case); empty = not recorded. Throws DataError listing every
/// problem (file structure included)
/// with file, row, column, value and what was expected (negative hours, end before start,
/// unknown unit when context.units is set, a bad date, ...).
RegistrationTable read_registrations_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                                         const RegistrationColumns& columns = {}, const DataContext& context = {});
/// Registrations given as a table of cells (a data frame), read as read_registrations_csv reads
/// a file: the same checks, codes and messages, with the rows and column names of the table. A
/// number cell is read as a number (a flag 1 or 0); the periods keep their order of first
/// appearance. Throws DataError listing every problem.
RegistrationTable read_registrations(const CellTable& table, const Pseudonymiser& pseudonymise,
                                     const RegistrationColumns& columns = {}, const DataContext& context = {});
/// Every problem of a registrations CSV at once (validation mode); never throws for bad content.
std::vector<Problem> check_registrations_csv(const std::filesystem::path& path, const RegistrationColumns& columns = {},
                                             const DataContext& context = {});

/// Every problem of registrations given by column (lengths, codes out of range, negative or
/// non-finite hours, end before start, flags other than -1/0/1), rows 1-based.
std::vector<Problem> check_registrations(const RegistrationView& data);

/// The registrations regrouped by breakdown `index` of the table: each row's unit becomes the
/// sub-unit "<unit>/<column>=<value>" (e.g. "GM1740/kern=Opheusden"); rows with an empty value
/// are left out; everything else is kept. Reach per sub-unit is then estimated and watched like
/// that of any unit (docs/run-config.md). Throws std::out_of_range for an index out of range.
RegistrationTable split_by_breakdown(const RegistrationTable& table, std::size_t index);
/// Why a breakdown column is refused before any data are read ("breakdown column 'client' is the
/// client column: ..."), or empty: a breakdown on the client column would publish every client's
/// id. (A column with almost one value per client is refused when the data are read.)
std::string refused_breakdown(const RegistrationColumns& columns, std::string_view breakdown);
/// The sub-unit id split_by_breakdown gives: "<unit>/<column>=<value>".
std::string breakdown_unit_id(std::string_view unit, std::string_view column, std::string_view value);
/// The parts of a sub-unit id, split at the first '/' and the first '=' after it (unit ids have
/// no '/', breakdown column names no '='); nullopt for an id that is not a sub-unit id.
struct BreakdownUnitId {
  std::string unit, column, value;
};
std::optional<BreakdownUnitId> parse_breakdown_unit_id(std::string_view id);

struct ReachOptions {
  std::string prefix = "reach.";        ///< prepended to every indicator id
  std::string phone_channel = "telefoon";  ///< channel name counted as a phone question
  double rate_per = 1000.0;             ///< inhabitants for the rate (from context.units' population)
};

/// The reach estimates per (unit, period) (docs/estimates.md): clients (distinct pseudonyms),
/// contacts, hours, referrals, referrer_contacts, conversations_per_client, phone_questions,
/// lead_time_median_days, lead_time_p90_days (per client: last end - first start, closed
/// trajectories only), share_life_domain.<name> (share of clients with a question in that domain,
/// Wilson interval) and clients_per_<rate_per> (needs context.units with populations). The counts
/// and sums carry a standard error from the clients' totals (compound Poisson), the lead-time
/// quantiles an order-statistic interval ("Variance from the data" in docs/estimates.md). Throws
/// DataError listing every problem of the input (check_registrations).
Dataset estimate_reach(const RegistrationView& data, const ReachOptions& options = {}, const DataContext& context = {});

}  // namespace doelenboom
