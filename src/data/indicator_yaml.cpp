#include "data/indicator_yaml.hpp"

#include <utility>

#include "core/diagnostics.hpp"
#include "core/text.hpp"
#include "io/data_io.hpp"

namespace doelenboom::detail {

namespace {

using namespace std::string_literals;
using Reader = YamlReader;
using Entry = YamlEntry;

constexpr std::array<std::string_view, 3> scale_keys{"name", "min", "max"};

std::string num(double value) { return format_number(value); }

void read_scale(Reader& r, const Entry& entry, const std::string& context, const std::vector<std::string>& ids,
                IndicatorDefinition& d) {
  const YAML::Node& v = entry.value;
  if (v.IsScalar()) {
    if (auto s = named_scale(detail::ascii_lower(detail::trim_ascii(v.Scalar())))) {
      d.scale = std::move(*s);
    } else {
      r.add("bad_scale", v, context, ids,
            "scale " + squote(v.Scalar()) + " is not a known scale (expected likert5, rapportcijfer, zrm or {name: ..., min: ..., max: ...})");
    }
    return;
  }
  if (!v.IsMap()) {
    r.add("wrong_type", v.IsNull() ? entry.key : v, context, ids,
          "key 'scale' must be a scale name or {name: ..., min: ..., max: ...}, found " + detail::describe(v));
    return;
  }
  const auto keys = r.entries(v, context + ": scale", scale_keys, ids);
  Scale scale;
  bool ok = true;
  if (const auto it = keys.find("name"); it != keys.end()) {
    if (auto name = r.text(it->second, context + ": scale", ids, true)) scale.name = std::move(*name);
  }
  for (const auto* bound : {"min", "max"}) {
    const auto it = keys.find(bound);
    if (it == keys.end()) {
      r.add("missing_key", v, context + ": scale", ids, "missing required key "s + squote(bound));
      ok = false;
    } else if (auto x = r.number(it->second.key, it->second.value, "scale "s + bound, context, ids)) {
      (std::string_view(bound) == "min" ? scale.min : scale.max) = *x;
    } else {
      ok = false;
    }
  }
  if (ok) d.scale = std::move(scale);
}

void read_goalposts(Reader& r, const Entry& entry, const std::string& context, const std::vector<std::string>& ids,
                    IndicatorDefinition& d) {
  const YAML::Node& v = entry.value;
  if (!v.IsSequence() || v.size() != 2) {
    r.add("wrong_type", v.IsNull() ? entry.key : v, context, ids,
          "key 'goalposts' must be a list of two numbers [min, max], found " +
              (v.IsSequence() ? "a list of " + std::to_string(v.size()) : detail::describe(v)));
    return;
  }
  const auto lo = r.number(entry.key, v[0], "goalpost min", context, ids);
  const auto hi = r.number(entry.key, v[1], "goalpost max", context, ids);
  if (lo && hi) {
    d.goalpost_min = lo;
    d.goalpost_max = hi;
  }
}

}  // namespace

void read_indicator_definition_keys(YamlReader& r, const YamlEntries& keys, const YAML::Node& item,
                                    const std::string& context, const std::vector<std::string>& ids,
                                    IndicatorDefinition& d) {
  for (const auto key : classification_keys) {
    r.require(keys, key, item, context, ids, " (expected one of: " + std::string(classification_choices(key)) + ")");
  }
  if (auto v = r.text(keys, "unit", context, ids, true)) d.unit_text = std::move(*v);
  for (const auto key : classification_keys) {
    const auto it = keys.find(key);
    if (it == keys.end()) continue;
    if (const auto v = r.text(it->second, context, ids)) {
      if (auto problem = set_classification(d, key, *v); !problem.empty()) r.add("bad_value", it->second.value, context, ids, problem);
    }
  }
  if (const auto it = keys.find("rate_per"); it != keys.end()) {
    if (auto x = r.number(it->second.key, it->second.value, "rate_per", context, ids)) d.rate_per = *x;
  }
  if (const auto it = keys.find("norm"); it != keys.end()) {
    if (auto x = r.number(it->second.key, it->second.value, "norm", context, ids)) d.norm = *x;
  }
  if (const auto it = keys.find("scale"); it != keys.end()) read_scale(r, it->second, context, ids, d);
  if (const auto it = keys.find("goalposts"); it != keys.end()) read_goalposts(r, it->second, context, ids, d);
}

void read_direction(YamlReader& r, const YamlEntry& entry, const std::string& context, const std::vector<std::string>& ids,
                    int& direction) {
  const auto v = r.text(entry, context, ids);
  if (!v) return;
  const auto t = trim_ascii(*v);
  if (t == "1" || t == "+1") {
    direction = 1;
  } else if (t == "-1") {
    direction = -1;
  } else {
    r.add("bad_direction", entry.value, context, ids, "direction " + squote(*v) + " must be 1 (higher is better) or -1 (lower is better)");
  }
}

void emit_indicator_definition_keys(YAML::Emitter& out, const IndicatorDefinition& d, bool with_direction) {
  out << YAML::Key << "pillar" << YAML::Value << std::string(to_string(d.pillar));
  out << YAML::Key << "result" << YAML::Value << std::string(to_string(d.kind));
  out << YAML::Key << "measure" << YAML::Value << std::string(to_string(d.measure));
  if (with_direction) out << YAML::Key << "direction" << YAML::Value << d.direction;
  if (d.measure == Measure::rate || d.rate_per != IndicatorDefinition::default_rate_per) {
    out << YAML::Key << "rate_per" << YAML::Value << num(d.rate_per);
  }
  if (d.scale) {
    out << YAML::Key << "scale" << YAML::Value;
    if (named_scale(d.scale->name) == d.scale) {
      out << d.scale->name;
    } else {
      out << YAML::Flow << YAML::BeginMap;
      if (!d.scale->name.empty()) out << YAML::Key << "name" << YAML::Value << d.scale->name;
      out << YAML::Key << "min" << YAML::Value << num(d.scale->min) << YAML::Key << "max" << YAML::Value
          << num(d.scale->max) << YAML::EndMap;
    }
  }
  if (d.norm) out << YAML::Key << "norm" << YAML::Value << num(*d.norm);
  if (d.goalpost_min && d.goalpost_max) {
    out << YAML::Key << "goalposts" << YAML::Value << YAML::Flow << YAML::BeginSeq << num(*d.goalpost_min)
        << num(*d.goalpost_max) << YAML::EndSeq;
  }
  if (!d.unit_text.empty()) out << YAML::Key << "unit" << YAML::Value << d.unit_text;
}

}  // namespace doelenboom::detail
