#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/secret.h"

using odziv::ErrorCode;
using odziv::ResolveSecret;

TEST_CASE("ResolveSecret reads environment variables and secrets files") {
  ::setenv("ODZIV_TEST_TOKEN", "tok-123456789", 1);
  auto v = ResolveSecret("env:ODZIV_TEST_TOKEN");
  REQUIRE(v);
  CHECK(*v == "tok-123456789");

  auto dir = std::filesystem::temp_directory_path() / "odziv_secret_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "whole") << "abc-secret\n";
  std::ofstream(dir / "env") << "# comment\nX_TOKEN=\"quoted value\"\nOTHER=1\n";
  CHECK(ResolveSecret("file:" + (dir / "whole").string()).value() == "abc-secret");
  CHECK(ResolveSecret("file:" + (dir / "env").string() + "#X_TOKEN").value() == "quoted value");
  std::filesystem::remove_all(dir);
}

TEST_CASE("ResolveSecret errors name the reference and never a value") {
  ::setenv("ODZIV_TEST_EMPTY", "", 1);
  auto e = ResolveSecret("env:ODZIV_TEST_EMPTY");
  REQUIRE_FALSE(e);
  CHECK(e.error().code == ErrorCode::kConfig);
  CHECK(e.error().message.find("ODZIV_TEST_EMPTY") != std::string::npos);

  auto pasted = ResolveSecret("AAAA-pasted-secret-token");
  REQUIRE_FALSE(pasted);
  CHECK(pasted.error().message.find("pasted-secret") == std::string::npos);
  CHECK_FALSE(ResolveSecret("file:/nonexistent/odziv#K"));
}
