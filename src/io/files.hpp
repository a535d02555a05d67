#pragma once
// Internal whole-file input and output for every reader and writer: a file read as bytes with the
// reason it could not be, and a file replaced atomically.

#include <filesystem>
#include <string>
#include <string_view>

namespace doelenboom::detail {

/// The whole file as bytes. Throws ParseError naming the path when it is missing, a directory
/// or unreadable.
[[nodiscard]] std::string read_file_bytes(const std::filesystem::path& path);

/// Write `text` to a temporary file next to `path`, then rename it into place, so that readers
/// never see a half-written file. Throws Error naming the path on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace doelenboom::detail
