// Pre/post scores on an ordinal instrument (ZRM): the CSV reader (every problem reported, clients
// pseudonymised while reading), its checks, and the estimator of change, which finalises the
// view's PrePostPartial (docs/estimates.md).

#include "doelenboom/prepost.hpp"
#include "doelenboom/partial.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>

#include "io/csv.hpp"
#include "estimate/cells.hpp"
#include "estimate/estimates_common.hpp"
#include "core/diagnostics.hpp"
#include "core/text.hpp"

namespace doelenboom {

using detail::squote;

PrePostView PrePostTable::view() const {
  return {.unit = unit, .period = period, .client = client, .domain = domain, .pre = pre, .post = post,
          .unit_names = unit_names, .periods = periods, .domain_names = domain_names, .source = source};
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

// "row 3 repeats domain 'financien' of the same client in unit 'A', period 2023 given on row 1
// (...)": one text for the readers and the check of views; `row` and `first` name the rows (with
// their lines, in a file), `period` is the period as shown.
std::string duplicate_score_text(const std::string& row, const std::string& domain, const std::string& unit,
                                 const std::string& period, const std::string& first) {
  return row + " repeats domain " + squote(domain) + " of the same client in unit " + squote(unit) + ", period " +
         period + " given on " + first + " (expected one row per client, domain, unit and period)";
}

// A score cell: NaN when empty (or only spaces), else a whole number on the scale.
detail::ReadColumn<double>::Reader score_reader(const PrePostOptions& options) {
  return [&options](const detail::Cell& cell) {
    constexpr double none = std::numeric_limits<double>::quiet_NaN();
    std::optional<double> x;
    if (cell.kind == detail::Cell::Kind::number) {
      x = cell.number;
    } else {
      const std::string_view v = detail::trim_ascii(cell.text);
      if (v.empty()) return detail::fine(none);
      x = detail::parse_finite_double(v);
    }
    if (!x) return detail::bad(none, "bad_value", "score " + cell.shown() + " is not a number (expected " + score_expectation(options) + ")");
    if (const std::string why = score_problem(*x, options); !why.empty())
      return detail::bad(none, "bad_value", "score " + cell.shown() + " " + why + " (expected " + score_expectation(options) + ")");
    return detail::fine(*x);
  };
}

// The scores read from cells, with what the duplicate check needs.
struct Scores {
  std::vector<std::int32_t> client;  // codes into client_ids
  std::vector<std::string> client_ids;
  std::vector<std::uint8_t> row_ok;  // rows whose key cells are valid take part in the duplicate check
};

Scores read_scores(const detail::Cells& cells, const std::array<std::size_t, 6>& columns, const PrePostColumns& cols,
                   const PrePostOptions& options, const DataContext& context, PrePostTable& t,
                   std::vector<std::string>& period_texts, std::vector<Problem>& out) {
  const auto [cu, cp, cc, cd, cpre, cpost] = columns;
  Scores s;
  detail::Names units{t.unit_names}, periods{period_texts}, clients{s.client_ids}, domains{t.domain_names};
  detail::ReadColumn<std::int32_t> unit(cells, cu, detail::unit_reader(units, context.units));
  detail::ReadColumn<std::int32_t> period(cells, cp, detail::period_reader(periods));
  detail::ReadColumn<std::int32_t> client(cells, cc, detail::name_reader(clients, "client id (expected a client identifier)"));
  detail::ReadColumn<std::int32_t> domain(
      cells, cd, detail::name_reader(domains, "domain (expected the name of a domain, e.g. financien)"));
  detail::ReadColumn<double> pre(cells, cpre, score_reader(options)), post(cells, cpost, score_reader(options));

  const std::size_t n = cells.rows();
  for (auto* v : {&t.unit, &t.period, &t.domain, &s.client}) v->reserve(n);
  t.pre.reserve(n);
  t.post.reserve(n);
  s.row_ok.assign(n, 1);
  bool reserved_reported = false;
  detail::CellSink sink{cells, {out, t.source}};
  detail::KeyCells key{sink, s.row_ok};
  for (std::size_t r = 0; r < n; ++r) {
    t.unit.push_back(key(r, cols.unit, unit(r)));
    t.period.push_back(key(r, cols.period, period(r)));
    s.client.push_back(key(r, cols.client, client(r)));
    const std::int32_t d = key(r, cols.domain, domain(r));
    if (t.domain_names[static_cast<std::size_t>(d)] == reserved_domain && !reserved_reported) {
      sink.add(r, cols.domain, "reserved_name",
               "the domain name 'score' is reserved for the client score (expected another name for this domain)");
      reserved_reported = true;
    }
    t.domain.push_back(d);
    t.pre.push_back(sink.take<double>(r, cols.pre, pre(r)));
    t.post.push_back(sink.take<double>(r, cols.post, post(r)));
  }
  sink.finish();
  return s;
}

// Reads (or, with `pseudonymise` null, only checks) pre/post scores; problems go to `out`.
PrePostTable read_table(const detail::Cells& cells, const Pseudonymiser* pseudonymise, const PrePostColumns& cols,
                        const PrePostOptions& options, const DataContext& context, std::vector<Problem>& out) {
  PrePostTable t;
  t.source = cells.source();
  detail::check_known_columns(cells, {cols.unit, cols.period, cols.client, cols.domain, cols.pre, cols.post}, out);
  const auto columns =
      detail::required_columns(cells, out, cols.unit, cols.period, cols.client, cols.domain, cols.pre, cols.post);
  if (!columns) return t;
  std::vector<std::string> period_texts;
  const Scores s = read_scores(cells, *columns, cols, options, context, t, period_texts, out);
  if (auto mixed = detail::order_periods(cells, period_texts, t.period, t.periods, cols.period)) out.push_back(*mixed);

  const std::size_t n = cells.rows();
  const std::uint64_t np = t.periods.size() + 1, nd = t.domain_names.size() + 1;
  std::vector<std::uint64_t> key, id;
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < n; ++r) {
    if (!s.row_ok[r]) continue;
    key.push_back((static_cast<std::uint64_t>(t.unit[r]) * np + static_cast<std::uint64_t>(t.period[r])) * nd +
                  static_cast<std::uint64_t>(t.domain[r]));
    id.push_back(static_cast<std::uint64_t>(s.client[r]));
    rows.push_back(r);
  }
  detail::ProblemSink dup_sink{out, t.source};
  for (const auto& [r, f] : detail::find_duplicates(key, t.unit_names.size() * np * nd, id, rows)) {
    const std::string& domain = t.domain_names[static_cast<std::size_t>(t.domain[r])];
    std::string buffer;
    // A file shows the period as written (the line finds it), a table as the period.
    const std::string period = cells.from_file() ? squote(cells.at((*columns)[1], r).text_in(buffer))
                                                 : t.periods[static_cast<std::size_t>(t.period[r])].to_string();
    dup_sink.add(make_problem("duplicate_score", cells.where(r, cols.client), {domain},
                              duplicate_score_text(cells.row_ref(r), domain,
                                                   t.unit_names[static_cast<std::size_t>(t.unit[r])], period,
                                                   cells.row_ref(f))));
  }
  dup_sink.finish();

  if (pseudonymise != nullptr) t.client = detail::pseudonyms_of(*pseudonymise, s.client_ids, s.client);
  return t;
}

PrePostTable read_file(const std::filesystem::path& path, const Pseudonymiser* pseudonymise,
                       const PrePostColumns& cols, const PrePostOptions& options, const DataContext& context,
                       std::vector<Problem>& out) {
  check_options(options, path.string(), out);
  const auto csv = detail::read_csv_reporting(path, out);
  if (!csv) {
    PrePostTable t;
    t.source = path.string();
    return t;
  }
  return read_table(detail::Cells(*csv), pseudonymise, cols, options, context, out);
}

}  // namespace

PrePostTable read_prepost_csv(const std::filesystem::path& path, const Pseudonymiser& pseudonymise,
                              const PrePostColumns& columns, const PrePostOptions& options, const DataContext& context) {
  std::vector<Problem> problems;
  PrePostTable t = read_file(path, &pseudonymise, columns, options, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
}

std::vector<Problem> check_prepost_csv(const std::filesystem::path& path, const PrePostColumns& columns,
                                       const PrePostOptions& options, const DataContext& context) {
  std::vector<Problem> problems;
  (void)read_file(path, nullptr, columns, options, context, problems);
  return problems;
}

PrePostTable read_prepost(const CellTable& table, const Pseudonymiser& pseudonymise, const PrePostColumns& columns,
                          const PrePostOptions& options, const DataContext& context) {
  std::vector<Problem> problems;
  check_options(options, table.source, problems);
  const detail::Cells cells(table);
  PrePostTable t;
  if (cells.check(problems)) t = read_table(cells, &pseudonymise, columns, options, context, problems);
  throw_if_problems<DataError>(problems);
  return t;
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
                          duplicate_score_text("row " + std::to_string(r + 1), domain,
                                               d.unit_names[static_cast<std::size_t>(d.unit[r])],
                                               d.periods[static_cast<std::size_t>(d.period[r])].to_string(),
                                               "row " + std::to_string(f + 1))));
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
