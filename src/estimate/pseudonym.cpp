// HMAC-SHA-256 (RFC 2104) with the key blocks hashed once: the constructor absorbs key xor ipad and
// key xor opad into two SHA-256 contexts; every id then costs a copy of each and two short updates,
// instead of OpenSSL's one-shot HMAC(), which fetches the digest and re-keys on every call (about
// 6 to 7 times as many ids per second; benchmarks/bench_pseudonym.cpp, docs/performance.md).

#include "doelenboom/pseudonym.hpp"

#include <array>
#include <memory>

#include <openssl/evp.h>

#include "doelenboom/error.hpp"

namespace doelenboom {

namespace {

[[noreturn]] void openssl_failed(const char* what) {
  throw DataError(std::string("pseudonymisation failed: OpenSSL ") + what + " returned an error");
}

struct MdDeleter {
  void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct CtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using Md = std::unique_ptr<EVP_MD, MdDeleter>;
using Ctx = std::unique_ptr<EVP_MD_CTX, CtxDeleter>;

Ctx new_ctx() {
  Ctx ctx(EVP_MD_CTX_new());
  if (!ctx) openssl_failed("EVP_MD_CTX_new");
  return ctx;
}

constexpr std::size_t block_bytes = 64;   // SHA-256 block
constexpr std::size_t digest_bytes = 32;  // SHA-256 digest

}  // namespace

struct Pseudonymiser::Keyed {
  Md sha256;
  Ctx inner, outer;  // after key xor ipad / key xor opad

  explicit Keyed(const std::string& key) : sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {
    if (!sha256) openssl_failed("EVP_MD_fetch(SHA256)");
    std::array<unsigned char, block_bytes> k{};
    if (key.size() > block_bytes) {  // RFC 2104: a long key is hashed first
      unsigned int n = 0;
      if (EVP_Digest(key.data(), key.size(), k.data(), &n, sha256.get(), nullptr) != 1) openssl_failed("EVP_Digest");
    } else {
      for (std::size_t i = 0; i < key.size(); ++i) k[i] = static_cast<unsigned char>(key[i]);
    }
    std::array<unsigned char, block_bytes> pad{};
    for (auto [ctx, byte] : {std::pair{&inner, 0x36}, std::pair{&outer, 0x5c}}) {
      *ctx = new_ctx();
      for (std::size_t i = 0; i < block_bytes; ++i) pad[i] = static_cast<unsigned char>(k[i] ^ byte);
      if (EVP_DigestInit_ex(ctx->get(), sha256.get(), nullptr) != 1 ||
          EVP_DigestUpdate(ctx->get(), pad.data(), pad.size()) != 1)
        openssl_failed("EVP_DigestInit_ex/EVP_DigestUpdate");
    }
  }
};

namespace {

// One working context for a run of ids.
class Hasher {
 public:
  explicit Hasher(const Pseudonymiser::Keyed& keyed) : keyed_(keyed), work_(new_ctx()) {}
  std::uint64_t operator()(std::string_view id) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> inner{}, digest{};
    unsigned int n = 0;
    if (EVP_MD_CTX_copy_ex(work_.get(), keyed_.inner.get()) != 1 ||
        EVP_DigestUpdate(work_.get(), id.data(), id.size()) != 1 ||
        EVP_DigestFinal_ex(work_.get(), inner.data(), &n) != 1 || n != digest_bytes ||
        EVP_MD_CTX_copy_ex(work_.get(), keyed_.outer.get()) != 1 ||
        EVP_DigestUpdate(work_.get(), inner.data(), digest_bytes) != 1 ||
        EVP_DigestFinal_ex(work_.get(), digest.data(), &n) != 1)
      openssl_failed("SHA-256");
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | digest[i];
    return out;
  }

 private:
  const Pseudonymiser::Keyed& keyed_;
  Ctx work_;
};

template <class Id>
std::vector<std::uint64_t> hash_all(const Pseudonymiser::Keyed& keyed, std::span<const Id> ids) {
  Hasher hash(keyed);
  std::vector<std::uint64_t> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(hash(id));
  return out;
}

}  // namespace

Pseudonymiser::Pseudonymiser(std::string key) {
  if (key.size() < min_key_bytes) {
    throw DataError("pseudonymisation key has " + std::to_string(key.size()) + " bytes (expected at least " +
                    std::to_string(min_key_bytes) + " bytes: a short key makes pseudonyms guessable)");
  }
  keyed_ = std::make_shared<const Keyed>(key);
}

std::uint64_t Pseudonymiser::operator()(std::string_view id) const { return Hasher(*keyed_)(id); }

std::vector<std::uint64_t> Pseudonymiser::many(std::span<const std::string> ids) const { return hash_all(*keyed_, ids); }

std::vector<std::uint64_t> Pseudonymiser::many(std::span<const std::string_view> ids) const {
  return hash_all(*keyed_, ids);
}

std::string Pseudonymiser::hex(std::string_view id) const {
  static constexpr char digits[] = "0123456789abcdef";
  std::uint64_t v = (*this)(id);
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) out[15 - i] = digits[(v >> (4 * i)) & 0xFu];
  return out;
}

}  // namespace doelenboom
