#include "doelenboom/pseudonym.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "doelenboom/error.hpp"

namespace doelenboom {

Pseudonymiser::Pseudonymiser(std::string key) : key_(std::move(key)) {
  if (key_.size() < min_key_bytes) {
    throw DataError("pseudonymisation key has " + std::to_string(key_.size()) + " bytes (expected at least " +
                    std::to_string(min_key_bytes) + " bytes: a short key makes pseudonyms guessable)");
  }
}

std::uint64_t Pseudonymiser::operator()(std::string_view id) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(id.data());
  if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), data, id.size(), digest.data(), &length) ==
      nullptr) {
    throw DataError("pseudonymisation failed: OpenSSL HMAC-SHA-256 returned an error");
  }
  std::uint64_t out = 0;
  for (std::size_t i = 0; i < 8; ++i) out = (out << 8) | digest[i];
  return out;
}

std::string Pseudonymiser::hex(std::string_view id) const {
  static constexpr char digits[] = "0123456789abcdef";
  std::uint64_t v = (*this)(id);
  std::string out(16, '0');
  for (std::size_t i = 0; i < 16; ++i) out[15 - i] = digits[(v >> (4 * i)) & 0xFu];
  return out;
}

}  // namespace doelenboom
