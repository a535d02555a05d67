// PrePostPartial: pre/post rows (src/estimate/prepost.cpp) as a mergeable partial, and its finaliser, the
// one estimator of change: estimate_prepost(view) finalises the partial of the view, so a merged
// partial of many partitions gives the single-machine estimates bit for bit (docs/dask.md).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <tuple>

#include <Eigen/Core>

#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"
#include "estimate/estimate_records.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"

namespace doelenboom {

namespace {

constexpr std::string_view prepost_magic = "doelenboom.PrePostPartial/1\n";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool client_less(const PrePostPartial::Client& a, const PrePostPartial::Client& b) {
  return std::tie(a.group, a.client) < std::tie(b.group, b.client);
}

// The fields of a partial and of a client in their binary order (to_bytes and from_bytes).
template <class P>
auto dictionary_fields(P& p) {
  return std::tie(p.units, p.periods, p.domains);
}
template <class C>
auto client_fields(C& c) {
  return std::tie(c.group, c.client, c.pre_position, c.paired_position);
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

struct Reliability {
  double value;
  std::string text;
};

// Cronbach's alpha of the pre scores over clients with every domain scored, in order of their
// first row with a pre score (as estimate_prepost meets them).
Reliability alpha_of_pre_scores(const PrePostPartial& p) {
  const std::size_t nd = p.domains.names.size();
  const auto fail = [&](const std::string& why) {
    throw DataError("cannot compute the reliability for the Reliable Change Index: " + why +
                    " (expected Cronbach's alpha of the pre domain scores over clients with every domain scored; "
                    "give PrePostOptions.reliability instead, e.g. from the instrument's manual)");
  };
  if (nd < 2) fail("the table has " + std::to_string(nd) + " domain(s), alpha needs at least 2");
  std::vector<std::size_t> complete;
  for (std::size_t s = 0; s < p.clients.size(); ++s) {
    bool all = true;
    for (std::size_t j = 0; j < nd && all; ++j) all = !std::isnan(p.pre[s * nd + j]);
    if (all) complete.push_back(s);
  }
  std::sort(complete.begin(), complete.end(),
            [&](std::size_t a, std::size_t b) { return p.clients[a].pre_position < p.clients[b].pre_position; });
  if (complete.size() < 2)
    fail(std::to_string(complete.size()) + " client(s) have all " + std::to_string(nd) + " domains scored, alpha needs at least 2");
  Eigen::MatrixXd m(static_cast<Eigen::Index>(complete.size()), static_cast<Eigen::Index>(nd));
  for (std::size_t i = 0; i < complete.size(); ++i)
    for (std::size_t j = 0; j < nd; ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = p.pre[complete[i] * nd + j];
  const Eigen::VectorXd totals = m.rowwise().sum();
  if (!(totals.array() != totals(0)).any()) fail("the total pre score is the same for every complete client");
  const double alpha = stats::cronbach_alpha(m);
  if (!(alpha >= 0.0 && alpha < 1.0)) fail("Cronbach's alpha is " + short_number(alpha) + ", outside [0, 1)");
  return {alpha, "reliability " + short_number(alpha) + " = Cronbach's alpha of the pre scores of the " +
                     std::to_string(complete.size()) + " clients with all " + std::to_string(nd) + " domains scored"};
}

// The clients of one (unit, period) group: a run [first, end) of the sorted clients.
struct ClientRun {
  std::size_t group;
  std::size_t first;
  std::size_t end;
};

std::vector<ClientRun> client_runs(const PrePostPartial& p) {
  std::vector<ClientRun> runs;
  for (std::size_t s = 0; s < p.clients.size();) {
    std::size_t e = s + 1;
    while (e < p.clients.size() && p.clients[e].group == p.clients[s].group) ++e;
    runs.push_back({static_cast<std::size_t>(p.clients[s].group), s, e});
    s = e;
  }
  return runs;
}

// The client score of the clients of a group with both scores in some domain, in order of their
// first row with both: per client the mean pre and post score over the domains scored both times
// and their change, and how many went up, stayed the same and went down.
struct ClientScores {
  std::vector<double> pre, post, change;
  std::int64_t up = 0, same = 0, down = 0;
};

// The estimates of change of one partial (estimate_prepost), added group by group: the shift table
// of each domain, then the change of the client score. The reliability of the client score for
// the RCI is computed once, when a group first needs it.
class ChangeEstimator {
 public:
  ChangeEstimator(const PrePostPartial& p, const PrePostOptions& options, const DataContext& context)
      : p_(p),
        options_(options),
        context_(context),
        np_(p.periods.names.size()),
        nd_(p.domains.names.size()),
        pct_(detail::percent_text(options.confidence)) {}

  // Per domain with pairs: the shift table and the shares improved, the same and worse.
  void domain_shifts(const ClientRun& run) {
    std::vector<int> pre, post;
    for (std::size_t dom = 0; dom < nd_; ++dom) {
      pre.clear();
      post.clear();
      for (std::size_t s = run.first; s < run.end; ++s) {
        if (!paired(s, dom)) continue;
        pre.push_back(static_cast<int>(p_.pre[s * nd_ + dom]));
        post.push_back(static_cast<int>(p_.post[s * nd_ + dom]));
      }
      if (pre.empty()) continue;
      stats::ShiftTable table = stats::shift_table(pre, post, options_.min_score, options_.max_score);
      const auto pairs = static_cast<double>(table.n);
      const std::string& name = p_.domains.names[dom];
      const std::array counts{table.improved, table.same, table.worse};
      for (std::size_t k = 0; k < change_share_suffixes.size(); ++k) {
        share(run.group, name + std::string(change_share_suffixes[k]), static_cast<double>(counts[k]), pairs,
              std::string("share of clients whose post score in this domain is ") + change_texts[k] +
                  " than the pre score (both scored), Wilson " + pct_);
      }
      result_.shifts.push_back(ShiftTableRecord{p_.units.names[run.group / np_], p_.periods.names[run.group % np_], name,
                                                std::move(table), pairs < context_.suppression_threshold});
    }
  }

  // On the client score: the shares improved, the same and worse, the mean change, the shares that
  // changed reliably, the effect sizes and the Wilcoxon test.
  void client_score_change(const ClientRun& run) {
    const ClientScores c = client_scores(run);
    if (c.pre.empty()) return;
    const auto clients = static_cast<double>(c.pre.size());
    const std::array counts{c.up, c.same, c.down};
    for (std::size_t k = 0; k < change_share_suffixes.size(); ++k) {
      share(run.group, "score" + std::string(change_share_suffixes[k]), static_cast<double>(counts[k]), clients,
            "share of clients whose post " + score_text + " is " + change_texts[k] + " than the pre score, Wilson " + pct_);
    }
    EstimateRecord e = record(run.group, "score.mean_change");
    detail::set_mean(e, stats::mean_interval(c.change, options_.confidence));
    e.n = clients;
    e.method = "mean change (post - pre) of the " + score_text + ", t interval " + pct_;
    add(run.group, std::move(e));
    if (c.pre.size() >= 2) {
      reliable_change(run.group, c);
      effect_sizes(run.group, c);
    }
    if (std::any_of(c.change.begin(), c.change.end(), [](double x) { return x != 0.0; })) {
      const stats::WilcoxonResult w = stats::wilcoxon_signed_rank(c.change);
      EstimateRecord t = record(run.group, "score.wilcoxon_p");
      t.value = w.p_value;
      t.n = static_cast<double>(w.n_used);
      t.method = "two-sided Wilcoxon signed-rank p-value of the changes of the " + score_text + " (" + w.method + ", " +
                 std::to_string(w.n_zero) + " zero changes dropped as scipy's zero_method 'wilcox'; n = nonzero changes)";
      add(run.group, std::move(t));
    }
  }

  PrePostResult finish() {
    result_.estimates = detail::estimates_dataset(pending_, context_);
    return std::move(result_);
  }

 private:
  const PrePostPartial& p_;
  const PrePostOptions& options_;
  const DataContext& context_;
  std::size_t np_, nd_;
  std::string pct_;
  const std::string score_text = "client score (mean over the domains scored both times)";
  // The words for the change_share_suffixes, in their order.
  static constexpr std::array<const char*, 3> change_texts{"higher", "the same", "lower"};
  std::optional<Reliability> reliability_;
  std::vector<detail::PendingRecord> pending_;
  PrePostResult result_;

  [[nodiscard]] bool paired(std::size_t s, std::size_t j) const {
    return !std::isnan(p_.pre[s * nd_ + j]) && !std::isnan(p_.post[s * nd_ + j]);
  }
  [[nodiscard]] EstimateRecord record(std::size_t group, const std::string& id) const {
    return detail::group_record(p_.units, p_.periods, group, options_.prefix + id, p_.source);
  }
  void add(std::size_t group, EstimateRecord e) { pending_.push_back({group, 0, std::move(e)}); }
  void share(std::size_t group, const std::string& id, double count, double n, std::string method) {
    EstimateRecord e = record(group, id);
    detail::set_wilson(e, stats::wilson(count, n, options_.confidence));
    e.method = std::move(method);
    add(group, std::move(e));
  }

  [[nodiscard]] ClientScores client_scores(const ClientRun& run) const {
    std::vector<std::size_t> members;
    for (std::size_t s = run.first; s < run.end; ++s)
      if (p_.clients[s].paired_position != UINT64_MAX) members.push_back(s);
    std::sort(members.begin(), members.end(),
              [&](std::size_t a, std::size_t b) { return p_.clients[a].paired_position < p_.clients[b].paired_position; });
    ClientScores c;
    for (const std::size_t s : members) {
      double sum_pre = 0.0, sum_post = 0.0, m = 0.0;
      for (std::size_t j = 0; j < nd_; ++j) {
        if (!paired(s, j)) continue;
        sum_pre += p_.pre[s * nd_ + j];
        sum_post += p_.post[s * nd_ + j];
        m += 1.0;
      }
      c.pre.push_back(sum_pre / m);
      c.post.push_back(sum_post / m);
      c.change.push_back((sum_post - sum_pre) / m);
      c.up += sum_post > sum_pre;
      c.same += sum_post == sum_pre;
      c.down += sum_post < sum_pre;
    }
    return c;
  }

  const Reliability& reliability() {
    if (!reliability_) {
      reliability_ = std::isnan(options_.reliability)
                         ? alpha_of_pre_scores(p_)
                         : Reliability{options_.reliability, "reliability " + short_number(options_.reliability) + " (given)"};
    }
    return *reliability_;
  }

  // The shares of clients whose change is reliable (Jacobson & Truax), when the pre scores vary.
  void reliable_change(std::size_t group, const ClientScores& c) {
    const double sd_pre = stats::mean_interval(c.pre, options_.confidence).sd;
    if (!(sd_pre > 0.0)) return;
    const Reliability& rel = reliability();
    const Eigen::Map<const Eigen::VectorXd> pre_v(c.pre.data(), static_cast<Eigen::Index>(c.pre.size()));
    const Eigen::Map<const Eigen::VectorXd> post_v(c.post.data(), static_cast<Eigen::Index>(c.post.size()));
    const Eigen::VectorXd rci = stats::rci(pre_v, post_v, sd_pre, rel.value);
    const auto clients = static_cast<double>(c.pre.size());
    const std::string how = " (Jacobson & Truax: RCI = change / (sqrt(2) sd_pre sqrt(1 - r)), sd_pre " +
                            short_number(sd_pre) + " = sample sd of the clients' pre scores in this unit and period, " +
                            rel.text + "), Wilson " + pct_;
    share(group, "score.reliably_improved", static_cast<double>((rci.array() > stats::reliable_change_threshold).count()),
          clients, "share of clients with RCI > 1.96" + how);
    share(group, "score.reliably_worse", static_cast<double>((rci.array() < -stats::reliable_change_threshold).count()),
          clients, "share of clients with RCI < -1.96" + how);
  }

  // Cohen's d_z and d_av of the change, where defined; no interval.
  void effect_sizes(std::size_t group, const ClientScores& c) {
    const stats::PairedEffect effect = stats::paired_effect(c.pre, c.post);
    for (const auto& [id, value, formula, standardiser] :
         {std::tuple{"score.effect_dz", effect.d_z, "Cohen's d_z = mean change / sd of the changes", &effect.standardiser_z},
          std::tuple{"score.effect_dav", effect.d_av, "d_av = mean change / ((sd_pre + sd_post) / 2)", &effect.standardiser_av}}) {
      if (!std::isfinite(value)) continue;
      EstimateRecord e = record(group, id);
      e.value = value;
      e.n = static_cast<double>(c.pre.size());
      e.method = std::string(formula) + " (standardiser: " + *standardiser + ") of the " + score_text + ", no interval";
      add(group, std::move(e));
    }
  }
};

}  // namespace

bool operator==(const PrePostPartial& a, const PrePostPartial& b) {
  const auto same = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() &&
           std::equal(x.begin(), x.end(), y.begin(), [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); });
  };
  return a.source == b.source && a.rows == b.rows && a.min_score == b.min_score && a.max_score == b.max_score &&
         a.units == b.units && a.periods == b.periods && a.domains == b.domains && a.clients == b.clients &&
         same(a.pre, b.pre) && same(a.post, b.post);
}

PrePostPartial PrePostPartial::from_view(const PrePostView& d, const PrePostOptions& options, std::uint64_t position) {
  throw_if_problems<DataError>(check_prepost(d, options));
  PrePostPartial p;
  const std::size_t n = d.unit.size(), np = d.periods.size(), nd = d.domain_names.size();
  p.source = d.source;
  p.rows = n;
  p.min_score = options.min_score;
  p.max_score = options.max_score;
  p.units = detail::dictionary_of(d.unit_names, position);
  p.periods = detail::dictionary_of(d.periods, position);
  p.domains = detail::dictionary_of(d.domain_names, position);
  detail::PairIndex index(n / std::max<std::size_t>(nd, 1) + 16);
  for (std::size_t r = 0; r < n; ++r) {
    const bool has_pre = !std::isnan(d.pre[r]), has_post = !std::isnan(d.post[r]);
    if (!has_pre && !has_post) continue;
    const std::uint64_t g = static_cast<std::uint64_t>(d.unit[r]) * np + static_cast<std::uint64_t>(d.period[r]);
    bool fresh = false;
    const std::uint32_t s = index.slot(g, d.client[r], fresh);
    if (fresh) {
      p.clients.push_back(Client{g, d.client[r], UINT64_MAX, UINT64_MAX});
      p.pre.resize(p.pre.size() + nd, nan);
      p.post.resize(p.post.size() + nd, nan);
    }
    Client& c = p.clients[s];
    const std::size_t cell = static_cast<std::size_t>(s) * nd + static_cast<std::size_t>(d.domain[r]);
    if (has_pre) {
      c.pre_position = std::min(c.pre_position, position + r);
      p.pre[cell] = d.pre[r];
    }
    if (has_post) p.post[cell] = d.post[r];
    if (has_pre && has_post) c.paired_position = std::min(c.paired_position, position + r);
  }
  // Sort the clients, their cells with them.
  std::vector<std::size_t> order(p.clients.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return client_less(p.clients[a], p.clients[b]); });
  PrePostPartial sorted = p;
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted.clients[i] = p.clients[order[i]];
    std::copy_n(p.pre.begin() + static_cast<std::ptrdiff_t>(order[i] * nd), nd, sorted.pre.begin() + static_cast<std::ptrdiff_t>(i * nd));
    std::copy_n(p.post.begin() + static_cast<std::ptrdiff_t>(order[i] * nd), nd, sorted.post.begin() + static_cast<std::ptrdiff_t>(i * nd));
  }
  return sorted;
}

PrePostPartial PrePostPartial::merge(const PrePostPartial& a, const PrePostPartial& b) {
  PrePostPartial out;
  out.source = detail::merged_source(a.source, a.rows, b.source, b.rows, "pre/post");
  out.rows = a.rows + b.rows;
  if (a.min_score != b.min_score || a.max_score != b.max_score) {
    throw DataError("cannot merge pre/post partials with scales " + std::to_string(a.min_score) + ".." +
                    std::to_string(a.max_score) + " and " + std::to_string(b.min_score) + ".." +
                    std::to_string(b.max_score) + " (source " + detail::squote(out.source) + "; expected one scale)");
  }
  out.min_score = a.min_score;
  out.max_score = a.max_score;
  const auto units = detail::unite(a.units, b.units);
  const auto periods = detail::unite(a.periods, b.periods);
  const auto domains = detail::unite(a.domains, b.domains);
  out.units = units.merged;
  out.periods = periods.merged;
  out.domains = domains.merged;
  const std::size_t np = out.periods.names.size(), nd = out.domains.names.size();
  struct Entry {
    Client client;
    const PrePostPartial* from;
    std::size_t index;
    const std::vector<std::uint32_t>* domain_map;
  };
  std::vector<Entry> all;
  all.reserve(a.clients.size() + b.clients.size());
  const auto add = [&](const PrePostPartial& x, const auto& u, const auto& per, const auto& dom) {
    const std::size_t xnp = x.periods.names.size();
    for (std::size_t i = 0; i < x.clients.size(); ++i) {
      Client c = x.clients[i];
      c.group = static_cast<std::uint64_t>(u.at(static_cast<std::size_t>(c.group / xnp))) * np + per.at(static_cast<std::size_t>(c.group % xnp));
      all.push_back({c, &x, i, &dom});
    }
  };
  add(a, units.from_a, periods.from_a, domains.from_a);
  add(b, units.from_b, periods.from_b, domains.from_b);
  std::sort(all.begin(), all.end(), [](const Entry& x, const Entry& y) { return client_less(x.client, y.client); });
  for (const Entry& e : all) {
    const std::size_t xnd = e.from->domains.names.size();
    const bool same = !out.clients.empty() && out.clients.back().group == e.client.group && out.clients.back().client == e.client.client;
    if (!same) {
      out.clients.push_back(e.client);
      out.pre.resize(out.pre.size() + nd, nan);
      out.post.resize(out.post.size() + nd, nan);
    } else {
      Client& m = out.clients.back();
      m.pre_position = std::min(m.pre_position, e.client.pre_position);
      m.paired_position = std::min(m.paired_position, e.client.paired_position);
    }
    const std::size_t base = (out.clients.size() - 1) * nd;
    for (std::size_t j = 0; j < xnd; ++j) {
      const std::size_t to = base + (*e.domain_map)[j];
      for (auto [dst, src] : {std::pair{&out.pre, &e.from->pre}, std::pair{&out.post, &e.from->post}}) {
        const double v = (*src)[e.index * xnd + j];
        if (std::isnan(v)) continue;
        if (!std::isnan((*dst)[to])) {
          const std::size_t g = static_cast<std::size_t>(e.client.group);
          throw DataError("cannot merge pre/post partials of source " + detail::squote(out.source) + ": client " +
                          std::to_string(e.client.client) + " has domain " + detail::squote(out.domains.names[(*e.domain_map)[j]]) +
                          " scored in two partitions (unit " + detail::squote(out.units.names[g / np]) + ", period " +
                          out.periods.names[g % np].to_string() + "; expected one row per client and domain)");
        }
        (*dst)[to] = v;
      }
    }
  }
  return out;
}

std::string PrePostPartial::to_bytes() const {
  detail::ByteWriter w(prepost_magic);
  w.put_fields(std::tie(source, rows));
  w.put(static_cast<std::int32_t>(min_score));
  w.put(static_cast<std::int32_t>(max_score));
  w.put_fields(dictionary_fields(*this));
  w.put(static_cast<std::uint64_t>(clients.size()));
  for (const Client& c : clients) w.put_fields(client_fields(c));
  w.put_fields(std::tie(pre, post));
  return w.take();
}

PrePostPartial PrePostPartial::from_bytes(std::string_view bytes) {
  detail::ByteReader r(bytes, prepost_magic, "PrePostPartial");
  PrePostPartial p;
  r.get_fields(std::tie(p.source, p.rows));
  std::int32_t lo = 0, hi = 0;
  r.get_fields(std::tie(lo, hi));
  p.min_score = lo;
  p.max_score = hi;
  r.get_fields(dictionary_fields(p));
  std::uint64_t nc = 0;
  r.get(nc);
  if (nc > bytes.size()) r.fail();
  p.clients.resize(static_cast<std::size_t>(nc));
  const std::uint64_t groups = p.units.names.size() * p.periods.names.size();
  for (Client& c : p.clients) {
    r.get_fields(client_fields(c));
    if (c.group >= groups) r.fail();
  }
  r.get_fields(std::tie(p.pre, p.post));
  if (p.pre.size() != p.clients.size() * p.domains.names.size() || p.post.size() != p.pre.size()) r.fail();
  r.finish();
  return p;
}

PrePostResult estimate_prepost(const PrePostPartial& p, const PrePostOptions& options, const DataContext& context) {
  if (options.min_score != p.min_score || options.max_score != p.max_score) {
    throw DataError("the options' scale " + std::to_string(options.min_score) + ".." + std::to_string(options.max_score) +
                    " is not the partial's " + std::to_string(p.min_score) + ".." + std::to_string(p.max_score) +
                    " (expected the options the partials were built with)");
  }
  ChangeEstimator estimator(p, options, context);
  const std::vector<ClientRun> runs = client_runs(p);
  for (const ClientRun& run : runs) estimator.domain_shifts(run);
  for (const ClientRun& run : runs) estimator.client_score_change(run);
  return estimator.finish();
}

}  // namespace doelenboom
