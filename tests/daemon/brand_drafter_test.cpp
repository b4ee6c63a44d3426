// A brand's drafter from its settings: defaults, the brand's own voice and templates, the language-model
// drafter behind the templates, and settings refused with a message that names the key.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "daemon/brand_drafter.h"
#include "daemon/brand_rules.h"
#include "responders/template_drafter.h"

using namespace odziv;
using namespace odziv::daemon;

namespace {

Brand MakeBrand(std::string settings) {
  Brand brand;
  brand.slug = "zrno";
  brand.name = "Kafeterija Zrno";
  brand.settings = std::move(settings);
  return brand;
}

responders::DraftRequest Praise(const responders::BrandVoice& voice) {
  responders::DraftRequest r;
  r.post.platform = "facebook";
  r.post.external_id = "p-7";
  r.post.text = "Najbolja kafa u gradu!";
  r.post.author.name = "Amra Kovačević";
  r.assessment.language = "bs";
  r.assessment.script = "latin";
  r.assessment.label = SentimentLabel::kPositive;
  r.voice = voice;
  return r;
}

// An HTTP client for the language-model drafter; the tests point it at a loopback port nobody listens on.
HttpClient& Http() {
  static std::unique_ptr<HttpClient> client = [] {
    HttpClientOptions options;
    options.threads = 1;
    options.default_timeout = std::chrono::milliseconds(2000);
    return MakeCpprestHttpClient(options);
  }();
  return *client;
}

}  // namespace

TEST_CASE("A brand without drafting settings gets the default voice and the default templates") {
  const Brand brand = MakeBrand("{}");
  auto voice = LoadBrandVoice(brand);
  REQUIRE(voice.has_value());
  CHECK(voice->brand_name == "Kafeterija Zrno");
  CHECK(voice->formal);
  CHECK(voice->signature.empty());
  CHECK(voice->private_channel.empty());

  auto drafter = MakeBrandDrafter(brand, Http());
  REQUIRE(drafter.has_value());
  auto draft = (*drafter)->Write(Praise(*voice));
  REQUIRE(draft.has_value());
  auto expected = responders::MakeTemplateDrafter(responders::DefaultTemplates())->Write(Praise(*voice));
  CHECK(draft->text == expected->text);
  CHECK(draft->situation == "praise");
  CHECK(draft->notes.empty());
}

TEST_CASE("A brand's voice and templates override the defaults and keep the rest") {
  const Brand brand = MakeBrand(R"({
    "voice": {"brand_name": "Zrno", "signature": "— Ana, Zrno", "formal": false, "private_channel": "info@zrno.ba"},
    "templates": {"situations": {"praise": {"bs": ["Hvala ti{{#name}}, {{name}}{{/name}}! Vidimo se u {{brand}}."]}}}
  })");
  auto voice = LoadBrandVoice(brand);
  REQUIRE(voice.has_value());
  CHECK(voice->brand_name == "Zrno");
  CHECK(voice->signature == "— Ana, Zrno");
  CHECK_FALSE(voice->formal);
  CHECK(voice->private_channel == "info@zrno.ba");

  auto drafter = MakeBrandDrafter(brand, Http());
  REQUIRE(drafter.has_value());
  auto praise = (*drafter)->Write(Praise(*voice));
  REQUIRE(praise.has_value());
  CHECK(praise->text == "Hvala ti, Amra! Vidimo se u Zrno. — Ana, Zrno");
  // Another language keeps the default phrasings.
  auto english = Praise(*voice);
  english.assessment.language = "en";
  auto default_en = responders::MakeTemplateDrafter(responders::DefaultTemplates())->Write(english);
  CHECK((*drafter)->Write(english)->text == default_en->text);
}

TEST_CASE("A brand with the language-model drafter falls back to its own templates when the model is unreachable") {
  setenv("ODZIV_TEST_LLM_KEY", "sk-brand-drafter-test", 1);
  const Brand brand = MakeBrand(R"({
    "templates": {"situations": {"praise": {"bs": ["Hvala, {{name}}!"]}}},
    "drafter": {"type": "llm", "url": "http://127.0.0.1:1", "model": "llama3.1:8b", "api_key": "env:ODZIV_TEST_LLM_KEY",
                "timeout_s": 2, "temperature": 0.2, "max_tokens": 300}
  })");
  auto drafter = MakeBrandDrafter(brand, Http());
  REQUIRE(drafter.has_value());
  auto draft = (*drafter)->Write(Praise(*LoadBrandVoice(brand)));
  REQUIRE(draft.has_value());
  CHECK(draft->text == "Hvala, Amra!");
  REQUIRE_FALSE(draft->notes.empty());
  CHECK_THAT(draft->notes.front(), Catch::Matchers::StartsWith("language model unavailable: "));
  for (const auto& note : draft->notes) CHECK(note.find("sk-brand-drafter-test") == std::string::npos);
}

TEST_CASE("A language-model api key that cannot be resolved is a configuration error naming the reference") {
  unsetenv("ODZIV_TEST_LLM_MISSING");
  const Brand brand = MakeBrand(
      R"({"drafter": {"type": "llm", "url": "http://127.0.0.1:8080", "model": "m", "api_key": "env:ODZIV_TEST_LLM_MISSING"}})");
  auto drafter = MakeBrandDrafter(brand, Http());
  REQUIRE_FALSE(drafter.has_value());
  CHECK(drafter.error().code == ErrorCode::kConfig);
  CHECK_THAT(drafter.error().message, Catch::Matchers::StartsWith("settings.drafter.api_key: "));
  CHECK_THAT(drafter.error().message, Catch::Matchers::Contains("ODZIV_TEST_LLM_MISSING"));
}

TEST_CASE("Drafting settings are validated with the brand's settings, and bad ones refused with the key named") {
  CHECK_FALSE(CheckBrandSettings(R"({"drafter": {"type": "templates"}})", "UTC"));
  CHECK_FALSE(CheckBrandSettings(
      R"({"drafter": {"type": "llm", "url": "https://api.example.com/v1", "model": "gpt-4o-mini", "api_key": "file:/etc/odziv/secrets#LLM_KEY"}})",
      "UTC"));
  // Switching back to templates keeps the model's settings for later.
  CHECK_FALSE(CheckBrandSettings(R"({"drafter": {"type": "templates", "url": "http://127.0.0.1:11434", "model": "m"}})", "UTC"));

  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"({"voice": "formal"})", "settings.voice must be an object"},
      {R"({"voice": {"formal": "yes"}})", "settings.voice.formal must be true or false"},
      {R"({"voice": {"signatur": "— Ana"}})", "settings.voice.signatur is not a known key"},
      {R"({"voice": {"brand_name": ""}})", "settings.voice.brand_name must not be empty"},
      {R"({"templates": {"situations": {"praise": {"en": ["Thanks {{nmae}}!"]}}}})",
       "settings.templates: situations.praise.en: unknown placeholder 'nmae'"},
      {R"({"templates": {"situations": {"praise": {"en": []}}}})", "settings.templates: situations.praise.en must be a non-empty array"},
      {R"({"drafter": {"type": "gpt"}})", "settings.drafter.type must be \"templates\" or \"llm\""},
      {R"({"drafter": {"type": "llm", "model": "m"}})", "settings.drafter.url is required with type \"llm\""},
      {R"({"drafter": {"type": "llm", "url": "http://127.0.0.1:8080"}})", "settings.drafter.model is required"},
      {R"({"drafter": {"type": "llm", "url": "ftp://x", "model": "m"}})", "settings.drafter.url must start with http"},
      {R"({"drafter": {"type": "llm", "url": "https://me:sk-123@api.example.com", "model": "m"}})",
       "settings.drafter.url must not carry credentials"},
      {R"({"drafter": {"type": "llm", "url": "https://api.example.com/v1?key=sk-123", "model": "m"}})",
       "settings.drafter.url must not carry credentials"},
      {R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "api_key": "sk-proj-abc123"}})",
       "settings.drafter.api_key must be a secret reference (env:NAME or file:/path[#KEY]), never the key itself"},
      {R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "timeout_s": 0}})",
       "settings.drafter.timeout_s must be a whole number of seconds from 1 to 300"},
      {R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "temperature": 3}})",
       "settings.drafter.temperature must be a number from 0 to 2"},
      {R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "max_tokens": 10}})",
       "settings.drafter.max_tokens must be a whole number from 64 to 8192"},
      {R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "key": "env:K"}})",
       "settings.drafter.key is not a known key"},
  };
  for (const auto& [settings, message] : refused) {
    INFO(settings);
    auto bad = CheckBrandSettings(settings, "UTC");
    REQUIRE(bad.has_value());
    CHECK_THAT(*bad, Catch::Matchers::StartsWith(message));
    // The same settings cannot make a drafter either.
    CHECK_FALSE(MakeBrandDrafter(MakeBrand(settings), Http()).has_value());
  }
  // A pasted key never appears in the message that refuses it.
  auto pasted = CheckBrandSettings(R"({"drafter": {"type": "llm", "url": "http://h", "model": "m", "api_key": "sk-proj-abc123"}})", "UTC");
  REQUIRE(pasted.has_value());
  CHECK(pasted->find("sk-proj-abc123") == std::string::npos);
}
