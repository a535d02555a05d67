// Fuzz target: the YAML configuration readers. The first byte picks the reader ((byte - '0')
// mod 5, so a seed starts with a digit); the rest is the file:
//   0 PipelineSpec::parse_yaml (and to_yaml: the written text reads back as an equal spec)
//   1 SignalRules::parse_yaml
//   2 parse_items_yaml
//   3 IndicatorSet::parse_yaml (and to_yaml, read back as an equal set)
//   4 MonitoringConfig::parse_yaml (the run configuration; files are not opened)
// A reader may refuse input only with a doelenboom::Error.

#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "doelenboom/indicator.hpp"
#include "doelenboom/monitoring.hpp"
#include "doelenboom/pipeline.hpp"
#include "doelenboom/questionnaire.hpp"
#include "doelenboom/signals.hpp"
#include "fuzz_input.hpp"

namespace db = doelenboom;

namespace {

template <class T>
void reads_back(const T& value, const char* what) {
  try {
    if (!(T::parse_yaml(value.to_yaml(), "written.yaml") == value)) db::fuzz::property_failed(what);
  } catch (const db::Error& e) {
    std::fputs(e.what(), stderr);
    db::fuzz::property_failed(what);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned pick = (data[0] + 256U - '0') % 5U;
  const auto text = db::fuzz::as_text(data + 1, size - 1);
  try {
    switch (pick) {
      case 0: reads_back(db::PipelineSpec::parse_yaml(text, "pipeline.yaml"), "PipelineSpec::to_yaml does not read back"); break;
      case 1: (void)db::SignalRules::parse_yaml(text, "signals.yaml"); break;
      case 2: (void)db::parse_items_yaml(text, "items.yaml"); break;
      case 3: reads_back(db::IndicatorSet::parse_yaml(text, "indicators.yaml"), "IndicatorSet::to_yaml does not read back"); break;
      default: (void)db::MonitoringConfig::parse_yaml(text, "run.yaml", "/nonexistent-base"); break;
    }
  } catch (const db::Error&) {
  }
  return 0;
}
