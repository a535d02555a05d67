// UTF-8 validation, ASCII trimming and locale-free numbers (core/text.hpp).

#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

namespace doelenboom::detail {

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  const auto n = text.size();
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto is_cont = [&](std::size_t k) { return k < n && (byte(k) & 0xC0U) == 0x80U; };
  while (i < n) {
    const unsigned char c = byte(i);
    if (c < 0x80U) {
      ++i;
      continue;
    }
    // The allowed range of the second byte depends on the lead byte (Unicode Table 3-7).
    std::size_t len = 0;
    unsigned char lo = 0x80U;
    unsigned char hi = 0xBFU;
    if (c >= 0xC2U && c <= 0xDFU) {
      len = 2;
    } else if (c >= 0xE0U && c <= 0xEFU) {
      len = 3;
      if (c == 0xE0U) lo = 0xA0U;  // no overlong forms
      if (c == 0xEDU) hi = 0x9FU;  // no surrogates
    } else if (c >= 0xF0U && c <= 0xF4U) {
      len = 4;
      if (c == 0xF0U) lo = 0x90U;  // no overlong forms
      if (c == 0xF4U) hi = 0x8FU;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + 1 >= n || byte(i + 1) < lo || byte(i + 1) > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (!is_cont(i + k)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string_view strip_utf8_bom(std::string_view text) noexcept {
  if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
  return text;
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept {
  const auto end = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

Problem invalid_utf8_problem(Location where, std::size_t offset, unsigned char byte) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string hex_byte = "0x";
  hex_byte += hex[byte >> 4U];
  hex_byte += hex[byte & 0xFU];
  return make_problem("encoding", std::move(where), {},
                      "invalid UTF-8 at byte offset " + std::to_string(offset) + " (byte " + hex_byte +
                          "); save the file as UTF-8 (not Latin-1, Windows-1252 or UTF-16)");
}

void require_utf8(std::string_view text, const std::string& source) {
  if (const auto bad = find_invalid_utf8(text); bad != std::string_view::npos) {
    throw_if_problems<ParseError>(
        {invalid_utf8_problem(Location{source, line_of_offset(text, bad), 0, {}}, bad, static_cast<unsigned char>(text[bad]))});
  }
}

std::string_view trim_ascii(std::string_view text) noexcept {
  constexpr std::string_view space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(space);
  return text.substr(first, last - first + 1);
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<double> parse_finite_double(std::string_view text) noexcept {
  if (text.starts_with('+')) {
    text.remove_prefix(1);
    if (text.starts_with('-') || text.starts_with('+')) return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string format_double(double value) {
  char buffer[64];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc{}) return std::to_string(value);  // cannot happen with 64 bytes
  return std::string(buffer, ptr);
}

}  // namespace doelenboom::detail
