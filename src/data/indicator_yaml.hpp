#pragma once
// The keys of an indicator definition in YAML, shared by the indicators file (indicator.cpp) and
// the indicator nodes of a tree file (tree_yaml.cpp), so both read and write them alike, and the
// direction both carry.

#include <yaml-cpp/yaml.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "doelenboom/indicator.hpp"
#include "io/yaml_reader.hpp"

namespace doelenboom::detail {

/// The keys of an indicator definition that both the indicators file and an indicator node of a
/// tree file hold (id, label, direction and description are the node's own keys in a tree).
inline constexpr std::array<std::string_view, 8> indicator_definition_keys{
    "pillar", "result", "measure", "rate_per", "scale", "norm", "goalposts", "unit"};

/// Read the keys of `indicator_definition_keys` from `keys` (the entries of the mapping `item`)
/// into `d`, reporting every problem; pillar, result and measure are required.
void read_indicator_definition_keys(YamlReader& r, const YamlEntries& keys, const YAML::Node& item,
                                    const std::string& context, const std::vector<std::string>& ids,
                                    IndicatorDefinition& d);

/// Read a direction, of an indicator in an indicators file or of an indicator node in a tree file:
/// 1 or +1 (higher is better), -1 (lower is better), spaces around ignored; anything else is a
/// bad_direction problem and leaves `direction` as it was.
void read_direction(YamlReader& r, const YamlEntry& entry, const std::string& context, const std::vector<std::string>& ids,
                    int& direction);

/// Write the keys of `indicator_definition_keys` that differ from their defaults, in that order;
/// `direction` after measure when `with_direction` (the indicators file; a tree node has its own).
void emit_indicator_definition_keys(YAML::Emitter& out, const IndicatorDefinition& d, bool with_direction);

}  // namespace doelenboom::detail
