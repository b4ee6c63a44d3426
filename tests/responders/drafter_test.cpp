#include <catch2/catch.hpp>

#include <set>

#include "responders/template_drafter.h"

using namespace odziv;
using namespace odziv::responders;

namespace {

DraftRequest Request(std::string text, std::string language, SentimentLabel label,
                     std::vector<std::string> intents = {}, std::vector<std::string> topics = {}) {
  DraftRequest r;
  r.post.platform = "replay";
  r.post.external_id = "p-" + text.substr(0, 8);
  r.post.text = std::move(text);
  r.post.author.name = "Amra Kovačević";
  r.post.author.handle = "@amra_k";
  r.assessment.language = std::move(language);
  r.assessment.script = "latin";
  r.assessment.label = label;
  r.assessment.intents = std::move(intents);
  r.assessment.topics = std::move(topics);
  r.voice.brand_name = "Kafeterija Zrno";
  return r;
}

Draft Write(const DraftRequest& r) { return MakeTemplateDrafter(DefaultTemplates())->Write(r).value(); }

}  // namespace

TEST_CASE("Drafts answer in the post's language and BCS variant, addressing the customer by first name") {
  auto en = Write(Request("My order is two hours late", "en", SentimentLabel::kNegative, {"complaint"}, {"delivery"}));
  CHECK(en.language == "en");
  CHECK(en.situation == "complaint");
  CHECK(en.text.find("Amra") != std::string::npos);
  CHECK(en.text.find("delay") != std::string::npos);

  auto hr = Write(Request("Narudžba kasni već dva sata", "hr", SentimentLabel::kNegative, {"complaint"}, {"delivery"}));
  CHECK(hr.language == "hr");
  CHECK(hr.text.find("kašnjenja") != std::string::npos);
  CHECK(hr.text.find("putem privatne poruke") != std::string::npos);

  auto sr = Write(Request("Poručio sam kafu, stigla hladna", "sr", SentimentLabel::kNegative, {"complaint"}, {"quality"}));
  CHECK(sr.language == "sr");
  CHECK((sr.text.find("proveri") != std::string::npos || sr.text.find("rešimo") != std::string::npos ||
         sr.text.find("Ispravićemo") != std::string::npos));
}

TEST_CASE("A post in Cyrillic gets its draft in Cyrillic, with handles and links left in Latin") {
  auto r = Request("Каснила је поруџбина", "sr", SentimentLabel::kNegative, {"complaint"}, {"delivery"});
  r.assessment.script = "cyrillic";
  r.post.author.name = "";
  r.post.author.handle = "@milan_ns";
  auto draft = Write(r);
  CHECK(draft.script == "cyrillic");
  CHECK(draft.text.find("@milan_ns") != std::string::npos);
  CHECK(draft.text.find("Жао") != std::string::npos);
  CHECK(draft.text.find("nam") == std::string::npos);
  CHECK(LatinToCyrillic("Ljubljana, džem i njoki") == "Љубљана, џем и њоки");
}

TEST_CASE("The situation follows the most serious intent, then sentiment and rating") {
  Post post;
  Assessment a;
  a.intents = {"complaint", "legal_threat", "safety_health"};
  CHECK(ChooseSituation(post, a) == "safety");
  a.intents = {"complaint", "legal_threat"};
  CHECK(ChooseSituation(post, a) == "legal");
  a.intents = {"churn_threat", "complaint"};
  CHECK(ChooseSituation(post, a) == "churn");
  a.intents = {"question"};
  CHECK(ChooseSituation(post, a) == "question");
  a.intents = {};
  post.rating = 3;
  CHECK(ChooseSituation(post, a) == "mixed");
  post.rating = 1;
  CHECK(ChooseSituation(post, a) == "complaint");
  post.rating = 5;
  a.label = SentimentLabel::kPositive;
  CHECK(ChooseSituation(post, a) == "praise");
  post.rating.reset();
  a.label = SentimentLabel::kNeutral;
  CHECK(ChooseSituation(post, a) == "mention");
}

TEST_CASE("A post with personal data gets a draft that moves the conversation to private messages") {
  CHECK(FindPersonalData("narudžba br. 48213 nije stigla") == std::vector<std::string>{"order number"});
  CHECK(FindPersonalData("call me on +387 61 234 567") == std::vector<std::string>{"phone"});
  CHECK(FindPersonalData("pišite na amra.k@mail.ba") == std::vector<std::string>{"email"});
  CHECK(FindPersonalData("@zrno_ba thanks for the #1 latte in 2024").empty());
  auto draft = Write(Request("Order #48213 never arrived, call me 061 234 567", "en", SentimentLabel::kNegative,
                             {"complaint"}, {"delivery"}));
  CHECK(draft.move_to_private);
  CHECK(draft.text.find("don't post order numbers") != std::string::npos);
  CHECK(draft.text.find("48213") == std::string::npos);
}

TEST_CASE("Drafts respect the platform's length limit in characters, not bytes") {
  auto r = Request("Čekam već sat vremena, užas", "bs", SentimentLabel::kNegative, {"complaint"}, {"delivery"});
  r.post.platform = "x";
  r.voice.signature = "— Amra iz tima Zrno, uvijek tu za Vas, svakog dana od 7 do 23 sata, i vikendom i praznicima.";
  r.post.text += " narudžba 48213";
  auto draft = Write(r);
  CHECK(CountGraphemes(draft.text) <= 280);
  CHECK(CountGraphemes("čćž👍🏽") == 4);
}

TEST_CASE("Two customers in the same thread never get the same sentence") {
  std::vector<std::string> thread;
  for (int i = 0; i < 3; ++i) {
    auto r = Request("Kafa je bila hladna " + std::to_string(i), "bs", SentimentLabel::kNegative, {"complaint"}, {"quality"});
    r.post.external_id = "thread-post-" + std::to_string(i);
    r.thread_drafts = thread;
    auto draft = Write(r);
    INFO(draft.text);
    CHECK(draft.notes.empty());
    thread.push_back(draft.text);
  }
  CHECK(std::set<std::string>(thread.begin(), thread.end()).size() == 3);
}

TEST_CASE("A brand overrides one situation and keeps the defaults for the rest; broken templates are refused") {
  auto custom = ParseTemplates(R"({"situations":{"praise":{"en":["Cheers{{#name}}, {{name}}{{/name}}! ☕"]}}})",
                               DefaultTemplates());
  REQUIRE(custom);
  auto drafter = MakeTemplateDrafter(*custom);
  auto praise = drafter->Write(Request("Best croissant in town", "en", SentimentLabel::kPositive)).value();
  CHECK(praise.text == "Cheers, Amra! ☕");
  auto complaint = drafter->Write(Request("Cold coffee", "en", SentimentLabel::kNegative, {"complaint"})).value();
  CHECK(complaint.situation == "complaint");

  CHECK_FALSE(ParseTemplates("{not json"));
  auto bad = ParseTemplates(R"({"situations":{"praise":{"en":[42]}}})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("situations.praise.en") != std::string::npos);
  CHECK_FALSE(ParseTemplates(R"({"situations":{"praise":{"en":["{{#name}} unclosed"]}}})"));
  auto typo = ParseTemplates(R"({"situations":{"praise":{"en":["Hi {{nmae}}"]}}})");
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("nmae") != std::string::npos);
}

TEST_CASE("Every default situation has phrasings in every language") {
  for (const auto& [situation, languages] : DefaultTemplates().situations)
    for (const char* language : {"en", "bs", "hr", "sr"}) {
      INFO(situation << " " << language);
      CHECK(languages.count(language) == 1);
    }
}
