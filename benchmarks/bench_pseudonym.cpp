// Benchmark: pseudonymising client ids (HMAC-SHA-256, truncated to 64 bits). The baseline is
// OpenSSL's one-shot HMAC() per id, which the library used before it kept the keyed SHA-256 states
// (src/pseudonym.cpp). All three give the same pseudonyms (checked once per benchmark).

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "doelenboom/pseudonym.hpp"

namespace {

namespace db = doelenboom;

const std::string key = "benchmark-key-0123456789";

// 100,000 ids such as registration systems use ("cliënt-" and a number).
const std::vector<std::string>& ids() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out;
    out.reserve(100'000);
    for (std::uint64_t i = 0; i < 100'000; ++i) out.push_back("cliënt-" + std::to_string(i * 7919 + 12345));
    return out;
  }();
  return v;
}

std::uint64_t one_shot(const std::string& id) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(id.data()),
       id.size(), digest.data(), &length);
  std::uint64_t out = 0;
  for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | digest[i];
  return out;
}

void check(benchmark::State& state, const std::vector<std::uint64_t>& got) {
  const db::Pseudonymiser p(key);
  for (std::size_t i = 0; i < got.size(); i += 997) {
    if (got[i] != one_shot(ids()[i]) || p(ids()[i]) != got[i]) state.SkipWithError("the pseudonyms differ");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(ids().size()));
  state.counters["rows"] = static_cast<double>(ids().size());
}

void Baseline_OpenSslOneShotHmac(benchmark::State& state) {
  std::vector<std::uint64_t> out(ids().size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = one_shot(ids()[i]);
    benchmark::DoNotOptimize(out.data());
  }
  check(state, out);
}
BENCHMARK(Baseline_OpenSslOneShotHmac)->Unit(benchmark::kMillisecond);

void PseudonymiseEach(benchmark::State& state) {
  const db::Pseudonymiser p(key);
  std::vector<std::uint64_t> out(ids().size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = p(ids()[i]);
    benchmark::DoNotOptimize(out.data());
  }
  check(state, out);
}
BENCHMARK(PseudonymiseEach)->Unit(benchmark::kMillisecond);

void PseudonymiseMany(benchmark::State& state) {
  const db::Pseudonymiser p(key);
  std::vector<std::uint64_t> out;
  for (auto _ : state) {
    out = p.many(ids());
    benchmark::DoNotOptimize(out.data());
  }
  check(state, out);
}
BENCHMARK(PseudonymiseMany)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
