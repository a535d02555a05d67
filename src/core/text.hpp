#pragma once
// Internal text rules shared by every reader (CSV, YAML, data from Python): UTF-8 validation with a
// precise position, trimming and case folding of ASCII, and numbers read and written without
// locale surprises. How texts appear in messages (quoting, lists) is in core/diagnostics.hpp.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "doelenboom/error.hpp"

namespace doelenboom::detail {

inline constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// Byte offset of the first byte that does not belong to a well-formed UTF-8 sequence
/// (Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
[[nodiscard]] std::size_t find_invalid_utf8(std::string_view text) noexcept;
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
  return find_invalid_utf8(text) == std::string_view::npos;
}

/// The text without a leading UTF-8 byte order mark.
[[nodiscard]] std::string_view strip_utf8_bom(std::string_view text) noexcept;

/// 1-based line number of a byte offset ('\n' ends a line).
[[nodiscard]] std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept;

/// The problem "invalid UTF-8 at byte offset N (byte 0xAB) ..." at `where`. `offset` counts
/// from the start of the file; `byte` is the offending byte.
[[nodiscard]] Problem invalid_utf8_problem(Location where, std::size_t offset, unsigned char byte);

/// Throws ParseError with invalid_utf8_problem (at its line of `source`) unless `text` is UTF-8.
void require_utf8(std::string_view text, const std::string& source);

/// Without leading and trailing ASCII spaces, tabs, CR and LF.
[[nodiscard]] std::string_view trim_ascii(std::string_view text) noexcept;

/// Lower-case ASCII letters only (identifiers and keywords, not labels).
[[nodiscard]] std::string ascii_lower(std::string_view text);

/// The whole text as a finite double (C locale: '.' decimal point, optional exponent, optional
/// leading '+'); std::nullopt for anything else, including inf and nan.
[[nodiscard]] std::optional<double> parse_finite_double(std::string_view text) noexcept;

/// Shortest decimal text that reads back as exactly `value` ("2.5", "0.1", "1e+22"): the inverse
/// of parse_finite_double, for files and for messages that must show a value exactly.
[[nodiscard]] std::string format_double(double value);

}  // namespace doelenboom::detail
