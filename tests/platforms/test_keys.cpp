#include "tests/platforms/test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>

namespace odziv::platforms::testing {
namespace {

std::string ToPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write test key");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string Generate(EVP_PKEY* key) {
  if (key == nullptr) throw std::runtime_error("cannot generate test key");
  std::string pem = ToPem(key);
  EVP_PKEY_free(key);
  return pem;
}

}  // namespace

const std::string& TestEcKeyPem() {
  static const std::string pem = Generate(EVP_EC_gen("P-256"));
  return pem;
}

const std::string& TestRsaKeyPem() {
  static const std::string pem = Generate(EVP_RSA_gen(2048));
  return pem;
}

std::string TestServiceAccountJson(const std::string& token_uri) {
  web::json::value key = web::json::value::object();
  key["type"] = web::json::value::string("service_account");
  key["project_id"] = web::json::value::string("zrno-play");
  key["private_key_id"] = web::json::value::string("5c1f0e2d3b4a59687766554433221100ffeeddcc");
  key["private_key"] = web::json::value::string(TestRsaKeyPem());
  key["client_email"] = web::json::value::string("odziv@zrno-play.iam.gserviceaccount.com");
  key["token_uri"] = web::json::value::string(token_uri);
  return key.serialize();
}

std::string Base64UrlDecode(std::string_view text) {
  std::string b64(text);
  for (char& c : b64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (b64.size() % 4 != 0) b64 += '=';
  std::string out(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return {};
  std::size_t pad = 0;
  while (pad < 2 && pad < b64.size() && b64[b64.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

DecodedJwt DecodeAndVerifyJwt(std::string_view jwt, const std::string& private_key_pem) {
  DecodedJwt out;
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return out;
  out.header = web::json::value::parse(Base64UrlDecode(jwt.substr(0, first)));
  out.claims = web::json::value::parse(Base64UrlDecode(jwt.substr(first + 1, second - first - 1)));
  std::string signature = Base64UrlDecode(jwt.substr(second + 1));
  std::string_view input = jwt.substr(0, second);

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())),
                                                &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                                                         &EVP_PKEY_free);
  if (!key) return out;
  if (out.header.at("alg").as_string() == "ES256") {
    // JWS r||s back to the DER form OpenSSL verifies.
    if (signature.size() != 64) return out;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
    unsigned char* der = nullptr;
    int der_size = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (der_size <= 0) return out;
    signature.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(der_size));
    OPENSSL_free(der);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  out.signature_valid =
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  return out;
}

}  // namespace odziv::platforms::testing
