// ReachPartial: reach from registrations (src/estimate/registrations.cpp) as a mergeable partial, and the
// reach estimator itself: estimate_reach(view) finalises the partial of the view, so the
// single-machine and the merged results are one computation (docs/dask.md). Hours are summed
// exactly (ExactSum), each client's totals (contacts, hours in fixed point, ...) are integers, and
// the clients of a group are taken in the order of their first row, so nothing depends on how the
// rows were split. The sums get their standard errors from the client totals (client_variance.hpp).

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <tuple>

#include "doelenboom/partial.hpp"
#include "doelenboom/stats.hpp"
#include "doelenboom/unit.hpp"
#include "estimate/client_variance.hpp"
#include "estimate/estimate_records.hpp"
#include "estimate/estimates_common.hpp"
#include "estimate/partial_internal.hpp"

namespace doelenboom {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::string_view reach_magic = "doelenboom.ReachPartial/2\n";

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
  return std::tie(c.group, c.client, c.position, c.contacts, c.first_start, c.last_end, c.open, c.life_domains, c.hours,
                  c.referrals, c.referrer);
}

// The per-channel counts of a client are 32-bit, and none exceeds the client's contacts.
void check_client_contacts(std::int64_t contacts) {
  if (contacts > static_cast<std::int64_t>(UINT32_MAX)) {
    throw DataError("a client has more than " + std::to_string(UINT32_MAX) +
                    " contacts in one unit and period (expected fewer: the client totals are 32-bit counts)");
  }
}

// The clients of a partial in (group, client) order, their channel counts with them.
void sort_clients(ReachPartial& p) {
  if (std::is_sorted(p.clients.begin(), p.clients.end(), client_less)) return;
  std::vector<std::uint32_t> order(p.clients.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return client_less(p.clients[a], p.clients[b]); });
  const std::size_t nch = p.channels.names.size();
  std::vector<ReachPartial::Client> clients;
  clients.reserve(order.size());
  std::vector<std::uint32_t> channels;
  channels.reserve(p.client_channels.size());
  for (const auto i : order) {
    clients.push_back(p.clients[i]);
    channels.insert(channels.end(), p.client_channels.begin() + static_cast<std::ptrdiff_t>(i * nch),
                    p.client_channels.begin() + static_cast<std::ptrdiff_t>((i + 1) * nch));
  }
  p.clients = std::move(clients);
  p.client_channels = std::move(channels);
}

// One record per (group, client) in a partial sorted by them: the records of a client whose rows
// were in both merged partials become one (sums, min, max, or), exactly whatever the split.
void merge_split_clients(ReachPartial& p) {
  const std::size_t nch = p.channels.names.size();
  std::size_t w = 0;
  for (std::size_t r = 0; r < p.clients.size(); ++r) {
    const ReachPartial::Client& c = p.clients[r];
    if (w > 0 && p.clients[w - 1].group == c.group && p.clients[w - 1].client == c.client) {
      ReachPartial::Client& m = p.clients[w - 1];
      m.position = std::min(m.position, c.position);
      m.contacts += c.contacts;
      check_client_contacts(m.contacts);
      m.hours = detail::saturating_add(m.hours, c.hours);
      m.referrals += c.referrals;
      m.referrer += c.referrer;
      m.first_start = std::min(m.first_start, c.first_start);
      m.last_end = std::max(m.last_end, c.last_end);
      m.open |= c.open;
      m.life_domains |= c.life_domains;
      for (std::size_t k = 0; k < nch; ++k) p.client_channels[(w - 1) * nch + k] += p.client_channels[r * nch + k];
    } else {
      if (w != r) std::copy_n(p.client_channels.begin() + static_cast<std::ptrdiff_t>(r * nch), nch,
                              p.client_channels.begin() + static_cast<std::ptrdiff_t>(w * nch));
      p.clients[w++] = c;
    }
  }
  p.clients.resize(w);
  p.client_channels.resize(w * nch);
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
  const std::size_t nch = d.channel_names.size();
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t g = static_cast<std::size_t>(d.unit[r]) * np + static_cast<std::size_t>(d.period[r]);
    ReachPartial::Group& grp = p.groups[g];
    ReachPartial::Client& c = clients.find_or_add(g, d.client[r], position + r);
    ++grp.contacts;
    check_client_contacts(++c.contacts);
    if (p.has_hours) {
      if (std::isnan(d.hours[r])) {
        ++grp.hours_missing;
      } else {
        grp.hours.add(d.hours[r]);
        c.hours = detail::saturating_add(c.hours, detail::quantised_hours(d.hours[r]));
      }
    }
    if (p.has_referral && d.referral[r] != missing_flag) {
      ++grp.referral_known;
      grp.referrals += d.referral[r];
      c.referrals += static_cast<std::uint32_t>(d.referral[r]);
    }
    if (p.has_referrer_contact && d.referrer_contact[r] != missing_flag) {
      ++grp.referrer_known;
      grp.referrer += d.referrer_contact[r];
      c.referrer += static_cast<std::uint32_t>(d.referrer_contact[r]);
    }
    if (p.has_channel && d.channel[r] != -1) {
      const auto ch = static_cast<std::size_t>(d.channel[r]);
      ++grp.channel_contacts[ch];
      const auto slot = static_cast<std::size_t>(&c - p.clients.data());
      if (p.client_channels.size() < (slot + 1) * nch) p.client_channels.resize((slot + 1) * nch, 0);
      ++p.client_channels[slot * nch + ch];
    }
    if (p.has_life_domain && d.life_domain[r] != -1) c.life_domains |= std::uint64_t{1} << d.life_domain[r];
    if (p.has_dates) {
      const std::int32_t a = d.start_day[r], b = d.end_day[r];
      if (a != missing_day) c.first_start = std::min(c.first_start, a);
      if (b != missing_day) c.last_end = std::max(c.last_end, b);
      else if (a != missing_day) c.open = 1;  // started, not ended: the trajectory is still open
    }
  }
  p.client_channels.resize(p.clients.size() * nch, 0);
  return p;
}

}  // namespace detail

ReachPartial ReachPartial::from_view(const RegistrationView& d, std::uint64_t position) {
  throw_if_problems<DataError>(check_registrations(d));
  ReachPartial p = detail::reach_partial_unchecked(d, position);
  sort_clients(p);
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
  const std::size_t nch = out.channels.names.size();
  out.client_channels.reserve((a.clients.size() + b.clients.size()) * nch);

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
    const std::size_t xnch = x.channels.names.size();
    for (std::size_t i = 0; i < x.clients.size(); ++i) {
      Client c = x.clients[i];
      c.group = group_of(c.group);
      std::uint64_t bits = 0;
      for (std::uint64_t rest = c.life_domains; rest != 0; rest &= rest - 1)
        bits |= std::uint64_t{1} << dom[static_cast<std::size_t>(std::countr_zero(rest))];
      c.life_domains = bits;
      out.clients.push_back(c);
      out.client_channels.resize(out.clients.size() * nch, 0);
      for (std::size_t k = 0; k < xnch; ++k)
        out.client_channels[(out.clients.size() - 1) * nch + ch[k]] = x.client_channels[i * xnch + k];
    }
  };
  add(a, units.from_a, periods.from_a, channels.from_a, domains.from_a);
  add(b, units.from_b, periods.from_b, channels.from_b, domains.from_b);
  sort_clients(out);
  merge_split_clients(out);
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
  w.put(client_channels);
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
  r.get(p.client_channels);
  if (p.client_channels.size() != p.clients.size() * p.channels.names.size()) r.fail();
  r.finish();
  return p;
}

namespace {

// The clients of each group in the order of their first row: a stable counting sort on the group,
// then a sort on the position, unless the clients are in that order already (the partial
// estimate_reach(view) finalises keeps them in row order; from_view and merge sort them by client).
// Group g's clients are by_group[offset[g] .. offset[g + 1]).
struct ClientsByGroup {
  std::vector<std::size_t> offset;
  std::vector<std::uint32_t> by_group;
};

ClientsByGroup clients_by_group(const ReachPartial& p) {
  const std::size_t groups = p.groups.size();
  ClientsByGroup out;
  out.offset.assign(groups + 1, 0);
  for (const auto& c : p.clients) ++out.offset[static_cast<std::size_t>(c.group) + 1];
  for (std::size_t g = 0; g < groups; ++g) out.offset[g + 1] += out.offset[g];
  out.by_group.resize(p.clients.size());
  std::vector<std::size_t> fill(out.offset.begin(), out.offset.end() - 1);
  for (std::uint32_t i = 0; i < out.by_group.size(); ++i)
    out.by_group[fill[static_cast<std::size_t>(p.clients[i].group)]++] = i;
  const bool in_row_order = std::is_sorted(p.clients.begin(), p.clients.end(),
                                            [](const auto& x, const auto& y) { return x.position < y.position; });
  const auto earlier = [&](std::uint32_t x, std::uint32_t y) { return p.clients[x].position < p.clients[y].position; };
  for (std::size_t g = 0; g < groups && !in_row_order; ++g) {
    std::sort(out.by_group.begin() + static_cast<std::ptrdiff_t>(out.offset[g]),
              out.by_group.begin() + static_cast<std::ptrdiff_t>(out.offset[g + 1]), earlier);
  }
  return out;
}

// What the records of a group read from its clients, taken in the order of their first row (so
// that every double is summed in one order whatever the split): contacts per client, closed lead
// times, life domains, and the client totals behind the standard errors of the sums.
struct GroupClients {
  std::vector<double> contacts, lead_times;
  std::array<std::uint64_t, 64> with_domain{};
  detail::CompoundPoissonTotal contact_total, hours_total, referral_total, referrer_total, phone_total;
  bool hours_saturated = false;

  void read(const ReachPartial& p, std::span<const std::uint32_t> clients, std::int32_t phone) {
    contacts.clear();  // the vectors keep their capacity from group to group
    lead_times.clear();
    with_domain.fill(0);
    contact_total = hours_total = referral_total = referrer_total = phone_total = {};
    hours_saturated = false;
    const std::size_t nch = p.channels.names.size();
    for (const std::uint32_t i : clients) {
      const ReachPartial::Client& c = p.clients[i];
      contacts.push_back(static_cast<double>(c.contacts));
      contact_total.add(static_cast<double>(c.contacts));
      if (c.hours == detail::hours_saturated) hours_saturated = true;
      hours_total.add(detail::hours_of(c.hours));
      referral_total.add(static_cast<double>(c.referrals));
      referrer_total.add(static_cast<double>(c.referrer));
      if (phone >= 0) phone_total.add(static_cast<double>(p.client_channels[i * nch + static_cast<std::size_t>(phone)]));
      if (p.has_dates && !c.open && c.first_start != INT32_MAX && c.last_end != INT32_MIN)
        lead_times.push_back(static_cast<double>(c.last_end) - static_cast<double>(c.first_start));
      for (std::uint64_t rest = c.life_domains; rest != 0; rest &= rest - 1)
        ++with_domain[static_cast<std::size_t>(std::countr_zero(rest))];
    }
  }
};

// "; se from 73 clients' totals (compound Poisson)": the method text of a sum's standard error.
std::string total_se_text(std::size_t clients) {
  return "; se from " + std::to_string(clients) + (clients == 1 ? " client's" : " clients'") + " totals (compound Poisson)";
}

// A lead-time quantile with its order-statistic interval and se (client_variance.hpp).
EstimateRecord lead_time_record(EstimateRecord e, const std::vector<double>& sorted, double p) {
  e.value = stats::quantile(sorted, p);
  if (const auto q = detail::quantile_interval(sorted, p)) {
    e.se = q->se;
    e.ci_low = q->low;
    e.ci_high = q->high;
    e.method += "; 95% interval from order statistics " + std::to_string(q->lower) + " and " + std::to_string(q->upper) +
                " of " + std::to_string(sorted.size()) + " (distribution-free), se = its width / (2 x 1.96)";
  } else {
    e.method += "; no se: too few closed trajectories for a distribution-free 95% interval";
  }
  return e;
}

}  // namespace

Dataset estimate_reach(const ReachPartial& p, const ReachOptions& options, const DataContext& context) {
  const std::size_t np = p.periods.names.size();
  const std::size_t groups = p.groups.size();
  std::int32_t phone = -1;
  for (std::size_t i = 0; i < p.channels.names.size(); ++i)
    if (p.channels.names[i] == options.phone_channel) phone = static_cast<std::int32_t>(i);
  const ClientsByGroup order = clients_by_group(p);

  const std::string& src = p.source;
  const std::size_t ndomains = p.has_life_domain ? p.life_domains.names.size() : 0;
  if (ndomains > 64) {
    throw DataError("reach partial of source " + detail::squote(src) + " has " + std::to_string(ndomains) +
                    " life domains (expected at most 64)");
  }
  std::vector<EstimateRecord> out;
  GroupClients gc;
  for (std::size_t g = 0; g < groups; ++g) {
    const ReachPartial::Group& grp = p.groups[g];
    if (grp.contacts == 0) continue;
    const std::string& unit = p.units.names[g / np];
    const Period& period = p.periods.names[g % np];
    const std::size_t m = order.offset[g + 1] - order.offset[g];
    const auto clients = static_cast<double>(m);
    std::int64_t channel_known = 0;
    for (const auto c : grp.channel_contacts) channel_known += c;
    const std::int64_t phones = phone >= 0 ? grp.channel_contacts[static_cast<std::size_t>(phone)] : 0;
    gc.read(p, std::span(order.by_group).subspan(order.offset[g], m), phone);
    auto rec = [&](const std::string& id, double value, double base, std::string method, double se = nan) {
      EstimateRecord e;
      e.unit = unit;
      e.period = period;
      e.indicator = options.prefix + id;
      e.value = value;
      e.n = base;
      e.se = se;
      e.source = src;
      e.method = std::move(method);
      return e;
    };
    const std::string sums = total_se_text(m);
    out.push_back(rec("clients", clients, clients, "distinct pseudonymised clients; se = sqrt(clients) (Poisson)",
                      std::sqrt(clients)));
    out.push_back(rec("contacts", static_cast<double>(grp.contacts), clients, "registered contacts" + sums,
                      gc.contact_total.se()));
    if (p.has_hours) {
      out.push_back(rec("hours", grp.hours.value(), clients,
                        "sum of recorded hours (" + std::to_string(grp.hours_missing) + " of " +
                            std::to_string(grp.contacts) + " contacts without hours)" +
                            (gc.hours_saturated ? "; no se: a client's hours exceed 2^44" : sums),
                        gc.hours_saturated ? nan : gc.hours_total.se()));
    }
    if (p.has_referral) {
      out.push_back(rec("referrals", static_cast<double>(grp.referrals), clients,
                        "contacts with a referral (" + std::to_string(grp.contacts - grp.referral_known) +
                            " not recorded)" + sums,
                        gc.referral_total.se()));
    }
    if (p.has_referrer_contact) {
      out.push_back(rec("referrer_contacts", static_cast<double>(grp.referrer), clients,
                        "contacts with a referrer (" + std::to_string(grp.contacts - grp.referrer_known) +
                            " not recorded)" + sums,
                        gc.referrer_total.se()));
    }
    if (p.has_channel) {
      out.push_back(rec("phone_questions", static_cast<double>(phones), clients,
                        "contacts by channel " + detail::squote(options.phone_channel) + " (" +
                            std::to_string(grp.contacts - channel_known) + " without channel)" + sums,
                        gc.phone_total.se()));
    }
    {
      // Conversations per client: the mean of the clients' contact counts, with a t interval.
      const stats::MeanEstimate mean = stats::mean_interval(gc.contacts);
      EstimateRecord e = rec("conversations_per_client", mean.mean, clients, "mean contacts per client, t interval 95%");
      detail::set_mean(e, mean);
      out.push_back(e);
    }
    if (!gc.lead_times.empty()) {
      std::sort(gc.lead_times.begin(), gc.lead_times.end());
      const auto closed = static_cast<double>(gc.lead_times.size());
      out.push_back(lead_time_record(rec("lead_time_median_days", 0.0, closed,
                                         "median days from first start to last end, closed trajectories"),
                                     gc.lead_times, 0.5));
      out.push_back(lead_time_record(
          rec("lead_time_p90_days", 0.0, closed,
              "90th percentile (linear) of days from first start to last end, closed trajectories"),
          gc.lead_times, 0.9));
    }
    for (std::size_t dom = 0; dom < ndomains; ++dom) {
      EstimateRecord e = rec("share_life_domain." + p.life_domains.names[dom], 0.0, clients,
                             "share of clients with a question in this life domain, Wilson 95%");
      detail::set_wilson(e, stats::wilson(static_cast<double>(gc.with_domain[dom]), clients));
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
      const double scale = options.rate_per / u.population;
      out.push_back(rec("clients_per_" + std::string(buf, res.ptr), clients / u.population * options.rate_per, clients,
                        "distinct clients per " + std::string(buf, res.ptr) + " inhabitants (population " +
                            std::to_string(static_cast<long long>(u.population)) +
                            "); se = sqrt(clients) per as many inhabitants (Poisson)",
                        std::sqrt(clients) * scale));
    }
  }
  return detail::estimates_dataset(out, context);
}

}  // namespace doelenboom
