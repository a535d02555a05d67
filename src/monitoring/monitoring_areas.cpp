// The reach per area and group of a monitoring run: the registrations split by each breakdown
// column into sub-units of their unit, estimated as the unit is, with a true zero where a sub-unit
// had no registrations in a period its unit had some.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.hpp"
#include "monitoring/monitoring_internal.hpp"

namespace doelenboom::detail {

void refuse_identifying_breakdowns(const RegistrationTable& table, const MonitoringConfig& config) {
  std::vector<Problem> problems;
  const auto& source = *config.registrations;
  for (std::size_t b = 0; b < table.breakdowns.size(); ++b) {
    const auto& bd = table.breakdowns[b];
    std::set<std::int32_t> values;
    std::set<std::uint64_t> clients;
    for (std::size_t r = 0; r < bd.codes.size(); ++r) {
      if (bd.codes[r] < 0) continue;  // no value: the row is in no sub-unit
      values.insert(bd.codes[r]);
      clients.insert(table.client[r]);
    }
    // Half: a sub-unit then holds two clients on average, and most hold one or two; their ids
    // (the values) and periods would be published next to those few persons.
    if (2 * values.size() <= clients.size()) continue;
    const std::string key = b < source.areas.size() ? "data/registrations/areas" : "data/registrations/groups";
    const auto it = config.where.find(key);
    problems.push_back(make_problem(
        "identifying_breakdown", it != config.where.end() ? it->second : Location{config.source.string(), 0, 0, {}}, {},
        "breakdown column " + squote(bd.column) + " has " + std::to_string(values.size()) + " distinct values for " +
            std::to_string(clients.size()) +
            " clients: it identifies persons (expected at most one value per two clients, as a kern, wijk or group has)"));
  }
  throw_if_problems<DataError>(std::move(problems));
}

Areas area_reach(const RegistrationTable& table, const RegistrationSource& source, const Dataset& estimates,
                 const UnitRegistry& units, const MonitoringConfig& config, const ReachOptions& reach) {
  Areas out;
  const std::string clients_id = reach.prefix + "clients";
  std::vector<std::string> nodes;
  for (const auto& l : config.indicators)
    if (l.estimate == clients_id) nodes.push_back(l.node);
  if (nodes.empty() || table.breakdowns.empty()) return out;

  std::vector<Unit> registry;
  std::set<std::string> parents_added;
  std::vector<EstimateRecord> records;
  ReachOptions options = reach;
  options.rate_per = 0.0;  // areas have no population of their own
  const DataContext context{nullptr, nullptr, config.suppression_threshold, config.small_count_threshold};
  for (std::size_t b = 0; b < table.breakdowns.size(); ++b) {
    const auto& bd = table.breakdowns[b];
    const bool is_area = b < source.areas.size();
    const RegistrationTable split = split_by_breakdown(table, b);
    if (split.size() == 0) continue;
    const Dataset reach_data = estimate_reach(split.view(), options, context);
    // Every sub-unit of a parent, and the periods in which the parent has registrations: there a
    // sub-unit without any is a true zero ("no more requests from village X").
    std::map<std::string, std::vector<std::string>> subunits;  // parent -> sub-unit ids
    for (std::size_t u = 0; u < table.unit_names.size(); ++u) {
      for (const auto& value : bd.names) {
        const std::string id = breakdown_unit_id(table.unit_names[u], bd.column, value);
        if (std::find(split.unit_names.begin(), split.unit_names.end(), id) != split.unit_names.end()) {
          subunits[table.unit_names[u]].push_back(id);
        }
      }
    }
    for (const auto& [parent, ids] : subunits) {
      const Unit* p = units.find(parent);
      if (p == nullptr) continue;  // read_registrations_csv already rejected unknown units
      if (parents_added.insert(parent).second) {
        Unit copy = *p;
        copy.parent.clear();
        registry.push_back(copy);
      }
      for (const auto& id : ids) {
        const std::string value = id.substr(parent.size() + 1 + bd.column.size() + 1);
        Unit s;
        s.id = id;
        s.type = is_area ? "gebied" : "groep";
        s.parent = parent;
        s.name = is_area ? value + " (" + p->name + ")" : p->name + ", " + bd.column + " " + value;
        s.province = p->province;
        s.baseline = p->baseline;
        s.labels[bd.column] = value;
        registry.push_back(std::move(s));
        for (const auto& period : estimates.periods()) {
          if (!estimates.find(parent, period, clients_id)) continue;  // no registrations of the parent then
          for (const auto& node : nodes) {
            EstimateRecord r;
            if (const auto row = reach_data.find(id, period, clients_id)) {
              r = reach_data.record(*row);
              const auto e = static_cast<Eigen::Index>(*row);
              r.value = reach_data.values()[e];
              r.n = reach_data.n()[e];
              r.suppressed = false;
            } else {
              r.unit = id;
              r.period = period;
              r.value = 0.0;  // a zero holds no person: published without n
              r.source = table.source;
              r.method = "no registrations from this " + std::string(is_area ? "area" : "group") +
                         " while the unit has registrations: 0";
            }
            r.indicator = node;
            records.push_back(std::move(r));
          }
        }
      }
    }
  }
  out.units = UnitRegistry(std::move(registry));
  out.data = Dataset::from_records(
      records, DataContext{nullptr, &out.units, config.suppression_threshold, config.small_count_threshold}, "areas");
  return out;
}

}  // namespace doelenboom::detail
