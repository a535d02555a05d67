// Pre/post scores on an ordinal instrument (ZRM): the CSV reader (every problem reported, clients
// pseudonymised while reading), its checks, and the estimator of change, which finalises the
// view's PrePostPartial (docs/estimates.md).

#include "doelenboom/prepost.hpp"
#include "doelenboom/partial.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "io/csv.hpp"
#include "estimate/estimates_common.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom {

using detail::squote;

PrePostView PrePostTable::view() const {
  PrePostView v;
  v.unit = unit;
  v.period = period;
  v.client = client;
  v.domain = domain;
  v.pre = pre;
  v.post = post;
  v.unit_names = unit_names;
  v.periods = periods;
  v.domain_names = domain_names;
  v.source = source;
  return v;
}

namespace {

// The client score's indicators are "<prefix>score.<what>", so no domain may be called "score".
constexpr std::string_view reserved_domain = "score";

std::string score_expectation(const PrePostOptions& o) {
  return "a whole number from " + std::to_string(o.min_score) + " to " + std::to_string(o.max_score) +
         ", or empty when not scored";
}

// Why `v` is not a valid score, or "" when it is (NaN = not scored is valid).
std::string score_problem(double v, const PrePostOptions& o) {
  if (std::isnan(v)) return {};
  if (!std::isfinite(v)) return "is not a finite number";
  if (v != std::floor(v)) return "is not a whole number";
  if (v < o.min_score || v > o.max_score)
    return "is outside " + std::to_string(o.min_score) + ".." + std::to_string(o.max_score);
  return {};
}

void check_options(const PrePostOptions& o, const std::string& source, std::vector<Problem>& out) {
  const Location at{source, 0, 0, {}};
  if (o.min_score > o.max_score) {
    out.push_back(make_problem("bad_option", at, {},
                               "min_score " + std::to_string(o.min_score) + " is above max_score " +
                                   std::to_string(o.max_score) + " (expected min_score <= max_score)"));
  } else if (static_cast<long long>(o.max_score) - o.min_score >= 1000) {
    out.push_back(make_problem("bad_option", at, {},
                               "the scale " + std::to_string(o.min_score) + ".." + std::to_string(o.max_score) +
                                   " has more than 1000 levels (expected an ordinal scale such as 1..5)"));
  }
  if (!(o.confidence > 0.0 && o.confidence < 1.0)) {
    out.push_back(make_problem("bad_option", at, {},
                               "confidence " + detail::format_double(o.confidence) +
                                   " is not valid (expected a level between 0 and 1, e.g. 0.95)"));
  }
  if (!std::isnan(o.reliability) && !(o.reliability >= 0.0 && o.reliability < 1.0)) {
    out.push_back(make_problem("bad_option", at, {},
                               "reliability " + detail::format_double(o.reliability) +
                                   " is not valid (expected a value in [0, 1), or NaN to use Cronbach's alpha of the "
                                   "pre scores)"));
  }
}

PrePostTable read_prepost(const std::filesystem::path& path, const Pseudonymiser* pseudonymise,
                          const PrePostColumns& cols, const PrePostOptions& options, const DataContext& context,
                          std::vector<Problem>& out) {
  PrePostTable t;
  t.source = path.string();
  check_options(options, t.source, out);
  const auto read = detail::read_csv_reporting(path, out);
  if (!read) return t;
  const detail::CsvTable& csv = *read;
  detail::check_known_columns(csv, {cols.unit, cols.period, cols.client, cols.domain, cols.pre, cols.post}, out);
  const auto columns =
      detail::required_columns(csv, out, cols.unit, cols.period, cols.client, cols.domain, cols.pre, cols.post);
  if (!columns) return t;
  const auto [cu, cp, cc, cd, cpre, cpost] = *columns;

  const std::size_t n = csv.rows.size();
  for (auto* v : {&t.unit, &t.period, &t.domain}) v->reserve(n);
  t.pre.reserve(n);
  t.post.reserve(n);
  std::vector<std::int32_t> client_code;
  client_code.reserve(n);
  std::vector<std::string> client_ids, period_texts;
  std::unordered_map<std::string, std::int32_t> unit_index, period_index, domain_index, client_index;
  std::vector<std::uint8_t> row_ok(n, 1);
  bool reserved_reported = false;
  detail::CellSink cells{csv, {out, t.source}};
  for (std::size_t r = 0; r < n; ++r) {
    const auto& row = csv.rows[r];
    const std::string& unit = row[cu];
    if (!cells.unit(r, cols.unit, unit, context.units)) row_ok[r] = 0;
    t.unit.push_back(detail::intern(t.unit_names, unit_index, unit));
    const std::string& pt = row[cp];
    if (!cells.period(r, cols.period, pt)) row_ok[r] = 0;
    t.period.push_back(detail::intern(period_texts, period_index, pt));
    const std::string& client = row[cc];
    if (client.empty()) {
      cells.add(r, cols.client, "missing_value", "empty client id (expected a client identifier)");
      row_ok[r] = 0;
    }
    client_code.push_back(detail::intern(client_ids, client_index, client));
    const std::string& domain = row[cd];
    if (domain.empty()) {
      cells.add(r, cols.domain, "missing_value", "empty domain (expected the name of a domain, e.g. financien)");
      row_ok[r] = 0;
    } else if (domain == reserved_domain && !reserved_reported) {
      cells.add(r, cols.domain, "reserved_name",
          "the domain name 'score' is reserved for the client score (expected another name for this domain)");
      reserved_reported = true;
    }
    t.domain.push_back(detail::intern(t.domain_names, domain_index, domain));
    for (auto [c, name, dest] : {std::tuple{cpre, &cols.pre, &t.pre}, std::tuple{cpost, &cols.post, &t.post}}) {
      const std::string& v = row[c];
      double score = std::numeric_limits<double>::quiet_NaN();
      if (!detail::trim_ascii(v).empty()) {
        if (const auto x = detail::parse_finite_double(detail::trim_ascii(v)); !x) {
          cells.add(r, *name, "bad_value", "score " + squote(v) + " is not a number (expected " + score_expectation(options) + ")");
        } else if (const std::string why = score_problem(*x, options); !why.empty()) {
          cells.add(r, *name, "bad_value", "score " + squote(v) + " " + why + " (expected " + score_expectation(options) + ")");
        } else {
          score = *x;
        }
      }
      dest->push_back(score);
    }
  }
  cells.finish();
  if (auto mixed = detail::sort_periods(period_texts, t.period, t.periods, t.source, cols.period)) out.push_back(*mixed);

  {
    const std::uint64_t np = t.periods.size() + 1, nd = t.domain_names.size() + 1;
    std::vector<std::uint64_t> key, id;
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < n; ++r) {
      if (!row_ok[r]) continue;
      key.push_back((static_cast<std::uint64_t>(t.unit[r]) * np + static_cast<std::uint64_t>(t.period[r])) * nd +
                    static_cast<std::uint64_t>(t.domain[r]));
      id.push_back(static_cast<std::uint64_t>(client_code[r]));
      rows.push_back(r);
    }
    detail::ProblemSink dup_sink{out, t.source};
    for (const auto& [r, f] : detail::find_duplicates(key, t.unit_names.size() * np * nd, id, rows)) {
      const auto& row = csv.rows[r];
      dup_sink.add(make_problem("duplicate_score", csv.where(r, cols.client), {row[cd]},
                                "row " + std::to_string(r + 1) + " (line " + std::to_string(csv.row_lines[r]) +
                                    ") repeats domain " + squote(row[cd]) + " of the same client in unit " +
                                    squote(row[cu]) + ", period " + squote(row[cp]) + " given on row " +
                                    std::to_string(f + 1) + " (line " + std::to_string(csv.row_lines[f]) +
                                    ") (expected one row per client, domain, unit and period)"));
    }
    dup_sink.finish();
  }

  if (pseudonymise != nullptr) t.client = detail::pseudonyms_of(*pseudonymise, client_ids, client_code);
  return t;
}

}  // namespace

PrePostTable read_prepost_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                              const PrePostColumns& columns, const PrePostOptions& options, const DataContext& context) {
  std::vector<Problem> problems;
  PrePostTable t = read_prepost(path, &pseudonymise, columns, options, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_prepost_csv(const std::filesystem::path& path, const PrePostColumns& columns,
                                       const PrePostOptions& options, const DataContext& context) {
  std::vector<Problem> problems;
  (void)read_prepost(path, nullptr, columns, options, context, problems);
  return problems;
}

std::vector<Problem> check_prepost(const PrePostView& d, const PrePostOptions& options) {
  std::vector<Problem> out;
  check_options(options, d.source, out);
  const std::size_t n = d.unit.size();
  detail::ColumnLengths length_ok{out, d.source, n};
  const bool ok = length_ok(d.period.size(), "period") & length_ok(d.client.size(), "client") &
                  length_ok(d.domain.size(), "domain") & length_ok(d.pre.size(), "pre") &
                  length_ok(d.post.size(), "post");
  detail::check_dictionary(d.unit_names, d.source, "unit", "unit", out);
  detail::check_dictionary(d.domain_names, d.source, "domain", "domain", out);
  if (std::find(d.domain_names.begin(), d.domain_names.end(), reserved_domain) != d.domain_names.end()) {
    out.push_back(make_problem("reserved_name", Location{d.source, 0, 0, "domain"}, {std::string(reserved_domain)},
                               "the domain name 'score' is reserved for the client score (expected another name)"));
  }
  detail::check_periods(d.periods, d.source, out);
  if (!ok) return out;

  detail::ProblemSink sink{out, d.source};
  const auto loc = [&](std::size_t row, const char* field) { return Location{d.source, 0, row + 1, field}; };
  const std::uint64_t np = d.periods.size(), nd = d.domain_names.size();
  std::vector<std::uint64_t> key, id;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < n; ++r) {
    detail::RowCodes code{sink, r};
    code(d.unit[r], d.unit_names.size(), "unit");
    code(d.period[r], d.periods.size(), "period");
    code(d.domain[r], d.domain_names.size(), "domain");
    for (auto [v, field] : {std::pair{d.pre[r], "pre"}, std::pair{d.post[r], "post"}}) {
      if (const std::string why = score_problem(v, options); !why.empty()) {
        sink.add(make_problem("bad_value", loc(r, field), {},
                              "score " + detail::format_double(v) + " " + why + " (expected " +
                                  score_expectation(options) + ")"));
      }
    }
    if (!code.ok) continue;
    key.push_back((static_cast<std::uint64_t>(d.unit[r]) * np + static_cast<std::uint64_t>(d.period[r])) * nd +
                  static_cast<std::uint64_t>(d.domain[r]));
    id.push_back(d.client[r]);
    rows.push_back(r);
  }
  for (const auto& [r, f] : detail::find_duplicates(key, d.unit_names.size() * np * nd, id, rows)) {
    const std::string& domain = d.domain_names[static_cast<std::size_t>(d.domain[r])];
    sink.add(make_problem("duplicate_score", loc(r, "client"), {domain},
                          "row " + std::to_string(r + 1) + " repeats domain " + squote(domain) +
                              " of the same client in unit " + squote(d.unit_names[static_cast<std::size_t>(d.unit[r])]) +
                              ", period " + d.periods[static_cast<std::size_t>(d.period[r])].to_string() +
                              " given on row " + std::to_string(f + 1) +
                              " (expected one row per client, domain, unit and period)"));
  }
  sink.finish();
  return out;
}

// The estimator lives in one place: the finaliser of PrePostPartial (src/estimate/prepost_change.cpp).
// A view is one partition, so the dask path and this one agree bit for bit by construction.
PrePostResult estimate_prepost(const PrePostView& d, const PrePostOptions& options, const DataContext& context) {
  return estimate_prepost(PrePostPartial::from_view(d, options), options, context);
}

}  // namespace doelenboom
