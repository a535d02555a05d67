#pragma once
// Internal text helpers shared by the file readers (CSV, YAML): reading a whole file, UTF-8
// validation with a precise position, numbers parsed without locale surprises, message pieces.

#include <cstddef>
#include <filesystem>
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

/// The whole file as bytes. Throws ParseError naming the path when it is missing, a directory
/// or unreadable.
[[nodiscard]] std::string read_file_bytes(const std::filesystem::path& path);

/// Without leading and trailing ASCII spaces, tabs, CR and LF.
[[nodiscard]] std::string_view trim_ascii(std::string_view text) noexcept;

/// Lower-case ASCII letters only (identifiers and keywords, not labels).
[[nodiscard]] std::string ascii_lower(std::string_view text);

/// The whole text as a finite double (C locale: '.' decimal point, optional exponent, optional
/// leading '+'); std::nullopt for anything else, including inf and nan.
[[nodiscard]] std::optional<double> parse_finite_double(std::string_view text) noexcept;

/// Shortest decimal text that reads back as exactly `value` ("2.5", "0.1", "1e+22").
[[nodiscard]] std::string format_double(double value);

/// Texts longer than this are shortened in messages (squote).
inline constexpr std::size_t max_quoted_bytes = 200;

/// 'text' in single quotes, for messages. A text longer than max_quoted_bytes is cut (at a
/// character boundary) and its length given: 'aaaa...' (52428800 bytes), so that a hostile
/// 50 MB cell does not make a 50 MB message.
[[nodiscard]] std::string squote(std::string_view text);

/// "a, b, c" from any range of texts.
template <class Words>
[[nodiscard]] std::string join_words(const Words& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

}  // namespace doelenboom::detail
