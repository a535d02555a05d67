#include "doelenboom/ids.hpp"

#include <algorithm>

namespace doelenboom {

bool is_valid_id(std::string_view id) noexcept {
  if (id.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(id.front())) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
}

}  // namespace doelenboom
