// Drafter: writes the reply that a person approves, edits or rejects — in the post's language (English or
// the Bosnian/Croatian/Serbian variant, in the post's script) and the brand's voice, within the platform's
// length limit. Templates (template_drafter.h) are the default; a language-model drafter can stand behind
// the same interface and fall back to them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/assessment.h"
#include "core/error.h"
#include "core/post.h"

namespace odziv::responders {

// How a brand sounds. Brand configuration ("voice" in the brand's settings), with defaults.
struct BrandVoice {
  std::string brand_name;
  std::string signature;        // appended on its own ("— Ana, Zrno"); empty: none
  bool formal = true;           // BCS: "Vi" (formal) or "ti"
  std::string private_channel;  // where to continue privately: "DM", "info@zrno.ba"; empty: the platform's DM
};

struct DraftRequest {
  Post post;                 // the post to answer (its author, platform, kind, rating, text)
  Assessment assessment;     // language, script, topics, intents, priority
  BrandVoice voice;
  // Drafts already written in the same thread: a new one never repeats their sentences.
  std::vector<std::string> thread_drafts;
  // Earlier posts of the thread, oldest first, as context (the language-model drafter sends them; the
  // templates do not need them). May be empty.
  std::vector<Post> thread_posts;
};

struct Draft {
  std::string text;
  std::string language;     // "en", "bs", "hr", "sr"
  std::string script;       // "latin" or "cyrillic"
  std::string situation;    // which template answered: "complaint", "safety", "praise" …
  bool move_to_private = false;  // the post holds personal data: the reply asks to continue privately
  std::vector<std::string> notes;  // for the person approving: "shortened to fit X's 280 characters"
};

class Drafter {
 public:
  virtual ~Drafter() = default;
  // Errors: kInvalidArgument when the request cannot be answered (empty post and no situation fits).
  [[nodiscard]] virtual Result<Draft> Write(const DraftRequest& request) = 0;
};

// The longest reply a platform accepts, in user-perceived characters (graphemes); nullopt: no limit known.
std::optional<std::size_t> PlatformReplyLimit(std::string_view platform);

// Counts user-perceived characters (grapheme clusters) of UTF-8 text.
std::size_t CountGraphemes(std::string_view text);

// Whether text contains personal data a public reply must not repeat or invite: an e-mail address, a phone
// number, or an order/invoice number. Returns the kinds found ("email", "phone", "order number").
std::vector<std::string> FindPersonalData(std::string_view text);

// Serbian Latin to Serbian Cyrillic, letter by letter (lj, nj, dž as one letter); words with q, w, x, y,
// '@', '#' or "://" stay in Latin (handles, links, brand names).
std::string LatinToCyrillic(std::string_view text);

}  // namespace odziv::responders
