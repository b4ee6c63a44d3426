#include "responders/template_drafter.h"

#include <cpprest/json.h>
#include <fmt/format.h>
#include <mstch/mstch.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <mutex>

namespace odziv::responders {
namespace {

using web::json::value;

bool HasWord(const std::vector<std::string>& labels, std::string_view word) {
  return std::any_of(labels.begin(), labels.end(),
                     [&](const std::string& l) { return l.find(word) != std::string::npos; });
}

std::string IssueTopic(const Assessment& a) {
  for (std::string_view topic : {"delivery", "billing", "refund", "quality", "staff", "service", "account", "login",
                                 "price", "outage", "availability"}) {
    if (!HasWord(a.topics, topic)) continue;
    if (topic == "refund") return "billing";
    if (topic == "service") return "staff";
    if (topic == "login") return "account";
    if (topic == "availability") return "outage";
    return std::string(topic);
  }
  return "other";
}

// The customer's first name, or their handle when the platform gives no name.
std::string Addressee(const Author& author) {
  std::string name = author.name.substr(0, author.name.find(' '));
  if (!name.empty()) return name;
  return author.handle;
}

// Splits on sentence ends so that repeated sentences can be found across drafts.
std::vector<std::string> Sentences(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && (i + 1 == text.size() || text[i + 1] == ' ')) {
      std::string s(text.substr(start, i + 1 - start));
      s.erase(0, s.find_first_not_of(' '));
      if (s.size() > 12) out.push_back(s);
      start = i + 1;
    }
  }
  return out;
}

bool SharesSentence(const std::string& draft, const std::vector<std::string>& others) {
  for (const std::string& sentence : Sentences(draft))
    for (const std::string& other : others)
      if (other.find(sentence) != std::string::npos) return true;
  return false;
}

// Cuts text to at most `limit` graphemes at a sentence end when possible, else at a word, with "…".
std::string FitTo(const std::string& text, std::size_t limit) {
  if (CountGraphemes(text) <= limit) return text;
  std::string best;
  for (const std::string& sentence : Sentences(text)) {
    std::string next = best.empty() ? sentence : best + " " + sentence;
    if (CountGraphemes(next) > limit) break;
    best = next;
  }
  if (!best.empty()) return best;
  std::string cut = text;
  while (!cut.empty() && CountGraphemes(cut) > limit - 1) {
    auto space = cut.rfind(' ');
    cut = space == std::string::npos ? cut.substr(0, cut.size() - 1) : cut.substr(0, space);
  }
  return cut + "…";
}

void DisableHtmlEscaping() {
  static std::once_flag once;
  // Drafts are plain text; the web app escapes them when it shows them.
  std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return s; }; });
}

class TemplateDrafter final : public Drafter {
 public:
  explicit TemplateDrafter(TemplateSet templates) : t_(std::move(templates)) { DisableHtmlEscaping(); }

  Result<Draft> Write(const DraftRequest& request) override {
    Draft draft;
    draft.language = ChooseDraftLanguage(request.post, request.assessment);
    draft.script = request.assessment.script == "cyrillic" ? "cyrillic" : "latin";
    draft.situation = ChooseSituation(request.post, request.assessment);
    const std::vector<std::string>* phrasings = Find(draft.situation, draft.language);
    if (phrasings == nullptr) {
      draft.notes.push_back(fmt::format("no '{}' template in {}: written in English", draft.situation, draft.language));
      draft.language = "en";
      phrasings = Find(draft.situation, "en");
    }
    if (phrasings == nullptr || phrasings->empty())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("no template for situation '{}'", draft.situation));

    mstch::map context{{"name", Addressee(request.post.author)},
                       {"brand", request.voice.brand_name},
                       {"issue", Lookup(t_.issues, IssueTopic(request.assessment), draft.language)},
                       {"private", request.voice.private_channel.empty() ? Lookup(t_.private_channel, draft.language)
                                                                         : request.voice.private_channel}};
    std::string privacy;
    if (auto found = FindPersonalData(request.post.text); !found.empty()) {
      draft.move_to_private = true;
      privacy = mstch::render(Lookup(t_.privacy, draft.language), context);
      std::string kinds;
      for (const auto& k : found) kinds += (kinds.empty() ? "" : ", ") + k;
      draft.notes.push_back(fmt::format("the post contains personal data ({}): the reply asks to continue privately", kinds));
    }
    const auto limit = PlatformReplyLimit(request.post.platform);
    const std::size_t start = std::hash<std::string>{}(request.post.external_id) % phrasings->size();
    std::string chosen;
    for (std::size_t k = 0; k < phrasings->size(); ++k) {
      std::string text = Compose(mstch::render((*phrasings)[(start + k) % phrasings->size()], context), privacy,
                                 request.voice.signature);
      if (draft.script == "cyrillic") text = LatinToCyrillic(text);
      if (SharesSentence(text, request.thread_drafts)) continue;
      if (limit && CountGraphemes(text) > *limit && k + 1 < phrasings->size()) continue;
      chosen = std::move(text);
      break;
    }
    if (chosen.empty()) {
      chosen = Compose(mstch::render((*phrasings)[start], context), privacy, request.voice.signature);
      if (draft.script == "cyrillic") chosen = LatinToCyrillic(chosen);
      draft.notes.push_back("every phrasing was already used in this thread: edit the draft so it does not repeat");
    }
    if (limit && CountGraphemes(chosen) > *limit) {
      chosen = FitTo(chosen, *limit);
      draft.notes.push_back(fmt::format("shortened to fit {}'s {} characters", request.post.platform, *limit));
    }
    draft.text = std::move(chosen);
    return draft;
  }

 private:
  const std::vector<std::string>* Find(const std::string& situation, const std::string& language) const {
    auto s = t_.situations.find(situation);
    if (s == t_.situations.end()) return nullptr;
    auto l = s->second.find(language);
    return l == s->second.end() ? nullptr : &l->second;
  }

  static std::string Lookup(const std::map<std::string, std::string>& by_language, const std::string& language) {
    auto it = by_language.find(language);
    if (it != by_language.end()) return it->second;
    it = by_language.find("en");
    return it == by_language.end() ? "" : it->second;
  }

  static std::string Lookup(const std::map<std::string, std::map<std::string, std::string>>& table,
                            const std::string& key, const std::string& language) {
    auto it = table.find(key);
    if (it == table.end()) it = table.find("other");
    return it == table.end() ? "" : Lookup(it->second, language);
  }

  static std::string Compose(std::string body, const std::string& privacy, const std::string& signature) {
    if (!privacy.empty()) body += " " + privacy;
    if (!signature.empty()) body += " " + signature;
    return body;
  }

  TemplateSet t_;
};

// Sections must balance and placeholders must be ones the drafter fills: mstch itself accepts an unclosed
// section silently, and a misspelt placeholder would vanish from the reply.
std::optional<std::string> CheckTemplate(const std::string& text) {
  static const std::vector<std::string> kKnown = {"name", "issue", "private", "brand"};
  std::vector<std::string> open;
  std::size_t at = 0;
  while ((at = text.find("{{", at)) != std::string::npos) {
    auto end = text.find("}}", at);
    if (end == std::string::npos) return "a '{{' is never closed";
    std::string tag = text.substr(at + 2, end - at - 2);
    at = end + 2;
    char kind = tag.empty() ? ' ' : tag[0];
    std::string name = (kind == '#' || kind == '^' || kind == '/') ? tag.substr(1) : tag;
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end())
      return fmt::format("unknown placeholder '{}' (known: name, issue, private, brand)", name);
    if (kind == '#' || kind == '^') open.push_back(name);
    if (kind == '/') {
      if (open.empty() || open.back() != name) return fmt::format("'{{{{/{}}}}}' closes no open section", name);
      open.pop_back();
    }
  }
  if (!open.empty()) return fmt::format("section '{}' is never closed", open.back());
  return std::nullopt;
}

Status ReadStringMap(const value& json, const std::string& where, std::map<std::string, std::string>& out) {
  if (!json.is_object()) return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: {} must be an object", where));
  for (const auto& [language, text] : json.as_object()) {
    if (!text.is_string())
      return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: {}.{} must be a string", where, language));
    out[language] = text.as_string();
  }
  return {};
}

}  // namespace

std::string ChooseSituation(const Post& post, const Assessment& a) {
  if (HasWord(a.intents, "safety")) return "safety";
  if (HasWord(a.intents, "legal")) return "legal";
  if (HasWord(a.intents, "churn")) return "churn";
  const bool low_rating = post.rating && *post.rating <= 2;
  if (HasWord(a.intents, "complaint") || a.label == SentimentLabel::kNegative || low_rating) return "complaint";
  if (HasWord(a.intents, "question")) return "question";
  if (post.rating && *post.rating == 3) return "mixed";
  if (a.label == SentimentLabel::kPositive || (post.rating && *post.rating >= 4) || HasWord(a.topics, "praise"))
    return "praise";
  return "mention";
}

std::string ChooseDraftLanguage(const Post& post, const Assessment& assessment) {
  for (const std::string& candidate : {assessment.language, post.language})
    if (candidate == "en" || candidate == "bs" || candidate == "hr" || candidate == "sr") return candidate;
  if (assessment.language == "sh") return assessment.script == "cyrillic" ? "sr" : "bs";
  return "en";
}

Result<TemplateSet> ParseTemplates(std::string_view json, TemplateSet base) {
  value doc;
  try {
    doc = value::parse(std::string(json));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("templates are not JSON: {}", e.what()));
  }
  if (!doc.is_object()) return Fail(ErrorCode::kInvalidArgument, "templates must be a JSON object");
  DisableHtmlEscaping();
  if (doc.has_field("situations")) {
    const value& situations = doc.at("situations");
    if (!situations.is_object()) return Fail(ErrorCode::kInvalidArgument, "templates: 'situations' must be an object");
    for (const auto& [situation, languages] : situations.as_object()) {
      if (!languages.is_object())
        return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: situation '{}' must be an object", situation));
      for (const auto& [language, list] : languages.as_object()) {
        std::string where = fmt::format("situations.{}.{}", situation, language);
        if (!list.is_array() || list.size() == 0)
          return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: {} must be a non-empty array", where));
        std::vector<std::string> phrasings;
        for (const value& p : list.as_array()) {
          if (!p.is_string()) return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: {} holds a non-string", where));
          if (auto bad = CheckTemplate(p.as_string()))
            return Fail(ErrorCode::kInvalidArgument, fmt::format("templates: {}: {}", where, *bad));
          phrasings.push_back(p.as_string());
        }
        base.situations[situation][language] = std::move(phrasings);
      }
    }
  }
  if (doc.has_field("issues")) {
    const value& issues = doc.at("issues");
    if (!issues.is_object()) return Fail(ErrorCode::kInvalidArgument, "templates: 'issues' must be an object");
    for (const auto& [topic, languages] : issues.as_object())
      if (auto ok = ReadStringMap(languages, "issues." + topic, base.issues[topic]); !ok) return Fail(ok.error());
  }
  if (doc.has_field("private"))
    if (auto ok = ReadStringMap(doc.at("private"), "private", base.private_channel); !ok) return Fail(ok.error());
  if (doc.has_field("privacy"))
    if (auto ok = ReadStringMap(doc.at("privacy"), "privacy", base.privacy); !ok) return Fail(ok.error());
  return base;
}

const TemplateSet& DefaultTemplates() {
  static const TemplateSet set = ParseTemplates(DefaultTemplatesJson()).value();
  return set;
}

std::unique_ptr<Drafter> MakeTemplateDrafter(TemplateSet templates) {
  return std::make_unique<TemplateDrafter>(std::move(templates));
}

}  // namespace odziv::responders
