// Whole files in and out (io/files.hpp).

#include "io/files.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <system_error>

#include "doelenboom/error.hpp"

namespace doelenboom::detail {

std::string read_file_bytes(const std::filesystem::path& path) {
  const std::string name = path.string();
  const auto fail = [&](const std::string& what) { throw_problem<ParseError>("io", Location{name, 0, 0, {}}, what); };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("is a folder, not a file");
  // std::fopen rather than ifstream: errno gives the real reason (missing, permission, ...).
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int err = errno;
    fail("cannot open file: " + std::generic_category().message(err));
  }
  std::string bytes;
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) bytes.append(buffer, got);
  if (std::ferror(file.get()) != 0) fail("cannot read file");
  return bytes;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  const auto fail = [&](const std::string& what) { throw_problem<Error>("io", Location{path.string(), 0, 0, {}}, what); };
  // Same folder as the target: the rename is then atomic and never crosses file systems.
  std::filesystem::path temporary = path;
  temporary += ".tmp-" + std::to_string(std::random_device{}());
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    if (!file) fail("cannot create the temporary file '" + temporary.string() + "'");
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      fail("cannot write the temporary file '" + temporary.string() + "'");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail("cannot replace the file: " + ec.message());
  }
}

}  // namespace doelenboom::detail
