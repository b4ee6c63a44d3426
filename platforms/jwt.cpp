#include "platforms/jwt.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <vector>

namespace odziv::platforms {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

const char* AlgorithmName(JwtAlgorithm algorithm) { return algorithm == JwtAlgorithm::kEs256 ? "ES256" : "RS256"; }

Result<Key> LoadKey(JwtAlgorithm algorithm, std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Fail(ErrorCode::kInternal, "jwt: out of memory");
  // A null passphrase callback with no user data: an encrypted key fails instead of prompting on a tty.
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!key) return Fail(ErrorCode::kConfig, "the private key is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)");
  if (algorithm == JwtAlgorithm::kEs256) {
    if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_EC || EVP_PKEY_bits(key.get()) != 256)
      return Fail(ErrorCode::kConfig, "the private key is not an EC P-256 key, which ES256 needs");
  } else if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return Fail(ErrorCode::kConfig, "the private key is not an RSA key, which RS256 needs");
  }
  return key;
}

Result<std::string> Sign(EVP_PKEY* key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return Fail(ErrorCode::kInternal, "jwt: OpenSSL could not start signing");
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return Fail(ErrorCode::kInternal, "jwt: OpenSSL could not sign");
  signature.resize(size);
  return signature;
}

// OpenSSL writes ECDSA signatures as DER SEQUENCE{r, s}; JWS wants r and s as two 32-byte big-endian numbers.
Result<std::string> DerToRaw(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())),
                                                           &ECDSA_SIG_free);
  if (!sig) return Fail(ErrorCode::kInternal, "jwt: OpenSSL wrote an unreadable ECDSA signature");
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + 32, 32) != 32)
    return Fail(ErrorCode::kInternal, "jwt: ECDSA signature value out of range");
  return raw;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

Status CheckJwtKey(JwtAlgorithm algorithm, std::string_view private_key_pem) {
  auto key = LoadKey(algorithm, private_key_pem);
  if (!key) return std::unexpected(key.error());
  return {};
}

Result<std::string> SignJwt(JwtAlgorithm algorithm, std::string_view private_key_pem, std::string_view key_id,
                            const web::json::value& claims) {
  if (!claims.is_object()) return Fail(ErrorCode::kInternal, "jwt: claims must be a JSON object");
  auto key = LoadKey(algorithm, private_key_pem);
  if (!key) return std::unexpected(key.error());
  web::json::value header = web::json::value::object();
  header["alg"] = web::json::value::string(AlgorithmName(algorithm));
  if (!key_id.empty()) header["kid"] = web::json::value::string(std::string(key_id));
  header["typ"] = web::json::value::string("JWT");
  std::string input = Base64UrlEncode(header.serialize()) + "." + Base64UrlEncode(claims.serialize());
  auto signature = Sign(key->get(), input);
  if (!signature) return std::unexpected(signature.error());
  if (algorithm == JwtAlgorithm::kEs256) {
    signature = DerToRaw(*signature);
    if (!signature) return std::unexpected(signature.error());
  }
  return input + "." + Base64UrlEncode(*signature);
}

}  // namespace odziv::platforms
