// PrePostPartial: pre/post rows (src/estimate/prepost.cpp) as a mergeable partial, and its finaliser, the
// one estimator of change: estimate_prepost(view) finalises the partial of the view, so a merged
// partial of many partitions gives the single-machine estimates bit for bit (docs/dask.md).

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <tuple>

#include <Eigen/Core>

#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"

namespace doelenboom {

namespace {

constexpr std::string_view prepost_magic = "doelenboom.PrePostPartial/1\n";
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool client_less(const PrePostPartial::Client& a, const PrePostPartial::Client& b) {
  return std::tie(a.group, a.client) < std::tie(b.group, b.client);
}

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

struct Pending {
  std::size_t group;
  EstimateRecord record;
};

struct Reliability {
  double value;
  std::string text;
};

void set_wilson(EstimateRecord& e, const stats::Interval& w) {
  e.value = w.estimate;
  e.n = w.n;
  e.ci_low = w.low;
  e.ci_high = w.high;
  e.se = std::sqrt(w.estimate * (1.0 - w.estimate) / w.n);
}

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
                    std::to_string(b.max_score) + " (source '" + out.source + "'; expected one scale)");
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
          throw DataError("cannot merge pre/post partials of source '" + out.source + "': client " +
                          std::to_string(e.client.client) + " has domain '" + out.domains.names[(*e.domain_map)[j]] +
                          "' scored in two partitions (unit '" + out.units.names[g / np] + "', period " +
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
  w.put(source);
  w.put(rows);
  w.put(static_cast<std::int32_t>(min_score));
  w.put(static_cast<std::int32_t>(max_score));
  w.put(units);
  w.put(periods);
  w.put(domains);
  w.put(static_cast<std::uint64_t>(clients.size()));
  for (const Client& c : clients) {
    w.put(c.group);
    w.put(c.client);
    w.put(c.pre_position);
    w.put(c.paired_position);
  }
  w.put(pre);
  w.put(post);
  return w.take();
}

PrePostPartial PrePostPartial::from_bytes(std::string_view bytes) {
  detail::ByteReader r(bytes, prepost_magic, "PrePostPartial");
  PrePostPartial p;
  r.get(p.source);
  r.get(p.rows);
  std::int32_t lo = 0, hi = 0;
  r.get(lo);
  r.get(hi);
  p.min_score = lo;
  p.max_score = hi;
  r.get(p.units);
  r.get(p.periods);
  r.get(p.domains);
  std::uint64_t nc = 0;
  r.get(nc);
  if (nc > bytes.size()) r.fail();
  p.clients.resize(static_cast<std::size_t>(nc));
  const std::uint64_t groups = p.units.names.size() * p.periods.names.size();
  for (Client& c : p.clients) {
    r.get(c.group);
    r.get(c.client);
    r.get(c.pre_position);
    r.get(c.paired_position);
    if (c.group >= groups) r.fail();
  }
  r.get(p.pre);
  r.get(p.post);
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
  const std::size_t np = p.periods.names.size(), nd = p.domains.names.size();
  const double conf = options.confidence;
  const std::string pct = detail::percent_text(conf);
  const std::string& prefix = options.prefix;
  std::vector<Pending> pending;
  PrePostResult result;
  auto make = [&](std::size_t g, const std::string& id) {
    EstimateRecord e;
    e.unit = p.units.names[g / np];
    e.period = p.periods.names[g % np];
    e.indicator = prefix + id;
    e.source = p.source;
    return e;
  };
  const auto paired = [&](std::size_t s, std::size_t j) {
    return !std::isnan(p.pre[s * nd + j]) && !std::isnan(p.post[s * nd + j]);
  };
  // The clients of each group: a run of the sorted clients.
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // (first, end) per group present
  for (std::size_t s = 0; s < p.clients.size();) {
    std::size_t e = s + 1;
    while (e < p.clients.size() && p.clients[e].group == p.clients[s].group) ++e;
    runs.emplace_back(s, e);
    s = e;
  }

  // Domains: a shift table per (group, domain) with pairs.
  {
    std::vector<int> pre, post;
    for (const auto& [first, end] : runs) {
      const auto g = static_cast<std::size_t>(p.clients[first].group);
      for (std::size_t dom = 0; dom < nd; ++dom) {
        pre.clear();
        post.clear();
        for (std::size_t s = first; s < end; ++s) {
          if (!paired(s, dom)) continue;
          pre.push_back(static_cast<int>(p.pre[s * nd + dom]));
          post.push_back(static_cast<int>(p.post[s * nd + dom]));
        }
        if (pre.empty()) continue;
        stats::ShiftTable table = stats::shift_table(pre, post, options.min_score, options.max_score);
        const auto pairs = static_cast<double>(table.n);
        const std::string& name = p.domains.names[dom];
        for (auto [what, count, text] : {std::tuple{".improved", table.improved, "higher"},
                                         std::tuple{".same", table.same, "the same"},
                                         std::tuple{".worse", table.worse, "lower"}}) {
          EstimateRecord e = make(g, name + what);
          set_wilson(e, stats::wilson(static_cast<double>(count), pairs, conf));
          e.method = std::string("share of clients whose post score in this domain is ") + text +
                     " than the pre score (both scored), Wilson " + pct;
          pending.push_back({g, std::move(e)});
        }
        result.shifts.push_back(ShiftTableRecord{p.units.names[g / np], p.periods.names[g % np], name, std::move(table),
                                                 pairs < context.suppression_threshold});
      }
    }
  }

  std::optional<Reliability> reliability;
  const auto get_reliability = [&]() -> const Reliability& {
    if (!reliability) {
      if (std::isnan(options.reliability)) {
        reliability = alpha_of_pre_scores(p);
      } else {
        reliability = Reliability{options.reliability, "reliability " + short_number(options.reliability) + " (given)"};
      }
    }
    return *reliability;
  };
  std::vector<double> pre, post, change;
  std::vector<std::size_t> members;
  for (const auto& [first, end] : runs) {
    const auto g = static_cast<std::size_t>(p.clients[first].group);
    members.clear();
    for (std::size_t s = first; s < end; ++s)
      if (p.clients[s].paired_position != UINT64_MAX) members.push_back(s);
    if (members.empty()) continue;
    std::sort(members.begin(), members.end(),
              [&](std::size_t a, std::size_t b) { return p.clients[a].paired_position < p.clients[b].paired_position; });
    pre.clear();
    post.clear();
    change.clear();
    std::int64_t up = 0, same = 0, down = 0;
    for (const std::size_t s : members) {
      double sum_pre = 0.0, sum_post = 0.0, m = 0.0;
      for (std::size_t j = 0; j < nd; ++j) {
        if (!paired(s, j)) continue;
        sum_pre += p.pre[s * nd + j];
        sum_post += p.post[s * nd + j];
        m += 1.0;
      }
      pre.push_back(sum_pre / m);
      post.push_back(sum_post / m);
      change.push_back((sum_post - sum_pre) / m);
      up += sum_post > sum_pre;
      same += sum_post == sum_pre;
      down += sum_post < sum_pre;
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
  for (auto& q : pending) out.push_back(std::move(q.record));
  DataContext ctx = context;
  ctx.indicators = nullptr;  // the estimates define their own indicator ids
  result.estimates = Dataset::from_records(out, ctx);
  return result;
}

}  // namespace doelenboom
