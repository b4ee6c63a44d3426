#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "judge_fixture.h"
#include "sentiment/decimal.h"

using namespace odziv;
using namespace odziv::sentiment;
using namespace odziv::sentiment::testing;

TEST_CASE("Judge gives clear English praise and complaints the right sign and label") {
  Assessment good = AssessText("I love this phone, the camera is excellent!");
  CHECK(good.sentiment > 0.5);
  CHECK(good.label == SentimentLabel::kPositive);
  Assessment bad = AssessText("Terrible service, the worst experience ever.");
  CHECK(bad.sentiment < -0.5);
  CHECK(bad.label == SentimentLabel::kNegative);
  CHECK(AssessText("The store opens at nine.").label == SentimentLabel::kNeutral);
  CHECK(good.confidence > 0.5);
  CHECK(good.model_version.starts_with("odziv-judge-1/lex-"));
}

TEST_CASE("Judge reads BCS the same with diacritics, without them, and in Cyrillic") {
  double with = ScoreOf("Ovo je užasno loše, čekam već tri dana");
  double without = ScoreOf("Ovo je uzasno lose, cekam vec tri dana");
  double cyrillic = ScoreOf("Ово је ужасно лоше, чекам већ три дана");
  CHECK(with < -0.4);
  CHECK(with == Approx(without));
  CHECK(with == Approx(cyrillic));
  CHECK(ScoreOf("Odlična usluga, svaka čast!") > 0.5);
  CHECK(ScoreOf("odlicna usluga, svaka cast") > 0.5);
}

TEST_CASE("Judge matches inflected BCS words through stems and prefixes") {
  CHECK(ScoreOf("odličnog") > 0);
  CHECK(ScoreOf("najgorem") < 0);
  CHECK(ScoreOf("razočarali ste me") < 0);
  CHECK(ScoreOf("oduševljena sam") > 0);
}

TEST_CASE("Negation flips polarity in English and BCS") {
  CHECK(ScoreOf("good") > 0);
  CHECK(ScoreOf("not good") < 0);
  CHECK(ScoreOf("this isn't good at all") < 0);
  CHECK(ScoreOf("dobro je") > 0);
  CHECK(ScoreOf("nije dobro") < 0);
  CHECK(ScoreOf("nisam zadovoljan") < 0);
  CHECK(ScoreOf("nikad nije bilo dobro") < 0);
  CHECK(ScoreOf("nevalja ništa") < 0);
  CHECK(ScoreOf("nije loše") > 0);  // negated negative: mildly positive
  Assessment a = AssessText("Nije dobro");
  CHECK(AnyContains(a.reasons, "negated by 'Nije'"));
}

TEST_CASE("Boosters strengthen and diminishers weaken") {
  CHECK(ScoreOf("very good") > ScoreOf("good"));
  CHECK(ScoreOf("good") > ScoreOf("slightly good"));
  CHECK(ScoreOf("jako dobro") > ScoreOf("dobro"));
  CHECK(ScoreOf("baš loše") < ScoreOf("loše"));
  CHECK(ScoreOf("malo loše") > ScoreOf("loše"));
  CHECK(AnyContains(AssessText("veoma dobro").reasons, "scaled by 'veoma'"));
}

TEST_CASE("Contrast makes the clause after 'but' weigh more") {
  CHECK(ScoreOf("The food was good but the service was terrible") < 0);
  CHECK(ScoreOf("The service was slow but the food was excellent") > 0);
  CHECK(ScoreOf("Hrana je dobra, ali je usluga užasna") < 0);
  CHECK(ScoreOf("Dostava kasni, međutim proizvod je odličan") > 0);
  CHECK(AnyContains(AssessText("dobro ali skupo").reasons, "contrast 'ali'"));
  // "no" is "but" in BCS and a negator in English.
  CHECK(AnyContains(AssessText("Hrana je odlična, no usluga je spora").reasons, "contrast 'no'"));
  CHECK(ScoreOf("no good deals here") < 0);
}

TEST_CASE("A concession makes its clause weigh less than the rest of the post") {
  CHECK(ScoreOf("Although the screen is great, the battery died after a week.", "en") < -0.15);
  CHECK(ScoreOf("Great phone, despite the price.", "en") > 0.15);
  CHECK(ScoreOf("Iako je gluma loša, film je odličan.", "sr") > 0.15);
  Assessment a = AssessText("Although it was cheap, it broke.", "en");
  CHECK(AnyContains(a.reasons, "concession 'Although': its clause weighs 0.5×"));
  // A contrast word wins over a concession; a concession with nothing outside its clause weighs nothing.
  CHECK_FALSE(AnyContains(AssessText("Although it was good, but slow", "en").reasons, "concession"));
  CHECK(ScoreOf("although great", "en") == Approx(ScoreOf("great", "en")));
}

TEST_CASE("Words the English stemmer joins to a sentiment word do not take its valence") {
  // "political" stems like "polite", "several" like "severe", "likely" like "like", "except" like "exceptional",
  // "imagine" like "imaginative".
  for (const char* text : {"a political debate", "several people", "it is likely", "except the date",
                           "imagine the crowd", "a city like this one", "the goods arrived"}) {
    INFO(text);
    Assessment a = AssessText(text, "en");
    CHECK(a.label == SentimentLabel::kNeutral);
    for (const std::string& r : a.reasons)  // at most learned weights, which only lean
      CHECK((!r.starts_with("'") || r.find("(learned)") != std::string::npos));
  }
  CHECK(ScoreOf("Exceptional service", "en") > 0.15);
  CHECK(ScoreOf("I like it", "en") > 0.15);
  CHECK(ScoreOf("I don't like it", "en") < -0.15);
  CHECK(ScoreOf("They were fined twice", "en") < 0);
}

TEST_CASE("BCS adjectives are found in the masculine nominative with its fleeting a") {
  for (const char* text : {"izvanredan film", "predivan dan", "izvrsan", "prijatan", "zabavan"}) {
    INFO(text);
    CHECK(ScoreOf(text, "sr") > 0.15);
  }
  for (const char* text : {"grozan film", "dosadan", "žalosan", "naporan", "uzaludan"}) {
    INFO(text);
    CHECK(ScoreOf(text, "sr") < -0.15);
  }
  CHECK(ScoreOf("lagan film", "sr") >= 0);  // "light", not a form of "lagati" (to lie)
  CHECK(ScoreOf("Moglo je bolje.", "sr") < -0.15);
  CHECK(ScoreOf("Slabo.", "sr") < -0.15);
  CHECK(ScoreOf("Ide mi na živce", "sr") < -0.15);
}

TEST_CASE("Capitals, elongation and exclamation marks strengthen sentiment") {
  CHECK(ScoreOf("this is GREAT news") > ScoreOf("this is great news"));
  CHECK(ScoreOf("jaaaako dobro") > ScoreOf("dobro"));
  CHECK(ScoreOf("goooood") > 0);
  CHECK(ScoreOf("great!!!") > ScoreOf("great"));
  CHECK(ScoreOf("awful!!") < ScoreOf("awful"));
}

TEST_CASE("Emoji, emoticons and laughter carry sentiment") {
  CHECK(ScoreOf("😡😡") < 0);
  CHECK(ScoreOf("😍") > 0);
  CHECK(ScoreOf(":-)") > 0);
  CHECK(ScoreOf(":(") < 0);
  CHECK(ScoreOf("hahahaha") > 0);
  CHECK(ScoreOf(":D") > ScoreOf(":P"));  // emoticons with letters match their own entries
  CHECK(ScoreOf(":O") < 0);
  CHECK(ScoreOf("xDDD") > 0);
  CHECK(ScoreOf("♥") == Approx(ScoreOf("❤️")));
}

TEST_CASE("Negating a negative word gives faint praise, weaker than negating a positive one") {
  double not_terrible = ScoreOf("The food was not terrible");
  double not_good = ScoreOf("The food was not good");
  CHECK(not_terrible > 0);
  CHECK(not_good < 0);
  CHECK(not_terrible < -not_good);
  CHECK(not_terrible < ScoreOf("The food was good"));
  CHECK(ScoreOf("Hrana nije bila užasna") > 0);
  CHECK(ScoreOf("Hrana nije bila užasna") < ScoreOf("Hrana je bila dobra"));
}

TEST_CASE("A rating written in the text counts as the author's verdict") {
  CHECK(ScoreOf("Film 3/10") < -0.15);
  CHECK(ScoreOf("Film 9/10") > 0.15);
  CHECK(ScoreOf("Gledao sam ga sinoć. 8,5 / 10") > 0.15);
  CHECK(ScoreOf("Product arrived yesterday, 2/10") < -0.15);
  // Numbers alone, so that no word of the text is evidence either:
  CHECK_FALSE(TheJudge().Score("4/5 u 10").evidence);   // "/5" is as often a date
  CHECK_FALSE(TheJudge().Score("9/10/2026").evidence);  // a date
  CHECK_FALSE(TheJudge().Score("6/10").evidence);   // the middle says neither way
  CHECK_FALSE(TheJudge().Score("12/10").evidence);  // not a rating on that scale
  Assessment a = AssessText("Razočaranje. 3/10");
  CHECK(AnyContains(a.reasons, "'3/10'"));
  CHECK(AnyContains(a.reasons, "rating in the text"));
}

TEST_CASE("Posts with words but no evidence lean slightly positive and stay neutral") {
  SentimentScore s = TheJudge().Score("Gradonačelnik predstavio mjere http://t.co/x");
  CHECK_FALSE(s.evidence);
  CHECK(s.score > 0);
  CHECK(s.label == SentimentLabel::kNeutral);
  Assessment a = AssessText("The meeting is on Tuesday");
  CHECK(a.label == SentimentLabel::kNeutral);
  CHECK(a.urgency == 0);
  CHECK(TheJudge().Score("").score == 0);
  CHECK(TheJudge().Score(" ").score == 0);
}

TEST_CASE("Invitations and reassurances read positive although they hold a negator") {
  CHECK(ScoreOf("Ne propustite koncert u subotu!") > 0.15);
  CHECK(ScoreOf("Ne brinite, sve je riješeno") > 0);
  CHECK(ScoreOf("Don't miss the concert on Saturday!") > 0.15);
  CHECK(ScoreOf("No worries, we sorted it out") > 0);
}

TEST_CASE("Two-decimal numbers in reasons round exactly as fmt does, ties to even") {
  std::vector<double> values = {0.0, -0.0, 0.125, 0.375, -0.625, -0.005, 1.005, 2.675, 0.015, 99.995, -3.14159,
                                // the largest values of the exact path, and what goes to the general conversion
                                123456789.125, 999999999999.995, -999999999999.985, 1e12, -1e15, 1e300,
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (int k = -2000; k <= 2000; ++k) {
    values.push_back(k * 0.005);                                   // ties and their neighbours
    values.push_back(static_cast<float>(k * 0.005));                // contributions are floats
    values.push_back(std::nextafter(k * 0.005, 10.0));
    values.push_back(std::nextafter(k * 0.005, -10.0));
  }
  for (double v : values) {
    std::string plain, plus;
    AppendFixed2(plain, v, false);
    AppendFixed2(plus, v, true);
    INFO(fmt::format("{:.17g}", v));
    CHECK(plain == fmt::format("{:.2f}", v));
    CHECK(plus == fmt::format("{:+.2f}", v));
  }
}

TEST_CASE("Words longer than a word-cache slot and elongated words are judged the same on every look-up") {
  // A 34-letter word goes to the cache's map for long keys; an elongated one is looked up again shortened.
  for (std::string_view text : {"terrible supercalifragilisticexpialidociously service",
                                "superrrrrrrrcalifragilisticexpialidociouslyyyyyy gooood"}) {
    INFO(text);
    Assessment first = AssessText(text), again = AssessText(text);
    CHECK(first.sentiment == again.sentiment);
    CHECK(first.reasons == again.reasons);
  }
  CHECK(ScoreOf("terrible supercalifragilisticexpialidociously service") == ScoreOf("terrible service"));
  CHECK(ScoreOf("superrrrrrrrcalifragilisticexpialidociouslyyyyyy gooood") > 0.15);
}

TEST_CASE("A review's star rating combines with its text") {
  JudgeInput in;
  in.kind = PostKind::kReview;
  in.text = "The room was nice";
  in.rating = 1;
  Assessment one = TheJudge().Assess(in);
  CHECK(one.sentiment < 0);
  CHECK(AnyContains(one.reasons, "1★ rating"));
  in.rating = 5;
  CHECK(TheJudge().Assess(in).sentiment > ScoreOf("The room was nice"));
  in.text = "";
  in.rating = 3;
  CHECK(TheJudge().Assess(in).label == SentimentLabel::kNeutral);
}

TEST_CASE("Learned word weights alone only lean: the label stays neutral") {
  Assessment a = AssessText("The store opens at nine.");
  CHECK(a.label == SentimentLabel::kNeutral);
  CHECK(std::abs(a.sentiment) < 0.15);
  CHECK(AnyContains(a.reasons, "(learned)"));
  CHECK(a.confidence <= 0.35);
}

TEST_CASE("An irony marker turns praise negative") {
  CHECK(ScoreOf("Great service, waited two hours. #sarcasm") < 0);
  CHECK(ScoreOf("Baš super usluga, sarkazam") < 0);
}

TEST_CASE("Reasons name the words and rules that moved the score") {
  Assessment a = AssessText("Usluga nije dobra, ali je dostava brza");
  REQUIRE_FALSE(a.reasons.empty());
  CHECK(AnyContains(a.reasons, "'dobra'"));
  CHECK(AnyContains(a.reasons, "negated by 'nije'"));
  CHECK(AnyContains(AssessText("zxqv blorft").reasons, "no sentiment words"));
}

TEST_CASE("Language detection tells English from BCS and names the variant when clear") {
  CHECK(AssessText("This is the best thing I have ever bought").language == "en");
  CHECK(AssessText("Tko je rekao da tjedan dana čekam kruh").language == "hr");
  CHECK(AssessText("Gde je nestalo lepo vreme, bre").language == "sr");
  CHECK(AssessText("Ово је баш добро").language == "sr");
  CHECK(AssessText("Lahko je tebi, jarane, haman sve je gotovo").language == "bs");
  CHECK(AssessText("ovo je dobro").language == "sh");
  CHECK(AssessText("ovo je dobro", "hr").language == "hr");  // the platform's tag breaks the tie
  CHECK(AssessText("😀👍").language == "und");
  CHECK(AssessText("12345").language == "und");
}

TEST_CASE("Script is latin, cyrillic, mixed or none") {
  CHECK(AssessText("dobro je").script == "latin");
  CHECK(AssessText("добро је").script == "cyrillic");
  CHECK(AssessText("добро је dobro je").script == "mixed");
  CHECK(AssessText("👍").script == "none");
}

TEST_CASE("Topics come from contact-reason words in both languages") {
  CHECK(Has(AssessText("My package was never delivered").topics, "delivery"));
  CHECK(Has(AssessText("Paket nije stigao, gdje je dostava?").topics, "delivery"));
  CHECK(Has(AssessText("You charged me twice, I want a refund").topics, "billing"));
  CHECK(Has(AssessText("Naplatili ste mi dva puta račun").topics, "billing"));
  CHECK(Has(AssessText("Telefon se pokvario nakon tjedan dana").topics, "quality"));
  CHECK(Has(AssessText("The staff at the store was rude").topics, "staff"));
  CHECK(Has(AssessText("Konobar je bio neljubazan").topics, "staff"));
  CHECK(Has(AssessText("I can't log in, password reset fails").topics, "account"));
  CHECK(Has(AssessText("Ne mogu se prijaviti, lozinka ne radi").topics, "account"));
  CHECK(Has(AssessText("Cijene su preskupe").topics, "price"));
  CHECK(Has(AssessText("Opet nema interneta, nestanak cijeli dan").topics, "availability"));
  CHECK(Has(AssessText("Thanks, great job team!").topics, "praise"));
  CHECK(Has(AssessText("Kada otvarate?").topics, "question"));
  CHECK(AssessText("Ovo je tekst").topics == std::vector<std::string>{"other"});
}

TEST_CASE("Intents are found with their evidence") {
  struct Case {
    const char* text;
    const char* intent;
    const char* evidence;
  };
  const Case cases[] = {
      {"Ovo je neprihvatljivo, pišem reklamaciju", "complaint", "neprihvatljivo"},
      {"My order is broken and this is terrible", "complaint", "negative"},
      {"Kada stiže moja narudžba?", "question", "Kada"},
      {"how do I reset my password", "question", "how"},
      {"Otkazujem pretplatu, nikad više", "churn_threat", "Otkazujem"},
      {"I am switching to another bank", "churn_threat", "switching to"},
      {"Gdje mogu kupiti ovaj model?", "purchase_intent", "Gdje mogu kupiti"},
      {"I want to buy two of these", "purchase_intent", "want to buy"},
      {"Zovem advokata, ide tužba", "legal_threat", "advokata"},
      {"My lawyer will sue you", "legal_threat", "lawyer"},
      {"Dijete je završilo u bolnici, trovanje hranom", "safety", "bolnici"},
      {"I got food poisoning from your burger", "safety", "food poisoning"},
      {"Hitno mi treba pomoć", "urgent", "Hitno"},
      {"Need this fixed ASAP", "urgent", "ASAP"},
      {"Vi ste obični kreteni", "abuse", "kreteni"},
      {"shut up you idiots", "abuse", "shut up"},
      {"Click here for free followers https://spam.example", "spam", "Click here"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    Assessment a = AssessText(c.text);
    CHECK(Has(a.intents, c.intent));
    CHECK(AnyContains(a.reasons, std::string("intent ") + c.intent + ": '" + c.evidence));
  }
}

TEST_CASE("Urgency and priority come out of judging with a one-line explanation") {
  JudgeInput in;
  in.text = "Zbog vas je dijete u bolnici, ide tužba!";
  in.kind = PostKind::kReview;
  in.rating = 1;
  in.author_reach = 12'000;
  Assessment a = TheJudge().Assess(in);
  CHECK(a.priority == 1);
  CHECK(a.urgency >= 70);
  CHECK(a.urgency_explanation.starts_with("P1: "));
  CHECK(a.urgency_explanation.find("tužba") != std::string::npos);
  Assessment calm = AssessText("Lijep dan danas");
  CHECK(calm.priority == 4);
}

TEST_CASE("Bad input gets a defined answer") {
  Assessment invalid = AssessText("lo\xC3\x28\xFF\xFEše");
  CHECK(AnyContains(invalid.reasons, "invalid UTF-8"));
  // Evidence that spans malformed bytes is quoted as valid UTF-8.
  Assessment phrase = AssessText("nikad\xFFviše neću kupiti");
  CHECK(AnyContains(phrase.reasons, "nikad\xEF\xBF\xBDviše"));
  Assessment empty = AssessText("");
  CHECK(empty.label == SentimentLabel::kNeutral);
  CHECK(empty.language == "und");
  CHECK(empty.script == "none");
  CHECK(AnyContains(empty.reasons, "no words to judge"));
  std::string huge;
  while (huge.size() < (1u << 20)) huge += "odličan proizvod, preporučujem ";
  Assessment big = AssessText(huge);
  CHECK(big.label == SentimentLabel::kPositive);
  CHECK(AnyContains(big.reasons, "judged the first"));
  CHECK(AssessText("😡").label == SentimentLabel::kNegative);
  CHECK(AssessText("Ovo je dobro, а ово је лоше").script == "mixed");
  CHECK(AssessText("\xE2\x80\x8F" "dobro" "\xE2\x80\x8E").sentiment > 0);  // right-to-left marks
  CHECK(AssessText("👨\xE2\x80\x8D👩\xE2\x80\x8D👧 super").sentiment > 0);  // zero-width joiners
  CHECK(AssessText(std::string("\0\0\0", 3)).label == SentimentLabel::kNeutral);
}

TEST_CASE("Judge gives the same answers from many threads at once") {
  const std::vector<std::string> texts = {"nije dobro", "very good", "Ово је ужасно", "ok", "paket kasni"};
  std::vector<double> expected;
  for (const auto& t : texts) expected.push_back(ScoreOf(t));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&, k] {
      for (int round = 0; round < 500; ++round)
        for (std::size_t i = 0; i < texts.size(); ++i) {
          JudgeInput in;
          in.text = texts[i];
          if (TheJudge().Assess(in).sentiment != expected[i]) ++mismatches[static_cast<std::size_t>(k)];
        }
    });
  for (auto& t : threads) t.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

TEST_CASE("Lexicon reports a bad entry with its file and line") {
  auto bad = Lexicon::LoadTexts({{"x.lex", "[valence bcs]\ndobro 1\n[nonsense]\nfoo 1\n"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kConfig);
  CHECK(bad.error().message.find("x.lex:3") != std::string::npos);
  auto out_of_range = Lexicon::LoadTexts({{"y.lex", "[valence en]\ngood 99\n"}});
  REQUIRE_FALSE(out_of_range);
  CHECK(out_of_range.error().message.find("y.lex:2") != std::string::npos);
  CHECK_FALSE(Lexicon::LoadDirectory("/nonexistent/odziv"));
}

TEST_CASE("A '*' after a letter makes a prefix entry, after a symbol it is part of the word") {
  auto lex = Lexicon::LoadTexts({{"p.lex", "[valence any]\n:* 2\nodlič* 3\n"}});
  REQUIRE(lex);
  auto judge = Judge::Create(std::move(*lex));
  REQUIRE(judge);
  CHECK(judge->Score(":*").score > 0);
  CHECK_FALSE(judge->Score(":D").evidence);
  CHECK(judge->Score("odličnog").score > 0);
}

TEST_CASE("Lexicons loaded from the source tree equal the built-in ones") {
  auto dir = Lexicon::LoadDirectory(std::string(ODZIV_SOURCE_DIR) + "/sentiment/lexicons");
  REQUIRE(dir);
  CHECK(dir->version() == TheJudge().lexicon().version());
}

TEST_CASE("A word added to a lexicon changes judgements") {
  auto lex = Lexicon::LoadTexts({{"mini.lex", "[valence bcs]\nfenomenalan 3\n[negation]\nnije\n"}});
  REQUIRE(lex);
  auto judge = Judge::Create(std::move(*lex));
  REQUIRE(judge);
  CHECK(judge->Score("fenomenalan").score > 0);
  CHECK(judge->Score("nije fenomenalan").score < 0);
  CHECK_FALSE(judge->Score("odlično").evidence);
}
