// Fuzz target: the CSV edge-list tree reader (load_tree_csv). The first line decides the columns:
// a header starting with "code" is read with the ASEM names (code, name, type; numeric levels with
// 1 = indicators), any other with the default names and numeric levels read top-down (1 = top).

#include <cstddef>
#include <cstdint>

#include "doelenboom/tree_io.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace db = doelenboom;
  const auto text = db::fuzz::as_text(data, size);
  const auto path = db::fuzz::scratch_file(text, "tree.csv");
  db::CsvTreeColumns columns;
  if (text.starts_with("code") || text.starts_with("\"code\"")) {
    columns.id = "code";
    columns.label = "name";
    columns.kind = "type";
  } else {
    columns.numeric_levels_ascend_upwards = false;
    columns.description = "description";
  }
  try {
    (void)db::load_tree_csv(path, columns);
  } catch (const db::Error&) {
  }
  return 0;
}
