// ReachPartial: reach from registrations (src/estimate/registrations.cpp) as a mergeable partial, and the
// reach estimator itself: estimate_reach(view) finalises the partial of the view, so the
// single-machine and the merged results are one computation (docs/dask.md). Hours are summed
// exactly (ExactSum) and the clients of a group are taken in the order of their first row, so
// neither depends on how the rows were split.

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <string>
#include <tuple>

#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"
#include "doelenboom/unit.hpp"
#include "estimate/estimate_records.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"

namespace doelenboom {

namespace {

constexpr std::string_view reach_magic = "doelenboom.ReachPartial/1\n";

bool client_less(const ReachPartial::Client& a, const ReachPartial::Client& b) {
  return std::tie(a.group, a.client) < std::tie(b.group, b.client);
}

// The fields of a partial, a group and a client in their binary order (to_bytes and from_bytes).
template <class P>
auto flag_fields(P& p) {
  return std::tie(p.has_hours, p.has_referral, p.has_referrer_contact, p.has_channel, p.has_life_domain, p.has_dates);
}
template <class P>
auto dictionary_fields(P& p) {
  return std::tie(p.units, p.periods, p.channels, p.life_domains);
}
template <class G>
auto count_fields(G& g) {
  return std::tie(g.contacts, g.hours_missing, g.referral_known, g.referrals, g.referrer_known, g.referrer);
}
template <class C>
auto client_fields(C& c) {
  return std::tie(c.group, c.client, c.position, c.contacts, c.first_start, c.last_end, c.open, c.life_domains);
}

// The clients of the rows, found by (group, client) with open addressing over the Client records
// themselves: the table holds a slot and 32 bits of the hash, the keys are only in the records, so
// a row reads the table once and its client once, and the keys are not held twice (PairIndex's
// separate keys cost about 50 MB more for 10 million rows). Slots go in order of first appearance.
class ClientTable {
 public:
  ClientTable(std::vector<ReachPartial::Client>& clients, std::size_t expected) : clients_(clients) {
    std::size_t cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    table_.assign(cap, 0);
    clients_.reserve(expected);
  }
  ReachPartial::Client& find_or_add(std::uint64_t group, std::uint64_t client, std::uint64_t position) {
    if ((clients_.size() + 1) * 2 > table_.size()) grow();
    const std::uint64_t h = hash(group, client);
    const std::size_t mask = table_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const std::uint64_t e = table_[i];
      if (e == 0) {
        if (clients_.size() + 1 > max_clients) {
          throw DataError("registrations of more than " + std::to_string(max_clients) +
                          " distinct (unit, period, client) in one partial (expected fewer: split the rows)");
        }
        table_[i] = (h & tag_bits) | (clients_.size() + 1);
        ReachPartial::Client& c = clients_.emplace_back();
        c.group = group;
        c.client = client;
        c.position = position;
        return c;
      }
      if ((e & tag_bits) == (h & tag_bits)) {
        ReachPartial::Client& c = clients_[static_cast<std::size_t>((e & ~tag_bits) - 1)];
        if (c.group == group && c.client == client) return c;
      }
    }
  }

 private:
  static constexpr std::uint64_t tag_bits = 0xFFFFFFFF00000000ULL;  ///< low bits: slot + 1 (0 = empty)
  static constexpr std::size_t max_clients = 0xFFFFFFFFu - 1;
  static std::uint64_t hash(std::uint64_t group, std::uint64_t client) {
    return detail::mix64(client ^ (group * 0xD6E8FEB86659FD93ULL));
  }
  void grow() {
    table_.assign(table_.size() * 2, 0);
    const std::size_t mask = table_.size() - 1;
    for (std::size_t s = 0; s < clients_.size(); ++s) {
      const std::uint64_t h = hash(clients_[s].group, clients_[s].client);
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (table_[i] != 0) i = (i + 1) & mask;
      table_[i] = (h & tag_bits) | (s + 1);
    }
  }
  std::vector<ReachPartial::Client>& clients_;
  std::vector<std::uint64_t> table_;
};

}  // namespace

namespace detail {

ReachPartial reach_partial_unchecked(const RegistrationView& d, std::uint64_t position) {
  ReachPartial p;
  const std::size_t n = d.unit.size();
  const std::size_t np = d.periods.size();
  p.source = d.source;
  p.rows = n;
  p.has_hours = !d.hours.empty();
  p.has_referral = !d.referral.empty();
  p.has_referrer_contact = !d.referrer_contact.empty();
  p.has_channel = !d.channel.empty();
  p.has_life_domain = !d.life_domain.empty();
  p.has_dates = !d.start_day.empty() && !d.end_day.empty();
  p.units = detail::dictionary_of(d.unit_names, position);
  p.periods = detail::dictionary_of(d.periods, position);
  p.channels = detail::dictionary_of(d.channel_names, position);
  p.life_domains = detail::dictionary_of(d.life_domain_names, position);
  ReachPartial::Group empty;
  empty.channel_contacts.assign(d.channel_names.size(), 0);
  p.groups.assign(d.unit_names.size() * np, empty);

  ClientTable clients(p.clients, std::min<std::size_t>(n, 1u << 20));  // p.clients in the order of first rows
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t g = static_cast<std::size_t>(d.unit[r]) * np + static_cast<std::size_t>(d.period[r]);
    ReachPartial::Group& grp = p.groups[g];
    ++grp.contacts;
    if (p.has_hours) {
      if (std::isnan(d.hours[r])) ++grp.hours_missing;
      else grp.hours.add(d.hours[r]);
    }
    if (p.has_referral && d.referral[r] != missing_flag) {
      ++grp.referral_known;
      grp.referrals += d.referral[r];
    }
    if (p.has_referrer_contact && d.referrer_contact[r] != missing_flag) {
      ++grp.referrer_known;
      grp.referrer += d.referrer_contact[r];
    }
    if (p.has_channel && d.channel[r] != -1) ++grp.channel_contacts[static_cast<std::size_t>(d.channel[r])];
    ReachPartial::Client& c = clients.find_or_add(g, d.client[r], position + r);
    ++c.contacts;
    if (p.has_life_domain && d.life_domain[r] != -1) c.life_domains |= std::uint64_t{1} << d.life_domain[r];
    if (p.has_dates) {
      const std::int32_t a = d.start_day[r], b = d.end_day[r];
      if (a != missing_day) c.first_start = std::min(c.first_start, a);
      if (b != missing_day) c.last_end = std::max(c.last_end, b);
      else if (a != missing_day) c.open = 1;  // started, not ended: the trajectory is still open
    }
  }
  return p;
}

}  // namespace detail

ReachPartial ReachPartial::from_view(const RegistrationView& d, std::uint64_t position) {
  throw_if_problems<DataError>(check_registrations(d));
  ReachPartial p = detail::reach_partial_unchecked(d, position);
  std::sort(p.clients.begin(), p.clients.end(), client_less);
  return p;
}

ReachPartial ReachPartial::merge(const ReachPartial& a, const ReachPartial& b) {
  ReachPartial out;
  out.source = detail::merged_source(a.source, a.rows, b.source, b.rows, "reach");
  out.rows = a.rows + b.rows;
  const auto flags = [](const ReachPartial& x) {
    return std::array<bool, 6>{x.has_hours, x.has_referral, x.has_referrer_contact, x.has_channel, x.has_life_domain, x.has_dates};
  };
  if (a.rows > 0 && b.rows > 0 && flags(a) != flags(b)) {
    throw DataError("cannot merge reach partials of registrations with different columns (source " + detail::squote(out.source) +
                    "; expected every partition to have the same optional columns: hours, referral, "
                    "referrer_contact, channel, life_domain, start/end dates)");
  }
  const auto& f = a.rows > 0 ? a : b;
  out.has_hours = f.has_hours || (a.rows == 0 && b.has_hours);
  out.has_referral = f.has_referral || (a.rows == 0 && b.has_referral);
  out.has_referrer_contact = f.has_referrer_contact || (a.rows == 0 && b.has_referrer_contact);
  out.has_channel = f.has_channel || (a.rows == 0 && b.has_channel);
  out.has_life_domain = f.has_life_domain || (a.rows == 0 && b.has_life_domain);
  out.has_dates = f.has_dates || (a.rows == 0 && b.has_dates);
  if (a.rows == 0 && b.rows == 0) {
    out.has_hours = a.has_hours || b.has_hours;
    out.has_referral = a.has_referral || b.has_referral;
    out.has_referrer_contact = a.has_referrer_contact || b.has_referrer_contact;
    out.has_channel = a.has_channel || b.has_channel;
    out.has_life_domain = a.has_life_domain || b.has_life_domain;
    out.has_dates = a.has_dates || b.has_dates;
  }
  const auto units = detail::unite(a.units, b.units);
  const auto periods = detail::unite(a.periods, b.periods);
  const auto channels = detail::unite(a.channels, b.channels);
  const auto domains = detail::unite(a.life_domains, b.life_domains);
  if (domains.merged.names.size() > 64) {
    throw DataError("cannot merge reach partials of source " + detail::squote(out.source) + ": together they have " +
                    std::to_string(domains.merged.names.size()) + " distinct life domains (expected at most 64)");
  }
  out.units = units.merged;
  out.periods = periods.merged;
  out.channels = channels.merged;
  out.life_domains = domains.merged;
  const std::size_t np = out.periods.names.size();
  Group empty;
  empty.channel_contacts.assign(out.channels.names.size(), 0);
  out.groups.assign(out.units.names.size() * np, empty);
  out.clients.reserve(a.clients.size() + b.clients.size());

  const auto add = [&](const ReachPartial& x, const auto& u, const auto& per, const auto& ch, const auto& dom) {
    const std::size_t xnp = x.periods.names.size();
    const auto group_of = [&](std::uint64_t g) {
      return static_cast<std::uint64_t>(u.at(static_cast<std::size_t>(g / xnp))) * np + per.at(static_cast<std::size_t>(g % xnp));
    };
    for (std::size_t g = 0; g < x.groups.size(); ++g) {
      const Group& src = x.groups[g];
      Group& dst = out.groups[static_cast<std::size_t>(group_of(g))];
      dst.contacts += src.contacts;
      dst.hours_missing += src.hours_missing;
      dst.referral_known += src.referral_known;
      dst.referrals += src.referrals;
      dst.referrer_known += src.referrer_known;
      dst.referrer += src.referrer;
      for (std::size_t c = 0; c < src.channel_contacts.size(); ++c) dst.channel_contacts[ch[c]] += src.channel_contacts[c];
      dst.hours.merge(src.hours);
    }
    for (Client c : x.clients) {
      c.group = group_of(c.group);
      std::uint64_t bits = 0;
      for (std::uint64_t rest = c.life_domains; rest != 0; rest &= rest - 1)
        bits |= std::uint64_t{1} << dom[static_cast<std::size_t>(std::countr_zero(rest))];
      c.life_domains = bits;
      out.clients.push_back(c);
    }
  };
  add(a, units.from_a, periods.from_a, channels.from_a, domains.from_a);
  add(b, units.from_b, periods.from_b, channels.from_b, domains.from_b);

  std::sort(out.clients.begin(), out.clients.end(), client_less);
  std::size_t w = 0;
  for (std::size_t r = 0; r < out.clients.size(); ++r) {
    const Client& c = out.clients[r];
    if (w > 0 && out.clients[w - 1].group == c.group && out.clients[w - 1].client == c.client) {
      Client& m = out.clients[w - 1];
      m.position = std::min(m.position, c.position);
      m.contacts += c.contacts;
      m.first_start = std::min(m.first_start, c.first_start);
      m.last_end = std::max(m.last_end, c.last_end);
      m.open |= c.open;
      m.life_domains |= c.life_domains;
    } else {
      out.clients[w++] = c;
    }
  }
  out.clients.resize(w);
  return out;
}

std::string ReachPartial::to_bytes() const {
  detail::ByteWriter w(reach_magic);
  w.put_fields(std::tie(source, rows));
  w.put_fields(flag_fields(*this));
  w.put_fields(dictionary_fields(*this));
  w.put(static_cast<std::uint64_t>(groups.size()));
  for (const Group& g : groups) {
    w.put_fields(count_fields(g));
    w.put_fields(std::tie(g.channel_contacts, g.hours));
  }
  w.put(static_cast<std::uint64_t>(clients.size()));
  for (const Client& c : clients) w.put_fields(client_fields(c));
  return w.take();
}

ReachPartial ReachPartial::from_bytes(std::string_view bytes) {
  detail::ByteReader r(bytes, reach_magic, "ReachPartial");
  ReachPartial p;
  r.get_fields(std::tie(p.source, p.rows));
  r.get_fields(flag_fields(p));
  r.get_fields(dictionary_fields(p));
  if (p.life_domains.names.size() > 64) r.fail();
  std::uint64_t ng = 0;
  r.get(ng);
  if (ng != p.units.names.size() * p.periods.names.size()) r.fail();
  p.groups.resize(static_cast<std::size_t>(ng));
  for (Group& g : p.groups) {
    r.get_fields(count_fields(g));
    r.get(g.channel_contacts);
    if (g.channel_contacts.size() != p.channels.names.size()) r.fail();
    r.get(g.hours);
  }
  std::uint64_t nc = 0;
  r.get(nc);
  if (nc > bytes.size()) r.fail();
  p.clients.resize(static_cast<std::size_t>(nc));
  for (Client& c : p.clients) {
    r.get_fields(client_fields(c));
    // to_bytes writes the order from_view and merge give: by (group, client), each pair once.
    if (c.group >= ng || (&c != p.clients.data() && !client_less(*(&c - 1), c))) r.fail();
  }
  r.finish();
  return p;
}

Dataset estimate_reach(const ReachPartial& p, const ReachOptions& options, const DataContext& context) {
  const std::size_t np = p.periods.names.size();
  const std::size_t groups = p.groups.size();
  std::int32_t phone = -1;
  for (std::size_t i = 0; i < p.channels.names.size(); ++i)
    if (p.channels.names[i] == options.phone_channel) phone = static_cast<std::int32_t>(i);

  // The clients of each group in the order of their first row: a stable counting sort on the group,
  // then a sort on the position, unless the clients are in that order already (the partial
  // estimate_reach(view) finalises keeps them in row order; from_view and merge sort them by client).
  std::vector<std::size_t> offset(groups + 1, 0);
  for (const auto& c : p.clients) ++offset[static_cast<std::size_t>(c.group) + 1];
  for (std::size_t g = 0; g < groups; ++g) offset[g + 1] += offset[g];
  std::vector<std::uint32_t> by_group(p.clients.size());
  {
    std::vector<std::size_t> fill(offset.begin(), offset.end() - 1);
    for (std::uint32_t i = 0; i < by_group.size(); ++i) by_group[fill[static_cast<std::size_t>(p.clients[i].group)]++] = i;
  }
  const bool in_row_order = std::is_sorted(p.clients.begin(), p.clients.end(),
                                            [](const auto& x, const auto& y) { return x.position < y.position; });
  const auto earlier = [&](std::uint32_t x, std::uint32_t y) { return p.clients[x].position < p.clients[y].position; };
  for (std::size_t g = 0; g < groups && !in_row_order; ++g) {
    std::sort(by_group.begin() + static_cast<std::ptrdiff_t>(offset[g]),
              by_group.begin() + static_cast<std::ptrdiff_t>(offset[g + 1]), earlier);
  }

  const std::string& src = p.source;
  const std::size_t ndomains = p.has_life_domain ? p.life_domains.names.size() : 0;
  if (ndomains > 64) {
    throw DataError("reach partial of source " + detail::squote(src) + " has " + std::to_string(ndomains) +
                    " life domains (expected at most 64)");
  }
  std::vector<EstimateRecord> out;
  std::vector<double> contacts, lead_times;
  std::array<std::uint64_t, 64> with_domain{};
  for (std::size_t g = 0; g < groups; ++g) {
    const ReachPartial::Group& grp = p.groups[g];
    if (grp.contacts == 0) continue;
    const std::string& unit = p.units.names[g / np];
    const Period& period = p.periods.names[g % np];
    const auto clients = static_cast<double>(offset[g + 1] - offset[g]);
    std::int64_t channel_known = 0;
    for (const auto c : grp.channel_contacts) channel_known += c;
    const std::int64_t phones = phone >= 0 ? grp.channel_contacts[static_cast<std::size_t>(phone)] : 0;
    // One pass over the group's clients, in order: contacts per client, closed lead times, life domains.
    contacts.clear();
    lead_times.clear();
    with_domain.fill(0);
    for (std::size_t k = offset[g]; k < offset[g + 1]; ++k) {
      const ReachPartial::Client& c = p.clients[by_group[k]];
      contacts.push_back(static_cast<double>(c.contacts));
      if (p.has_dates && !c.open && c.first_start != INT32_MAX && c.last_end != INT32_MIN)
        lead_times.push_back(static_cast<double>(c.last_end) - static_cast<double>(c.first_start));
      for (std::uint64_t rest = c.life_domains; rest != 0; rest &= rest - 1) ++with_domain[static_cast<std::size_t>(std::countr_zero(rest))];
    }
    auto rec = [&](const std::string& id, double value, double base, std::string method) {
      EstimateRecord e;
      e.unit = unit;
      e.period = period;
      e.indicator = options.prefix + id;
      e.value = value;
      e.n = base;
      e.source = src;
      e.method = std::move(method);
      return e;
    };
    out.push_back(rec("clients", clients, clients, "distinct pseudonymised clients"));
    out.push_back(rec("contacts", static_cast<double>(grp.contacts), clients, "registered contacts"));
    if (p.has_hours) {
      out.push_back(rec("hours", grp.hours.value(), clients,
                        "sum of recorded hours (" + std::to_string(grp.hours_missing) + " of " +
                            std::to_string(grp.contacts) + " contacts without hours)"));
    }
    if (p.has_referral) {
      out.push_back(rec("referrals", static_cast<double>(grp.referrals), clients,
                        "contacts with a referral (" + std::to_string(grp.contacts - grp.referral_known) +
                            " not recorded)"));
    }
    if (p.has_referrer_contact) {
      out.push_back(rec("referrer_contacts", static_cast<double>(grp.referrer), clients,
                        "contacts with a referrer (" + std::to_string(grp.contacts - grp.referrer_known) +
                            " not recorded)"));
    }
    if (p.has_channel) {
      out.push_back(rec("phone_questions", static_cast<double>(phones), clients,
                        "contacts by channel " + detail::squote(options.phone_channel) + " (" +
                            std::to_string(grp.contacts - channel_known) + " without channel)"));
    }
    {
      // Conversations per client: the mean of the clients' contact counts, with a t interval.
      const stats::MeanEstimate m = stats::mean_interval(contacts);
      EstimateRecord e = rec("conversations_per_client", m.mean, clients, "mean contacts per client, t interval 95%");
      detail::set_mean(e, m);
      out.push_back(e);
    }
    if (!lead_times.empty()) {
      std::sort(lead_times.begin(), lead_times.end());
      const auto closed = static_cast<double>(lead_times.size());
      out.push_back(rec("lead_time_median_days", stats::quantile(lead_times, 0.5), closed,
                        "median days from first start to last end, closed trajectories"));
      out.push_back(rec("lead_time_p90_days", stats::quantile(lead_times, 0.9), closed,
                        "90th percentile (linear) of days from first start to last end, closed trajectories"));
    }
    for (std::size_t dom = 0; dom < ndomains; ++dom) {
      EstimateRecord e = rec("share_life_domain." + p.life_domains.names[dom], 0.0, clients,
                             "share of clients with a question in this life domain, Wilson 95%");
      detail::set_wilson(e, stats::wilson(static_cast<double>(with_domain[dom]), clients));
      out.push_back(e);
    }
    if (options.rate_per > 0.0 && context.units != nullptr) {
      const Unit& u = context.units->at(unit);
      if (!(u.population > 0.0)) {
        throw DataError("unit " + detail::squote(unit) + " has no population (expected one to compute clients per " +
                        std::to_string(static_cast<long long>(options.rate_per)) +
                        " inhabitants; give it in the units file or set rate_per to 0)");
      }
      char buf[32];
      auto res = std::to_chars(buf, buf + sizeof buf, options.rate_per);
      out.push_back(rec("clients_per_" + std::string(buf, res.ptr), clients / u.population * options.rate_per, clients,
                        "distinct clients per " + std::string(buf, res.ptr) + " inhabitants (population " +
                            std::to_string(static_cast<long long>(u.population)) + ")"));
    }
  }
  return detail::estimates_dataset(out, context);
}

}  // namespace doelenboom
