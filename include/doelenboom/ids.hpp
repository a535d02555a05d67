#pragma once
// Identifiers: what every id of the library (nodes, indicators, units, levels) must look like.

#include <string_view>

namespace doelenboom {

/// True for an ASCII slug id: a letter or digit, then letters, digits, '_', '-' or '.'.
bool is_valid_id(std::string_view id) noexcept;

}  // namespace doelenboom
