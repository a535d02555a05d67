// Pre/post scores on an ordinal instrument (ZRM): the CSV reader (every problem reported, clients
// pseudonymised while reading) and the grouped estimator of change (docs/estimates.md).

#include "doelenboom/prepost.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <Eigen/Core>

#include "csv.hpp"
#include "estimates_common.hpp"
#include "utf8.hpp"

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

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

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

namespace {

struct Pending {
  std::size_t group;
  EstimateRecord record;
};

// Reliability of the client score when none is given: Cronbach's alpha of the pre domain scores
// over the clients (per unit and period) with a pre score in every domain of the table.
struct Reliability {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::string text;  ///< for the method text
};

Reliability alpha_of_pre_scores(const PrePostView& d) {
  const std::size_t n = d.unit.size(), nd = d.domain_names.size(), np = d.periods.size();
  const auto fail = [&](const std::string& why) {
    throw DataError("cannot compute the reliability for the Reliable Change Index: " + why +
                    " (expected Cronbach's alpha of the pre domain scores over clients with every domain scored; "
                    "give PrePostOptions.reliability instead, e.g. from the instrument's manual)");
  };
  if (nd < 2) fail("the table has " + std::to_string(nd) + " domain(s), alpha needs at least 2");
  detail::PairIndex clients(n / nd + 16);
  std::vector<double> cells;
  for (std::size_t r = 0; r < n; ++r) {
    if (std::isnan(d.pre[r])) continue;
    const std::uint64_t g = static_cast<std::uint64_t>(d.unit[r]) * np + static_cast<std::uint64_t>(d.period[r]);
    const std::uint32_t s = clients.slot(g, d.client[r]);
    if (cells.size() < (static_cast<std::size_t>(s) + 1) * nd) cells.resize((static_cast<std::size_t>(s) + 1) * nd, std::numeric_limits<double>::quiet_NaN());
    cells[static_cast<std::size_t>(s) * nd + static_cast<std::size_t>(d.domain[r])] = d.pre[r];
  }
  std::vector<std::size_t> complete;
  for (std::size_t s = 0; s < clients.size(); ++s) {
    bool all = true;
    for (std::size_t j = 0; j < nd && all; ++j) all = !std::isnan(cells[s * nd + j]);
    if (all) complete.push_back(s);
  }
  if (complete.size() < 2)
    fail(std::to_string(complete.size()) + " client(s) have all " + std::to_string(nd) + " domains scored, alpha needs at least 2");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(complete.size()), static_cast<Eigen::Index>(nd));
  for (std::size_t i = 0; i < complete.size(); ++i)
    for (std::size_t j = 0; j < nd; ++j)
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = cells[complete[i] * nd + j];
  const Eigen::VectorXd totals = m.rowwise().sum();
  if (!(totals.array() != totals(0)).any()) fail("the total pre score is the same for every complete client");
  const double alpha = stats::cronbach_alpha(m);
  if (!(alpha >= 0.0 && alpha < 1.0)) fail("Cronbach's alpha is " + short_number(alpha) + ", outside [0, 1)");
  return {alpha, "reliability " + short_number(alpha) + " = Cronbach's alpha of the pre scores of the " +
                     std::to_string(complete.size()) + " clients with all " + std::to_string(nd) + " domains scored"};
}

void set_wilson(EstimateRecord& e, const stats::Interval& w) {
  e.value = w.estimate;
  e.n = w.n;
  e.ci_low = w.low;
  e.ci_high = w.high;
  e.se = std::sqrt(w.estimate * (1.0 - w.estimate) / w.n);
}

}  // namespace

PrePostResult estimate_prepost(const PrePostView& d, const PrePostOptions& options, const DataContext& context) {
  throw_if_problems<DataError>(check_prepost(d, options));
  const std::size_t n = d.unit.size(), np = d.periods.size(), nd = d.domain_names.size();
  const double conf = options.confidence;
  const std::string pct = detail::percent_text(conf);
  const std::string& prefix = options.prefix;
  std::vector<Pending> pending;
  PrePostResult result;
  auto make = [&](std::size_t g, const std::string& id) {
    EstimateRecord e;
    e.unit = d.unit_names[g / np];
    e.period = d.periods[g % np];
    e.indicator = prefix + id;
    e.source = d.source;
    return e;
  };
  const auto group_of = [&](std::size_t r) {
    return static_cast<std::uint64_t>(d.unit[r]) * np + static_cast<std::uint64_t>(d.period[r]);
  };

  // Domains: pairs with both scores, grouped by (group, domain).
  std::vector<std::uint32_t> paired;
  std::vector<std::uint64_t> key;
  for (std::size_t r = 0; r < n; ++r) {
    if (std::isnan(d.pre[r]) || std::isnan(d.post[r])) continue;
    paired.push_back(static_cast<std::uint32_t>(r));
    key.push_back(group_of(r) * nd + static_cast<std::uint64_t>(d.domain[r]));
  }
  {
    const detail::Grouping grouping = detail::group_by(key, static_cast<std::uint64_t>(d.unit_names.size()) * np * nd);
    std::vector<int> pre, post;
    for (std::size_t k = 0; k < grouping.groups(); ++k) {
      const auto g = static_cast<std::size_t>(grouping.keys[k] / nd);
      const auto dom = static_cast<std::size_t>(grouping.keys[k] % nd);
      pre.clear();
      post.clear();
      for (std::size_t i = grouping.offsets[k]; i < grouping.offsets[k + 1]; ++i) {
        const std::size_t r = paired[grouping.order[i]];
        pre.push_back(static_cast<int>(d.pre[r]));
        post.push_back(static_cast<int>(d.post[r]));
      }
      stats::ShiftTable table = stats::shift_table(pre, post, options.min_score, options.max_score);
      const auto pairs = static_cast<double>(table.n);
      const std::string& name = d.domain_names[dom];
      for (auto [what, count, text] : {std::tuple{".improved", table.improved, "higher"},
                                       std::tuple{".same", table.same, "the same"},
                                       std::tuple{".worse", table.worse, "lower"}}) {
        EstimateRecord e = make(g, name + what);
        set_wilson(e, stats::wilson(static_cast<double>(count), pairs, conf));
        e.method = std::string("share of clients whose post score in this domain is ") + text +
                   " than the pre score (both scored), Wilson " + pct;
        pending.push_back({g, std::move(e)});
      }
      result.shifts.push_back(ShiftTableRecord{d.unit_names[g / np], d.periods[g % np], name, std::move(table),
                                               pairs < context.suppression_threshold});
    }
  }

  // Clients: per (group, client) the sums over the domains scored both times.
  detail::PairIndex clients(paired.size() / std::max<std::size_t>(nd, 1) + 16);
  std::vector<double> sum_pre, sum_post;
  std::vector<std::int32_t> domains;
  for (const std::uint32_t r : paired) {
    bool fresh = false;
    const std::uint32_t s = clients.slot(group_of(r), d.client[r], fresh);
    if (fresh) {
      sum_pre.push_back(0.0);
      sum_post.push_back(0.0);
      domains.push_back(0);
    }
    sum_pre[s] += d.pre[r];
    sum_post[s] += d.post[r];
    ++domains[s];
  }
  const detail::Grouping by_group =
      detail::group_by(clients.slot_groups(), static_cast<std::uint64_t>(d.unit_names.size()) * np);
  std::optional<Reliability> reliability;
  const auto get_reliability = [&]() -> const Reliability& {
    if (!reliability) {
      if (std::isnan(options.reliability)) {
        reliability = alpha_of_pre_scores(d);
      } else {
        reliability = Reliability{options.reliability, "reliability " + short_number(options.reliability) + " (given)"};
      }
    }
    return *reliability;
  };
  std::vector<double> pre, post, change;
  for (std::size_t k = 0; k < by_group.groups(); ++k) {
    const auto g = static_cast<std::size_t>(by_group.keys[k]);
    pre.clear();
    post.clear();
    change.clear();
    std::int64_t up = 0, same = 0, down = 0;
    for (std::size_t i = by_group.offsets[k]; i < by_group.offsets[k + 1]; ++i) {
      const std::uint32_t s = by_group.order[i];
      const auto m = static_cast<double>(domains[s]);
      pre.push_back(sum_pre[s] / m);
      post.push_back(sum_post[s] / m);
      // From the integer sums, so that equal changes are equal doubles (ties in the Wilcoxon test).
      change.push_back((sum_post[s] - sum_pre[s]) / m);
      up += sum_post[s] > sum_pre[s];
      same += sum_post[s] == sum_pre[s];
      down += sum_post[s] < sum_pre[s];
    }
    const auto clients_n = static_cast<double>(pre.size());
    const std::string score = "client score (mean over the domains scored both times)";
    for (auto [what, count, text] : {std::tuple{"score.improved", up, "higher"}, std::tuple{"score.same", same, "the same"},
                                     std::tuple{"score.worse", down, "lower"}}) {
      EstimateRecord e = make(g, what);
      set_wilson(e, stats::wilson(static_cast<double>(count), clients_n, conf));
      e.method = "share of clients whose post " + score + " is " + text + " than the pre score, Wilson " + pct;
      pending.push_back({g, std::move(e)});
    }
    {
      const stats::MeanEstimate m = stats::mean_interval(change, conf);
      EstimateRecord e = make(g, "score.mean_change");
      e.value = m.mean;
      e.n = clients_n;
      e.se = m.se;
      e.ci_low = m.low;
      e.ci_high = m.high;
      e.method = "mean change (post - pre) of the " + score + ", t interval " + pct;
      pending.push_back({g, std::move(e)});
    }
    if (pre.size() >= 2) {
      const double sd_pre = stats::mean_interval(pre, conf).sd;
      if (sd_pre > 0.0) {
        const Reliability& rel = get_reliability();
        const Eigen::Map<const Eigen::VectorXd> pre_v(pre.data(), static_cast<Eigen::Index>(pre.size()));
        const Eigen::Map<const Eigen::VectorXd> post_v(post.data(), static_cast<Eigen::Index>(post.size()));
        const Eigen::VectorXd rci = stats::rci(pre_v, post_v, sd_pre, rel.value);
        const double reliably_up = static_cast<double>((rci.array() > stats::reliable_change_threshold).count());
        const double reliably_down = static_cast<double>((rci.array() < -stats::reliable_change_threshold).count());
        const std::string how = " (Jacobson & Truax: RCI = change / (sqrt(2) sd_pre sqrt(1 - r)), sd_pre " +
                                short_number(sd_pre) + " = sample sd of the clients' pre scores in this unit and period, " +
                                rel.text + "), Wilson " + pct;
        EstimateRecord e = make(g, "score.reliably_improved");
        set_wilson(e, stats::wilson(reliably_up, clients_n, conf));
        e.method = "share of clients with RCI > 1.96" + how;
        pending.push_back({g, std::move(e)});
        EstimateRecord w = make(g, "score.reliably_worse");
        set_wilson(w, stats::wilson(reliably_down, clients_n, conf));
        w.method = "share of clients with RCI < -1.96" + how;
        pending.push_back({g, std::move(w)});
      }
      const stats::PairedEffect effect = stats::paired_effect(pre, post);
      if (std::isfinite(effect.d_z)) {
        EstimateRecord e = make(g, "score.effect_dz");
        e.value = effect.d_z;
        e.n = clients_n;
        e.method = "Cohen's d_z = mean change / sd of the changes (standardiser: " + effect.standardiser_z +
                   ") of the " + score + ", no interval";
        pending.push_back({g, std::move(e)});
      }
      if (std::isfinite(effect.d_av)) {
        EstimateRecord e = make(g, "score.effect_dav");
        e.value = effect.d_av;
        e.n = clients_n;
        e.method = "d_av = mean change / ((sd_pre + sd_post) / 2) (standardiser: " + effect.standardiser_av +
                   ") of the " + score + ", no interval";
        pending.push_back({g, std::move(e)});
      }
    }
    if (std::any_of(change.begin(), change.end(), [](double c) { return c != 0.0; })) {
      const stats::WilcoxonResult w = stats::wilcoxon_signed_rank(change);
      EstimateRecord e = make(g, "score.wilcoxon_p");
      e.value = w.p_value;
      e.n = static_cast<double>(w.n_used);
      e.method = "two-sided Wilcoxon signed-rank p-value of the changes of the " + score + " (" + w.method + ", " +
                 std::to_string(w.n_zero) + " zero changes dropped as scipy's zero_method 'wilcox'; n = nonzero changes)";
      pending.push_back({g, std::move(e)});
    }
  }

  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) { return a.group < b.group; });
  std::vector<EstimateRecord> out;
  out.reserve(pending.size());
  for (auto& p : pending) out.push_back(std::move(p.record));
  DataContext ctx = context;
  ctx.indicators = nullptr;  // the estimates define their own indicator ids
  result.estimates = Dataset::from_records(out, ctx);
  return result;
}

}  // namespace doelenboom
