#pragma once
// Mergeable partial statistics: the client-level estimators (reach, survey, pre/post) split into a
// partial per chunk of rows, merged associatively and commutatively, and finalised into exactly
// (bit for bit) the estimates the single-machine estimator gives on all rows at once. This is what
// runs on dask partitions (python/doelenboom/dask.py). docs/dask.md says what each partial holds,
// how it merges and why the result is exact.
//
// Order: where an estimator's floating-point result depends on the order of its input (a mean
// over clients in order of first appearance), every row and dictionary entry carries a position:
// `position` + its row index (or its code, for dictionary entries). A merge keeps the smallest
// position, and the finaliser puts things back in position order, so the partials of the chunks of
// a table, each built with its chunk's partition_position(), finalise to the single-machine result
// of the whole table. Dictionaries (unit names, periods, ...) are merged by name, so chunks may code
// them differently.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/dataset.hpp"
#include "doelenboom/period.hpp"
#include "doelenboom/prepost.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/registrations.hpp"

namespace doelenboom {

/// The exact sum of doubles: a fixed-point accumulator over the whole double range, so that adding
/// in any order and merging in any tree give the same value(), the correctly rounded sum (round to
/// nearest, ties to even). Non-finite numbers are rejected (std::invalid_argument).
class ExactSum {
 public:
  void add(double x);
  /// Adds count * x exactly (count < 2^53).
  void add_times(double x, std::uint64_t count);
  void merge(const ExactSum& other);
  [[nodiscard]] double value() const;
  /// Equal sums (whatever the order of adding).
  friend bool operator==(const ExactSum& a, const ExactSum& b);

  static constexpr std::size_t limbs = 70;  ///< 32-bit limbs from 2^-1074 up, with room for carries
  /// The limbs after carrying (each in [0, 2^32), the top one signed): the serialised form.
  [[nodiscard]] std::array<std::int64_t, limbs> normalised() const;
  static ExactSum from_limbs(const std::array<std::int64_t, limbs>& limbs);

 private:
  void normalise();
  std::array<std::int64_t, limbs> limb_{};
  std::uint32_t pending_ = 0;  ///< additions since the last carry
};

/// Rows of partition `index` get positions from index * 2^40 (at most 2^40 rows per partition).
inline constexpr unsigned partition_position_bits = 40;
[[nodiscard]] constexpr std::uint64_t partition_position(std::uint64_t index) noexcept {
  return index << partition_position_bits;
}

/// A dictionary of a partial: names with the position of their first use, in position order.
template <class Name>
struct PartialDictionary {
  std::vector<Name> names;
  std::vector<std::uint64_t> positions;
  friend bool operator==(const PartialDictionary&, const PartialDictionary&) = default;
};

// ---------------------------------------------------------------------------------------------
// Reach

/// Reach (estimate_reach) of some registrations. Per (unit, period) group the plain counts and the
/// exact hours sum; per (group, client) the client's contacts, referrals, referrer contacts, hours
/// (in fixed point) and contacts per channel, first start, last end, open flag and life-domain
/// bits, with the position of the client's first row in the group. The client totals give the
/// standard errors of the sums (clients are the sampling units, docs/estimates.md).
struct ReachPartial {
  struct Group {
    std::int64_t contacts = 0, hours_missing = 0, referral_known = 0, referrals = 0, referrer_known = 0, referrer = 0;
    std::vector<std::int64_t> channel_contacts;  ///< per channel code
    ExactSum hours;
    friend bool operator==(const Group&, const Group&) = default;
  };
  struct Client {
    std::uint64_t group = 0;  ///< unit * periods + period
    std::uint64_t client = 0;
    std::uint64_t position = 0;  ///< of the client's first row in the group
    std::int64_t contacts = 0;
    /// Recorded hours in whole units of 2^-20 hour (each row rounded), added as integers so that
    /// the total is the same however the rows are split; UINT64_MAX: too many hours to hold.
    std::uint64_t hours = 0;
    std::uint64_t life_domains = 0;        ///< bit per life-domain code
    std::int32_t first_start = INT32_MAX;  ///< INT32_MAX: no start recorded
    std::int32_t last_end = INT32_MIN;     ///< INT32_MIN: no end recorded
    std::uint32_t referrals = 0;           ///< contacts with a referral (at most contacts < 2^32)
    std::uint32_t referrer = 0;            ///< contacts with a referrer
    std::uint8_t open = 0;                 ///< a row started and not ended
    friend bool operator==(const Client&, const Client&) = default;
  };

  std::string source;
  std::uint64_t rows = 0;
  bool has_hours = false, has_referral = false, has_referrer_contact = false, has_channel = false,
       has_life_domain = false, has_dates = false;
  PartialDictionary<std::string> units;
  PartialDictionary<Period> periods;
  PartialDictionary<std::string> channels;
  PartialDictionary<std::string> life_domains;
  std::vector<Group> groups;    ///< units x periods, unit-major
  std::vector<Client> clients;  ///< sorted by (group, client); the finaliser accepts any order
  /// Contacts of each client per channel code: clients x channels, client-major, in the order of
  /// `clients` (the phone channel is only chosen when the partial is finalised).
  std::vector<std::uint32_t> client_channels;

  /// The partial of these registrations, whose first row has `position`. Throws DataError listing
  /// every problem of the input (check_registrations).
  static ReachPartial from_view(const RegistrationView& data, std::uint64_t position = 0);
  /// The partial of the rows of both; throws DataError when they have different optional columns
  /// or sources, or more than 64 life domains together.
  static ReachPartial merge(const ReachPartial& a, const ReachPartial& b);
  [[nodiscard]] std::string to_bytes() const;
  /// Throws DataError for bytes that are not a serialised ReachPartial.
  static ReachPartial from_bytes(std::string_view bytes);
  friend bool operator==(const ReachPartial&, const ReachPartial&) = default;
};

/// The reach estimates of a partial; estimate_reach(view) is estimate_reach(ReachPartial of the
/// view), so the two agree bit for bit (docs/dask.md).
Dataset estimate_reach(const ReachPartial& partial, const ReachOptions& options = {}, const DataContext& context = {});

// ---------------------------------------------------------------------------------------------
// Survey

/// Answers (estimate_survey) in mergeable form. Per (unit, period, instrument, item) the number of
/// empty answers and the count of each distinct answer; per (unit, period, instrument, respondent)
/// with an answer to a scale item, the answers to every scale item (NaN = none).
struct SurveyPartial {
  struct Cell {
    std::uint64_t missing = 0;
    std::vector<std::pair<double, std::uint64_t>> counts;  ///< (answer, count), answers ascending
    friend bool operator==(const Cell&, const Cell&) = default;
  };
  struct Response {
    std::uint64_t key = 0;  ///< (unit * periods + period) * instruments + instrument
    std::uint64_t respondent = 0;
    std::uint64_t position = 0;  ///< first row of a scale item
    friend bool operator==(const Response&, const Response&) = default;
  };

  std::string source;
  std::uint64_t rows = 0;
  bool has_instrument = false;
  std::vector<Item> items;  ///< the same definitions in every partial
  PartialDictionary<std::string> units;
  PartialDictionary<Period> periods;
  PartialDictionary<std::string> instruments;  ///< one entry "" without an instrument column
  std::vector<Cell> cells;                     ///< ((unit * periods + period) * instruments + instrument) * items + item
  std::vector<std::uint32_t> scale_items;      ///< item codes of scale items, by scale name then item order
  std::vector<Response> responses;             ///< sorted by (key, respondent)
  std::vector<double> answers;                 ///< responses x scale_items; NaN = not answered

  static SurveyPartial from_view(const ResponseView& data, std::uint64_t position = 0);
  /// Throws DataError for different item definitions or sources, and for a (respondent, scale
  /// item) answered in both.
  static SurveyPartial merge(const SurveyPartial& a, const SurveyPartial& b);
  [[nodiscard]] std::string to_bytes() const;
  static SurveyPartial from_bytes(std::string_view bytes);
  friend bool operator==(const SurveyPartial& a, const SurveyPartial& b);
};

/// The survey estimates of a partial; estimate_survey(view) is estimate_survey(SurveyPartial of
/// the view), so the two agree bit for bit.
Dataset estimate_survey(const SurveyPartial& partial, const SurveyOptions& options = {}, const DataContext& context = {});

// ---------------------------------------------------------------------------------------------
// Pre/post

/// Pre/post rows (estimate_prepost) in mergeable form: per (unit, period, client) the pre and post
/// score of every domain (NaN = not scored), with the positions of the client's first row with a
/// pre score and first row with both scores.
struct PrePostPartial {
  struct Client {
    std::uint64_t group = 0;  ///< unit * periods + period
    std::uint64_t client = 0;
    std::uint64_t pre_position = UINT64_MAX;     ///< first row with a pre score
    std::uint64_t paired_position = UINT64_MAX;  ///< first row with both scores
    friend bool operator==(const Client&, const Client&) = default;
  };

  std::string source;
  std::uint64_t rows = 0;
  int min_score = 1, max_score = 5;
  PartialDictionary<std::string> units;
  PartialDictionary<Period> periods;
  PartialDictionary<std::string> domains;
  std::vector<Client> clients;  ///< sorted by (group, client)
  std::vector<double> pre, post;  ///< clients x domains; NaN = not scored

  /// Throws DataError listing every problem of the input (check_prepost with these options).
  static PrePostPartial from_view(const PrePostView& data, const PrePostOptions& options = {}, std::uint64_t position = 0);
  /// Throws DataError for different scales or sources, and a (client, domain) scored in both.
  static PrePostPartial merge(const PrePostPartial& a, const PrePostPartial& b);
  [[nodiscard]] std::string to_bytes() const;
  static PrePostPartial from_bytes(std::string_view bytes);
  friend bool operator==(const PrePostPartial& a, const PrePostPartial& b);
};

/// The pre/post estimates of a partial: those of estimate_prepost() on the same rows, bit for bit.
/// options.min_score and max_score must be the partial's.
PrePostResult estimate_prepost(const PrePostPartial& partial, const PrePostOptions& options = {},
                               const DataContext& context = {});

}  // namespace doelenboom
