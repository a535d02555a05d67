#pragma once
// Shared by the fuzz targets: the input as text, a per-process scratch file for the readers that
// only take a path, and the rule that a doelenboom::Error is the expected way to refuse input.
// Anything else escaping a reader (another exception, a crash, a sanitizer report) is a bug.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace doelenboom::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data), size);
}

/// A file holding `text`, rewritten on each call: one path per process (and per name), in
/// /dev/shm when there is one so that the disk is not touched on every execution.
inline std::filesystem::path scratch_file(std::string_view text, const std::string& name) {
  // The folder is removed when the process ends normally (libFuzzer's -max_total_time, -runs).
  struct Scratch {
    std::filesystem::path dir;
    Scratch() {
      std::error_code ec;
      const std::filesystem::path shm = "/dev/shm";
      const auto base = std::filesystem::is_directory(shm, ec) ? shm : std::filesystem::temp_directory_path();
      dir = base / ("doelenboom-fuzz-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
    }
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
  };
  static const Scratch scratch;
  const auto path = scratch.dir / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) std::abort();
  return path;
}

/// Stops the run with a message: a property of the readers does not hold.
[[noreturn]] inline void property_failed(const char* what) {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace doelenboom::fuzz
