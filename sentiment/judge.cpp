#include "sentiment/judge.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

#include <sys/mman.h>

#include <fmt/format.h>
#include <utf8proc.h>

#include "sentiment/decimal.h"
#include "sentiment/language.h"
#include "sentiment/stemmer.h"
#include "sentiment/tokenizer.h"

namespace odziv::sentiment {
namespace {

// Tuning constants; docs/judging.md explains each.
constexpr float kNegationFactor = -0.74f;   // "not good" is weaker than "bad"
constexpr float kNegatedNegativeFactor = -0.3f;  // "not bad", "nije loše": faint praise, not "good"
constexpr float kBeforeContrast = 0.5f;     // "X, but Y": X counts half …
constexpr float kAfterContrast = 1.5f;      // … and Y one and a half times
constexpr float kCapsFactor = 1.3f;         // "GREAT" in a text that is not all capitals
constexpr float kElongationFactor = 1.2f;   // "jaaako", "sooo good"
constexpr float kExclamationStep = 0.25f;   // per '!', up to four
constexpr float kNormalisationAlpha = 15.f; // score = sum / sqrt(sum² + alpha)
constexpr double kNeutralBand = 0.15;       // |score| below this is neutral
constexpr double kRatingWeight = 0.65;      // stars vs text when a review has both
constexpr int kNegationWindow = 3;
constexpr float kNegativityBias = 1.15f;    // negative words tell more than positive ones (praise is cheap)
constexpr double kLearnedOnlyLean = 1.5;    // below this |sum|, learned weights alone only lean (label stays neutral)
constexpr float kLearnedWeight = 0.5f;      // learned word weights count half: they are noisier than hand entries
constexpr double kTextRatingMiddle = 0.6;    // "6/10" says neither way; "3/10" and "9/10" do
constexpr double kTextRatingDeadZone = 0.15;  // ratios this close to the middle add nothing
constexpr double kTextRatingScale = 8;        // valence per unit of ratio away from the middle (±3 at most)
constexpr double kNoEvidenceLean = 0.01;      // score of a post with words but no evidence (label neutral)
constexpr float kLoneNegation = -0.4f;      // "ne znam", "nije to": negation without a sentiment word leans negative
constexpr std::size_t kCacheLimit = 1u << 17;  // words cached per thread before the cache starts over

enum Flag : std::uint32_t {
  kHasEn = 1u << 0, kHasBcs = 1u << 1, kHasAny = 1u << 2, kNegator = 1u << 3, kContrast = 1u << 4,
  kIrony = 1u << 5, kFnEn = 1u << 6, kFnBcs = 1u << 7, kHr = 1u << 8, kSr = 1u << 9, kBs = 1u << 10,
  kIjek = 1u << 11, kEkav = 1u << 12, kPhraseStart = 1u << 13, kBooster = 1u << 14, kNePrefix = 1u << 15,
  kLearnedEnFlag = 1u << 16, kLearnedBcsFlag = 1u << 17, kNegatorEn = 1u << 18, kContrastBcs = 1u << 19,
  kConcession = 1u << 20,
  kLanguageFlags = kFnEn | kFnBcs | kHr | kSr | kBs | kIjek | kEkav,  // what language evidence counts
};

// Everything the lexicon says about one folded word; resolved once per thread and cached.
struct WordInfo {
  float en = 0, bcs = 0, any = 0, booster = 0;
  float learned_en = 0, learned_bcs = 0;
  std::uint32_t cues = 0;
  std::uint32_t flags = 0;
};

// One word's share of the sentiment, for reasons.
struct Contribution {
  std::uint32_t token = 0;
  std::uint32_t last_token = 0;  // > token for phrases
  float value = 0;
  std::int32_t negator = -1;
  std::int32_t booster = -1;
  bool caps = false, elongated = false;
  bool lone_negation = false;  // a negator with no sentiment word to negate
  bool learned = false;        // the valence came from a learned lexicon
  bool rating = false;         // a rating written in the text ("3/10")
};

// Readable bytes after the end of every key the word cache is given: Analyse pads the keys of a post and its
// scratch keys with zeros, so that keys are hashed and compared eight bytes at a time.
constexpr std::size_t kKeyPadding = 8;

// The per-thread word cache: what Resolve found for each folded word. Looking words up is most of what
// judging does, and a lookup costs what its cache misses cost, so each entry is one cache line holding the
// key, its hash and the WordInfo together, and Analyse prefetches the lines of a post's words before it
// reads them. Keys longer than a slot holds (rare) go to a plain map.
class WordCache {
 public:
  static constexpr std::size_t kInlineKey = 24;

  WordCache() : slots_(Allocate(kInitialSlots)), capacity_(kInitialSlots) {}

  // Of a key followed by kKeyPadding readable bytes; eight bytes at a time.
  static std::uint32_t Hash(std::string_view key) {
    std::uint64_t h = key.size() * 0x9E3779B97F4A7C15ULL;
    std::size_t i = 0;
    do {  // an empty key hashes as one chunk of zeros
      h = (h ^ Chunk(key.data() + i, key.size() - i)) * 0xbf58476d1ce4e5b9ULL;
      h ^= h >> 31;
      i += 8;
    } while (i < key.size());
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 29;
    auto h32 = static_cast<std::uint32_t>(h ^ (h >> 32));
    return h32 ? h32 : 1;  // 0 marks an empty slot
  }
  void Prefetch(std::uint32_t hash) const { __builtin_prefetch(&slots_[hash & (capacity_ - 1)]); }

  // What is cached for `key` (followed by kKeyPadding readable bytes; `hash` is its Hash), or nullptr.
  const WordInfo* Find(std::string_view key, std::uint32_t hash) const {
    if (key.size() > kInlineKey) return long_keys_.Find(key);
    std::size_t mask = capacity_ - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == hash && s.length == key.size() && SameKey(s, key)) return &s.info;
    }
  }

  // Inserts a key that Find did not find; the reference stays valid until the next insertion.
  const WordInfo& Insert(std::string_view key, std::uint32_t hash, const WordInfo& info) {
    ++size_;
    if (key.size() > kInlineKey) return long_keys_.Insert(key, info);
    if (size_ * 10 > capacity_ * 7) Grow();
    Slot& s = Place(hash);
    s.hash = hash;
    s.length = static_cast<std::uint8_t>(key.size());
    std::memcpy(s.key, key.data(), key.size());  // the slot is all zeros: the rest of the key stays zero
    s.info = info;
    return s.info;
  }

  std::size_t size() const { return size_; }
  void Clear() {
    slots_ = Allocate(kInitialSlots);
    capacity_ = kInitialSlots;
    long_keys_.Clear();
    size_ = 0;
  }

 private:
  static constexpr std::size_t kInitialSlots = 4096;
  struct alignas(64) Slot {
    char key[kInlineKey] = {};  // zero after the key's end, so that it compares eight bytes at a time
    std::uint32_t hash = 0;
    std::uint8_t length = 0;
    WordInfo info;
  };
  static_assert(sizeof(Slot) == 64);

  // The eight bytes at `p` with only the first `length` of them kept (all when length ≥ 8), the others
  // zero: a key's bytes as a slot holds them, whatever follows the key in memory.
  static std::uint64_t Chunk(const char* p, std::size_t length) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if (length >= 8) return word;
    if constexpr (std::endian::native == std::endian::little) return word & ((std::uint64_t{1} << (8 * length)) - 1);
    return word & ~(~std::uint64_t{0} >> (8 * length));
  }
  static bool SameKey(const Slot& s, std::string_view key) {
    for (std::size_t i = 0; i < key.size(); i += 8)
      if (Chunk(s.key + i, 8) != Chunk(key.data() + i, key.size() - i)) return false;
    return true;
  }

  struct Free {
    void operator()(Slot* p) const { std::free(p); }
  };
  using Slots = std::unique_ptr<Slot[], Free>;
  // Zeroed slots (all-zero bytes are empty slots). A large table asks for huge pages: its lookups land
  // anywhere in it, and with 4 KiB pages most of them would also miss the TLB.
  static Slots Allocate(std::size_t count) {
    constexpr std::size_t kHugePage = 2u << 20;
    std::size_t bytes = count * sizeof(Slot);
    std::size_t align = bytes >= kHugePage ? kHugePage : alignof(Slot);
    void* p = std::aligned_alloc(align, bytes);
    if (!p) throw std::bad_alloc();
    if (align == kHugePage) madvise(p, bytes, MADV_HUGEPAGE);
    std::memset(p, 0, bytes);
    return Slots(static_cast<Slot*>(p));
  }
  Slot& Place(std::uint32_t hash) {
    std::size_t mask = capacity_ - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask)
      if (slots_[i].hash == 0) return slots_[i];
  }
  void Grow() {
    Slots old = Allocate(capacity_ * 2);
    old.swap(slots_);
    std::size_t old_capacity = capacity_;
    capacity_ *= 2;
    for (std::size_t i = 0; i < old_capacity; ++i)
      if (old[i].hash) Place(old[i].hash) = old[i];
  }

  Slots slots_;
  std::size_t capacity_;
  FlatStringMap<WordInfo> long_keys_;
  std::size_t size_ = 0;
};

std::atomic<std::uint64_t> g_next_judge_id{1};

// What Analyse learns about one token of the post, all in one place: one vector to reset per post.
struct TokenState {
  WordInfo word;              // what the lexicons say; zero for numbers, mentions, URLs and punctuation
  std::uint32_t hash = 0;     // of the token's key in the word cache; 0 for tokens not looked up
  float phrase_valence = std::numeric_limits<float>::quiet_NaN();  // of a phrase starting here; NaN: none
  bool consumed = false;      // inside a matched phrase, after its first word
  bool negator_used = false;  // a negator that negated a valence word
};

struct Workspace {
  std::uint64_t judge_id = 0;
  WordCache cache;
  std::unique_ptr<Stemmer> english, serbian;
  TokenizedText text;
  std::vector<TokenState> tokens;           // per token of the post being judged
  std::vector<Contribution> contributions;  // reused between posts: no allocation per post
  std::string scratch;
  std::string reason;  // Assess writes each reason here first, then copies it: one allocation at most a reason
  std::vector<std::pair<std::string_view, std::string>> intents;  // Assess: intent names and their evidence
};

Workspace& ThreadWorkspace(std::uint64_t judge_id) {
  thread_local Workspace ws;
  if (ws.judge_id != judge_id || ws.cache.size() > kCacheLimit) {
    ws.cache.Clear();
    ws.judge_id = judge_id;
  }
  if (!ws.english) {
    ws.english = std::make_unique<Stemmer>(Stemmer::Language::kEnglish);
    ws.serbian = std::make_unique<Stemmer>(Stemmer::Language::kSerbian);
  }
  return ws;
}

bool FindValence(const TermTable& t, std::string_view key, Stemmer& stemmer, float& out) {
  if (const float* v = t.FindExact(key)) { out = *v; return true; }
  if (key.size() >= 3) {
    std::string_view stem = stemmer.Stem(key);
    if (stem.size() >= 3)  // two-letter stems join unrelated words ("ajmo", "ajme")
      if (const float* v = t.FindStem(stem)) { out = *v; return true; }
  }
  if (const float* v = t.FindPrefix(key)) { out = *v; return true; }
  return false;
}

WordInfo Resolve(const Lexicon& lex, Workspace& ws, std::string_view key) {
  WordInfo w;
  auto has = [&](Section s, std::uint32_t flag) {
    if (lex.table(s).Find(key).match != TermTable::Match::kNone) w.flags |= flag;
  };
  if (auto h = lex.table(Section::kValenceAny).Find(key); h.match != TermTable::Match::kNone) {
    w.any = h.value;
    w.flags |= kHasAny;
  }
  if (FindValence(lex.table(Section::kValenceEn), key, *ws.english, w.en)) w.flags |= kHasEn;
  if (FindValence(lex.table(Section::kValenceBcs), key, *ws.serbian, w.bcs)) w.flags |= kHasBcs;
  if (!(w.flags & kHasEn) && FindValence(lex.table(Section::kLearnedEn), key, *ws.english, w.learned_en))
    w.flags |= kLearnedEnFlag;
  if (!(w.flags & kHasBcs) && FindValence(lex.table(Section::kLearnedBcs), key, *ws.serbian, w.learned_bcs))
    w.flags |= kLearnedBcsFlag;
  has(Section::kNegation, kNegator);
  if (key.size() > 3 && key.ends_with("n't")) w.flags |= kNegator;
  if (auto h = lex.table(Section::kBooster).Find(key); h.match != TermTable::Match::kNone) {
    w.booster = h.value;
    w.flags |= kBooster;
  }
  has(Section::kContrast, kContrast);
  has(Section::kNegationEn, kNegatorEn);
  has(Section::kContrastBcs, kContrastBcs);
  has(Section::kConcession, kConcession);
  has(Section::kIrony, kIrony);
  has(Section::kFunctionEn, kFnEn);
  has(Section::kFunctionBcs, kFnBcs);
  has(Section::kVariantHr, kHr);
  has(Section::kVariantSr, kSr);
  has(Section::kVariantBs, kBs);
  has(Section::kIjekavian, kIjek);
  has(Section::kEkavian, kEkav);
  // BCS writes "ne" together with verbs in speech ("nevalja", "nesviđa"): negate the rest.
  if (!(w.flags & (kHasBcs | kNegator | kFnBcs)) && key.size() >= 6 && key.starts_with("ne")) {
    float rest;
    if (FindValence(lex.table(Section::kValenceBcs), key.substr(2), *ws.serbian, rest) && rest > 0) {
      w.bcs = rest * kNegationFactor;
      w.flags |= kHasBcs | kNePrefix;
    }
  }
  w.cues = lex.CueBits(key);
  if (lex.PhrasesStartingWith(key)) w.flags |= kPhraseStart;
  return w;
}

// A word the cache does not hold yet: rare once a thread has judged a few thousand posts, so kept out of line.
[[gnu::noinline]] const WordInfo& ResolveAndCache(const Lexicon& lex, Workspace& ws, std::string_view key,
                                                  std::uint32_t hash) {
  return ws.cache.Insert(key, hash, Resolve(lex, ws, key));
}

// What the lexicons say about `key`, which must be followed by kKeyPadding readable bytes.
const WordInfo& Lookup(const Lexicon& lex, Workspace& ws, std::string_view key, std::uint32_t hash) {
  if (const WordInfo* w = ws.cache.Find(key, hash)) return *w;
  return ResolveAndCache(lex, ws, key, hash);
}

// The same for the workspace's scratch key, which it pads first.
const WordInfo& LookupScratch(const Lexicon& lex, Workspace& ws) {
  const std::size_t length = ws.scratch.size();
  ws.scratch.append(kKeyPadding, '\0');
  std::string_view key = std::string_view(ws.scratch).substr(0, length);
  return Lookup(lex, ws, key, WordCache::Hash(key));
}

bool NeedsLookup(TokenKind k) {
  constexpr auto bit = [](TokenKind kind) { return 1u << static_cast<unsigned>(kind); };
  constexpr unsigned kSkipped =
      bit(TokenKind::kNumber) | bit(TokenKind::kMention) | bit(TokenKind::kUrl) | bit(TokenKind::kPunct);
  return !(bit(k) & kSkipped);
}

bool IsWordLike(TokenKind k) { return k == TokenKind::kWord || k == TokenKind::kHashtag; }
bool IsSentenceBreak(const TokenizedText& tt, const Token& t) {
  if (t.kind != TokenKind::kPunct) return false;
  char c = tt.keys[t.key_offset];
  return c == '.' || c == '!' || c == '?' || c == ';';
}


struct Analysis {
  double score = 0;
  double text_score = 0;
  double raw_sum = 0;
  double positive = 0, negative = 0;   // absolute masses, for confidence
  bool evidence = false;
  bool hand_evidence = false;          // evidence other than learned word weights
  LanguageGuess language;
  std::vector<Contribution>* contributions = nullptr;  // the thread's workspace vector
  std::int32_t contrast = -1;          // token of the contrast word that weighted the clauses
  std::int32_t concession = -1;        // token of the concession word whose clause weighs less (no contrast)
  std::int32_t concession_end = -1;    // the comma or sentence break that ends that clause, or the token count
  std::int32_t irony = -1;
  int exclamations = 0;
  std::uint32_t cues = 0;
  std::array<std::int32_t, 32> cue_token{};  // first token that showed each cue (of those in `cues`)
  std::array<std::int32_t, 32> cue_token_last{};
};

// How much the clause of token `i` counts: after a contrast word 1.5×, before it 0.5×; without one, a clause
// opened by a concession word ("although", "despite", "iako") 0.5× and the rest of the post 1.5×.
float ClauseWeight(const Analysis& a, std::int32_t i) {
  if (a.contrast >= 0) return i < a.contrast ? kBeforeContrast : kAfterContrast;
  if (a.concession >= 0) return i > a.concession && i < a.concession_end ? kBeforeContrast : kAfterContrast;
  return 1.f;
}

// Sets the first and last evidence token of each cue in `cues` that no earlier token showed.
void NoteCues(std::uint32_t cues, std::size_t first, std::size_t last, Analysis& a) {
  for (std::uint32_t bits = cues; bits; bits &= bits - 1) {
    auto b = static_cast<std::size_t>(std::countr_zero(bits));
    if ((a.cues >> b) & 1u) continue;
    a.cue_token[b] = static_cast<std::int32_t>(first);
    a.cue_token_last[b] = static_cast<std::int32_t>(last);
  }
  a.cues |= cues;
}

void Analyse(const Lexicon& lex, Workspace& ws, std::string_view text, std::string_view hint,
             std::optional<int> rating, bool explain, Analysis& a) {
  TokenizedText& tt = ws.text;
  Tokenize(text, tt);
  tt.keys.append(kKeyPadding, '\0');  // for the word cache, which reads keys eight bytes at a time
  const std::size_t n = tt.tokens.size();
  ws.tokens.assign(n, TokenState{});

  // Resolve every token; gather language evidence. The cache lines of all words are fetched first, together.
  bool has_number = false;
  for (std::size_t i = 0; i < n; ++i) {
    const Token& t = tt.tokens[i];
    if (!NeedsLookup(t.kind)) {
      has_number |= t.kind == TokenKind::kNumber;
      continue;
    }
    ws.tokens[i].hash = WordCache::Hash(tt.Key(t));
    ws.cache.Prefetch(ws.tokens[i].hash);
  }
  LanguageEvidence ev;
  for (std::size_t i = 0; i < n; ++i) {
    if (ws.tokens[i].hash == 0) continue;  // not looked up (Hash is never 0)
    const Token& t = tt.tokens[i];
    std::string_view key = tt.Key(t);
    WordInfo& w = ws.tokens[i].word;
    const WordInfo* cached = ws.cache.Find(key, ws.tokens[i].hash);
    w = cached ? *cached : ResolveAndCache(lex, ws, key, ws.tokens[i].hash);
    if (t.elongated && !(w.flags & (kHasEn | kHasBcs | kHasAny))) {
      // "goodniight" -> "goodnight": drop one letter of one doubled pair at a time, then squeeze all.
      const WordInfo* found = nullptr;
      for (std::size_t j = 0; j + 1 < key.size() && !found; ++j) {
        if (key[j] != key[j + 1]) continue;
        ws.scratch.assign(key.substr(0, j)).append(key.substr(j + 1));
        const WordInfo& c = LookupScratch(lex, ws);
        if (c.flags & (kHasEn | kHasBcs | kHasAny)) found = &c;
      }
      if (!found) {
        SqueezeRuns(key, ws.scratch);
        found = &LookupScratch(lex, ws);
      }
      const WordInfo& w2 = *found;
      w.en = w2.en; w.bcs = w2.bcs; w.any = w2.any;
      w.learned_en = w2.learned_en; w.learned_bcs = w2.learned_bcs;
      w.flags |= w2.flags & (kHasEn | kHasBcs | kHasAny | kLearnedEnFlag | kLearnedBcsFlag);
      w.cues |= w2.cues;
    }
    if (t.kind == TokenKind::kWord && (w.flags & kLanguageFlags)) {
      ev.english_words += (w.flags & kFnEn) ? 1 : 0;
      ev.bcs_words += (w.flags & kFnBcs) ? 1 : 0;
      ev.croatian += (w.flags & kHr) ? 1 : 0;
      ev.serbian += (w.flags & kSr) ? 1 : 0;
      ev.bosnian += (w.flags & kBs) ? 1 : 0;
      ev.ijekavian += (w.flags & kIjek) ? 1 : 0;
      ev.ekavian += (w.flags & kEkav) ? 1 : 0;
    }
  }
  a.language = DecideLanguage(ev, tt.stats, hint);
  const bool bcs = a.language.bcs;
  const bool und = a.language.language == "und";

  // One pass, in token order, for what depends on the language: rule words of one language only, phrases,
  // and cues, contrast and irony. A phrase changes only its first token and marks later ones consumed, so
  // by the time a token is reached, nothing after it can change it any more.
  a.cues = 0;
  std::uint32_t seen_flags = 0;  // every flag any token ended with
  for (std::size_t i = 0; i < n; ++i) {
    TokenState& state = ws.tokens[i];
    WordInfo& w = state.word;
    // Rule words of one language only ("no": English negation, BCS "but").
    if ((w.flags & kNegatorEn) && !bcs) w.flags |= kNegator;
    if ((w.flags & kContrastBcs) && bcs) w.flags |= kContrast;

    // Phrases. A valence or rule phrase gives its meaning to its first word and consumes the others;
    // cue phrases only add their cue, so "ne radi" can be both a negative phrase and a quality topic.
    if ((w.flags & kPhraseStart) && !state.consumed) {
      const auto* list = lex.PhrasesStartingWith(tt.Key(tt.tokens[i]));
      std::size_t best_len = 0;
      const Phrase* best = nullptr;
      for (std::uint32_t id : *list) {
        const Phrase& p = lex.phrases()[id];
        if (p.section == Section::kValenceEn && bcs) continue;
        if (p.section == Section::kValenceBcs && !bcs && !und) continue;
        std::size_t j = i + 1, k = 1;
        for (; k < p.words.size() && j < n; ++k, ++j) {
          const Token& t = tt.tokens[j];
          if (!IsWordLike(t.kind)) break;
          std::string_view key = tt.Key(t);
          const std::string& pat = p.words[k];
          bool ok = pat.back() == '*' ? key.starts_with(std::string_view(pat).substr(0, pat.size() - 1)) : key == pat;
          if (!ok) break;
        }
        if (k != p.words.size()) continue;
        if (p.section == Section::kCue) {
          NoteCues(p.cues, i, i + p.words.size() - 1, a);
          continue;
        }
        if (p.words.size() > best_len) {
          best_len = p.words.size();
          best = &p;
        }
      }
      if (best) {
        for (std::size_t j = i + 1; j < i + best_len; ++j) ws.tokens[j].consumed = true;
        w.flags &= ~(kNegator | kBooster | kContrast | kIrony | kConcession);
        switch (best->section) {
          case Section::kValenceEn: case Section::kValenceBcs: case Section::kValenceAny:
            state.phrase_valence = best->value;
            break;
          case Section::kNegation: w.flags |= kNegator; break;
          case Section::kContrast: w.flags |= kContrast; break;
          case Section::kConcession: w.flags |= kConcession; break;
          case Section::kIrony: w.flags |= kIrony; break;
          case Section::kBooster: w.flags |= kBooster; w.booster = best->value; break;
          default: break;
        }
      }
    }

    // Cues of single words (the earliest evidence wins), contrast and irony.
    if (w.cues) NoteCues(w.cues, i, i, a);
    if ((w.flags & kContrast) && !state.consumed) {
      // Only a contrast with words after it counts ("…, ali" at the very end does not).
      for (std::size_t j = i + 1; j < n; ++j)
        if (IsWordLike(tt.tokens[j].kind)) { a.contrast = static_cast<std::int32_t>(i); break; }
    }
    if ((w.flags & kIrony) && a.irony < 0) a.irony = static_cast<std::int32_t>(i);
    if ((w.flags & kConcession) && !state.consumed && a.concession < 0) {
      // The conceded clause runs to the next comma or sentence break; it counts only when the post says
      // something outside it ("although it is cheap, it broke"; "great, despite the price").
      std::size_t end = i + 1;
      for (; end < n; ++end) {
        const Token& t = tt.tokens[end];
        if (IsSentenceBreak(tt, t) || (t.kind == TokenKind::kPunct && tt.keys[t.key_offset] == ',')) break;
      }
      bool outside = false;
      for (std::size_t j = 0; j < n && !outside; ++j)
        outside = (j < i || j > end) && IsWordLike(tt.tokens[j].kind);
      if (outside && end > i + 1) {
        a.concession = static_cast<std::int32_t>(i);
        a.concession_end = static_cast<std::int32_t>(end);
      }
    }
    seen_flags |= w.flags;
  }

  // Valences with their modifiers.
  const bool shouting = tt.stats.upper_letters * 10 > (tt.stats.latin_letters + tt.stats.cyrillic_letters) * 7;
  bool from_learned = false;  // set by valence_of: the last valence came from a learned lexicon
  auto valence_of = [&](std::size_t i, float& v) {
    from_learned = false;
    if (!std::isnan(ws.tokens[i].phrase_valence)) { v = ws.tokens[i].phrase_valence; return true; }
    const WordInfo& w = ws.tokens[i].word;
    if (w.flags & kHasAny) { v = w.any; return true; }
    if (bcs || und) {
      if (w.flags & kHasBcs) { v = w.bcs; return true; }
      // English words in BCS posts, unless the word is common BCS or was written with BCS letters
      // ("ćute" folds to "cute").
      if ((w.flags & kHasEn) && !(w.flags & kFnBcs) && !tt.tokens[i].diacritics && tt.stats.cyrillic_letters == 0) {
        v = w.en * 0.8f;
        return true;
      }
      if (w.flags & kLearnedBcsFlag) { v = w.learned_bcs * kLearnedWeight; from_learned = true; return true; }
      return false;
    }
    if (w.flags & kHasEn) { v = w.en; return true; }
    if (w.flags & kLearnedEnFlag) { v = w.learned_en * kLearnedWeight; from_learned = true; return true; }
    return false;
  };
  double sum = 0;
  a.contributions = &ws.contributions;
  a.contributions->clear();
  for (std::size_t i = 0; i < n; ++i) {
    const TokenState& state = ws.tokens[i];
    if (state.consumed) continue;
    const Token& t = tt.tokens[i];
    const WordInfo& w = state.word;
    if ((w.flags & kNegator) && std::isnan(state.phrase_valence)) continue;
    float v;
    if (!valence_of(i, v) || v == 0) continue;
    const bool learned = from_learned;
    // A booster that also has a valence ("super", "strašno") boosts when a valence word follows.
    if ((w.flags & kBooster) && i + 1 < n && IsWordLike(tt.tokens[i + 1].kind)) {
      float next;
      if (valence_of(i + 1, next) && next != 0) continue;
    }
    Contribution c;
    c.token = static_cast<std::uint32_t>(i);
    c.last_token = c.token;
    c.learned = learned;
    if (!std::isnan(state.phrase_valence))
      for (std::size_t j = i + 1; j < n && ws.tokens[j].consumed; ++j) c.last_token = static_cast<std::uint32_t>(j);
    // Look back for boosters and negators within the clause (words only: "super :)" is two signals).
    int words = IsWordLike(t.kind) ? 0 : kNegationWindow;
    for (std::size_t j = i; j-- > 0 && words < kNegationWindow;) {
      const Token& p = tt.tokens[j];
      if (IsSentenceBreak(tt, p)) break;
      if (!IsWordLike(p.kind)) continue;
      ++words;
      const WordInfo& pw = ws.tokens[j].word;
      if (pw.flags & kContrast) break;
      if ((pw.flags & kNegator) && c.negator < 0) c.negator = static_cast<std::int32_t>(j);
      if ((pw.flags & kBooster) && c.booster < 0 && words <= 2) {
        c.booster = static_cast<std::int32_t>(j);
        v *= words == 1 ? pw.booster : 1 + (pw.booster - 1) * 0.8f;
      }
    }
    if (c.negator >= 0) {
      v *= v < 0 ? kNegatedNegativeFactor : kNegationFactor;
      ws.tokens[static_cast<std::size_t>(c.negator)].negator_used = true;
    }
    if (t.all_caps && !shouting) { v *= kCapsFactor; c.caps = true; }
    if (t.elongated) { v *= kElongationFactor; c.elongated = true; }
    v *= ClauseWeight(a, static_cast<std::int32_t>(i));
    if (v < 0) v *= kNegativityBias;
    c.value = v;
    sum += v;
    if (v > 0) a.positive += v; else a.negative -= v;
    if (explain) a.contributions->push_back(c);
    a.evidence = true;
    if (!c.learned) a.hand_evidence = true;
  }
  // Negators that negated nothing.
  int lone = 0;
  for (std::size_t i = 0; i < n && lone < 2 && (seen_flags & kNegator); ++i) {
    const TokenState& state = ws.tokens[i];
    if (!(state.word.flags & kNegator) || state.consumed || state.negator_used || !IsWordLike(tt.tokens[i].kind))
      continue;
    if (!std::isnan(state.phrase_valence)) continue;
    ++lone;
    float v = kLoneNegation * ClauseWeight(a, static_cast<std::int32_t>(i));
    sum += v;
    a.negative -= v;
    a.evidence = a.hand_evidence = true;
    if (explain) {
      Contribution c;
      c.token = c.last_token = static_cast<std::uint32_t>(i);
      c.value = v;
      c.lone_negation = true;
      a.contributions->push_back(c);
    }
  }
  // Ratings written in the text ("3/10", "7.5 / 10"): the author's own verdict.
  if (has_number) {
    for (std::size_t j = 1; j < n; ++j) {
      const Token& den = tt.tokens[j];
      if (den.kind != TokenKind::kNumber) continue;
      if (tt.Key(den) != "10") continue;  // "/5" is as often a date (4/5: the fourth of May)
      if (j + 1 < n) {  // "9/10/2014" is a date
        const Token& next = tt.tokens[j + 1];
        std::string_view gap = text.substr(den.source_offset + den.source_length,
                                           next.source_offset - den.source_offset - den.source_length);
        if (gap.starts_with("/")) continue;
      }
      const Token& prev = tt.tokens[j - 1];
      if (prev.kind != TokenKind::kNumber) continue;
      std::string_view between = text.substr(prev.source_offset + prev.source_length,
                                             den.source_offset - prev.source_offset - prev.source_length);
      while (!between.empty() && between.front() == ' ') between.remove_prefix(1);
      while (!between.empty() && between.back() == ' ') between.remove_suffix(1);
      if (between != "/") continue;
      std::size_t first = j - 1;
      double value = 0;
      for (char ch : tt.Key(prev)) value = value * 10 + (ch - '0');
      if (j >= 3 && tt.tokens[j - 3].kind == TokenKind::kNumber && tt.tokens[j - 2].kind == TokenKind::kPunct &&
          tt.tokens[j - 3].source_offset + tt.tokens[j - 3].source_length + 1 == prev.source_offset &&
          (tt.Key(tt.tokens[j - 2]) == "." || tt.Key(tt.tokens[j - 2]) == ",")) {
        double whole = 0;
        for (char ch : tt.Key(tt.tokens[j - 3])) whole = whole * 10 + (ch - '0');
        value = whole + value / std::pow(10.0, static_cast<double>(prev.key_length));
        first = j - 3;
      }
      double ratio = value / 10;
      if (ratio > 1 || (first > 0 && tt.tokens[first - 1].kind == TokenKind::kNumber)) continue;
      if (std::abs(ratio - kTextRatingMiddle) < kTextRatingDeadZone) continue;
      auto v = static_cast<float>(std::clamp((ratio - kTextRatingMiddle) * kTextRatingScale, -3.0, 3.0));
      v *= ClauseWeight(a, static_cast<std::int32_t>(first));
      if (v < 0) v *= kNegativityBias;
      sum += v;
      if (v > 0) a.positive += v; else a.negative -= v;
      a.evidence = a.hand_evidence = true;
      if (explain) {
        Contribution c;
        c.token = static_cast<std::uint32_t>(first);
        c.last_token = static_cast<std::uint32_t>(j);
        c.value = v;
        c.rating = true;
        a.contributions->push_back(c);
      }
    }
  }
  a.exclamations = std::min(tt.stats.exclamations, 4);
  if (sum != 0 && a.exclamations > 0) sum += (sum > 0 ? 1 : -1) * a.exclamations * kExclamationStep;
  if (a.irony >= 0 && sum > 0) sum = -sum * 0.5;
  a.raw_sum = sum;
  a.text_score = sum / std::sqrt(sum * sum + kNormalisationAlpha);
  // A few learned weights alone only lean ("order", "store" carry noise from review data): the sign is kept
  // for whoever needs a side, the label stays neutral.
  if (!a.hand_evidence && std::abs(sum) < kLearnedOnlyLean)
    a.text_score = std::clamp(a.text_score, -kNeutralBand * 0.9, kNeutralBand * 0.9);
  a.score = a.text_score;
  // Words but no evidence: lean, inside the neutral band, to the side such posts are on far more often
  // (announcements, news, links, questions rather than complaints); the label stays neutral.
  if (!a.evidence && !tt.tokens.empty()) a.score = a.text_score = kNoEvidenceLean;
  if (rating && *rating >= 1 && *rating <= 5) {
    double stars = (*rating - 3) / 2.0;
    a.score = a.evidence ? kRatingWeight * stars + (1 - kRatingWeight) * a.text_score : stars;
    a.evidence = true;
  }
}

SentimentLabel LabelOf(double score) {
  if (score >= kNeutralBand) return SentimentLabel::kPositive;
  if (score <= -kNeutralBand) return SentimentLabel::kNegative;
  return SentimentLabel::kNeutral;
}

// Appends a span of the post for a reason, as valid UTF-8: a span over several tokens may hold malformed
// bytes that the tokenizer skipped between them; they become U+FFFD.
void AppendQuote(std::string& out, std::string_view span) {
  const char* const p = span.data();
  const std::size_t n = span.size();
  std::size_t valid_from = 0;  // the valid bytes since the last malformed one are appended together
  for (std::size_t i = 0; i < n;) {
    if (static_cast<unsigned char>(p[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(p + i),
                                            static_cast<utf8proc_ssize_t>(n - i), &cp);
    if (len > 0) {
      i += static_cast<std::size_t>(len);
      continue;
    }
    out.append(p + valid_from, i - valid_from);
    out += "\xEF\xBF\xBD";
    valid_from = ++i;
  }
  out.append(p + valid_from, n - valid_from);
}

// The words of tokens first…last as they stand in the post (tokens of that post: always inside it).
std::string_view Span(std::string_view text, const Token& first, const Token& last) {
  return {text.data() + first.source_offset, last.source_offset + last.source_length - first.source_offset};
}

}  // namespace

Result<Judge> Judge::Create(Lexicon lexicon, UrgencyWeights weights) {
  if (auto ok = weights.Validate(); !ok) return Fail(ok.error());
  Judge j;
  j.model_version_ = "odziv-judge-1/" + lexicon.version();
  j.lexicon_ = std::make_shared<const Lexicon>(std::move(lexicon));
  j.weights_ = std::move(weights);
  j.id_ = g_next_judge_id.fetch_add(1);
  return j;
}

SentimentScore Judge::Score(std::string_view text, std::string_view language_hint, std::optional<int> rating) const {
  Workspace& ws = ThreadWorkspace(id_);
  Analysis a;
  Analyse(*lexicon_, ws, text, language_hint, rating, false, a);
  return {a.score, LabelOf(a.score), a.evidence};
}

Assessment Judge::Assess(const JudgeInput& in) const {
  Workspace& ws = ThreadWorkspace(id_);
  Analysis a;
  Analyse(*lexicon_, ws, in.text, in.language_hint, in.rating, true, a);
  const TokenizedText& tt = ws.text;
  const std::string_view text = in.text;

  Assessment out;
  out.sentiment = a.score;
  out.label = LabelOf(a.score);
  out.language = a.language.language;
  out.script = a.language.script;
  out.model_version = model_version_;
  {
    double mass = a.positive + a.negative;
    double agreement = mass > 0 ? std::abs(a.positive - a.negative) / mass : 0;
    double strength = 1 - std::exp(-std::abs(a.raw_sum) / 2.5);
    out.confidence = a.hand_evidence ? 0.35 + 0.35 * agreement + 0.3 * strength : a.evidence ? 0.35 : 0.3;
    if (in.rating && a.evidence) out.confidence = std::min(1.0, out.confidence + 0.15);
    out.confidence = std::round(out.confidence * 100) / 100;
  }

  // Sentiment reasons, largest first. Written by appending to each reason's string: Assess runs for every
  // post, and formatting through temporaries would cost more than the judging itself.
  std::vector<std::string>& reasons = out.reasons;
  reasons.reserve(8);
  if (tt.stats.invalid_utf8) reasons.push_back(fmt::format("input: {} invalid UTF-8 sequence(s) skipped", tt.stats.invalid_utf8));
  if (tt.stats.truncated) reasons.push_back(fmt::format("input: judged the first {} bytes only", kMaxTextBytes));
  if (in.rating && *in.rating >= 1 && *in.rating <= 5) reasons.push_back(fmt::format("{}★ rating", *in.rating));
  std::vector<Contribution>& contributions = *a.contributions;
  std::sort(contributions.begin(), contributions.end(),
            [](const Contribution& x, const Contribution& y) { return std::abs(x.value) > std::abs(y.value); });
  auto token = [&](std::int32_t i) -> const Token& { return tt.tokens[static_cast<std::size_t>(i)]; };
  std::size_t shown = 0;
  std::string& r = ws.reason;
  for (const Contribution& c : contributions) {
    if (shown++ == 5) break;
    r.clear();
    r.push_back('\'');
    AppendQuote(r, Span(text, tt.tokens[c.token], tt.tokens[c.last_token]));
    r.push_back('\'');
    r.push_back(' ');
    AppendFixed2(r, c.value, /*plus=*/true);
    bool open = false;
    auto why = [&](std::string_view what, std::string_view quoted = {}) {
      r += open ? ", " : " (";
      open = true;
      r += what;
      if (!quoted.empty() || what.ends_with(' ')) {
        r.push_back('\'');
        AppendQuote(r, quoted);
        r.push_back('\'');
      }
    };
    if (c.negator >= 0) why("negated by ", Span(text, token(c.negator), token(c.negator)));
    if (c.booster >= 0) why("scaled by ", Span(text, token(c.booster), token(c.booster)));
    if (c.lone_negation) why("negation without a sentiment word");
    if (c.learned) why("learned");
    if (c.rating) why("rating in the text");
    if (c.caps) why("capitals");
    if (c.elongated) why("elongated");
    if (open) r.push_back(')');
    reasons.emplace_back(r);
  }
  // "contrast 'ali': what follows weighs 1.5×", "concession 'although': its clause weighs 0.5×".
  auto clause_reason = [&](std::string_view rule, std::int32_t at, std::string_view weighs, const std::string& factor) {
    r = rule;
    r += " '";
    AppendQuote(r, Span(text, token(at), token(at)));
    r += "': ";
    r += weighs;
    r += factor;
    r += "×";
    reasons.emplace_back(r);
  };
  if (a.contrast >= 0) {
    static const std::string kAfterContrastText = fmt::format("{}", kAfterContrast);
    clause_reason("contrast", a.contrast, "what follows weighs ", kAfterContrastText);
  } else if (a.concession >= 0) {
    static const std::string kBeforeContrastText = fmt::format("{}", kBeforeContrast);
    clause_reason("concession", a.concession, "its clause weighs ", kBeforeContrastText);
  }
  if (a.exclamations && a.raw_sum != 0) {  // one to four
    r.clear();
    r.push_back(static_cast<char>('0' + a.exclamations));
    r += " '!' strengthen";
    reasons.emplace_back(r);
  }
  if (a.irony >= 0 && a.raw_sum < 0 && a.positive > a.negative) {
    r = "irony '";
    AppendQuote(r, Span(text, token(a.irony), token(a.irony)));
    r += "' turns praise negative";
    reasons.emplace_back(r);
  }
  if (!a.evidence) reasons.push_back(tt.tokens.empty() ? "no words to judge" : "no sentiment words");

  // Topics and intents from cues.
  const auto& names = lexicon_->cue_names();
  auto evidence_of = [&](std::size_t bit, std::string& ev) {
    std::int32_t first = a.cue_token[bit], last_t = std::max(a.cue_token_last[bit], first);
    if (last_t >= static_cast<std::int32_t>(tt.tokens.size())) last_t = first;
    ev.clear();
    AppendQuote(ev, Span(text, token(first), token(last_t)));
  };
  UrgencySignals sig;
  sig.sentiment = out.sentiment;
  sig.rating = in.rating;
  auto& intents = ws.intents;  // name, evidence
  intents.clear();
  bool negative_topic = false;
  if (a.cues) {
    std::int32_t first_word = -1;  // a question word opens a question even without '?'
    for (std::size_t i = 0; i < tt.tokens.size() && first_word < 0; ++i)
      if (tt.tokens[i].kind == TokenKind::kWord) first_word = static_cast<std::int32_t>(i);
    for (std::size_t b = 0; b < names.size(); ++b) {
      if (!((a.cues >> b) & 1u)) continue;
      std::string_view name = names[b];
      if (name.starts_with("topic ")) {
        std::string_view topic = name.substr(6);
        if (topic == "praise" && out.label == SentimentLabel::kNegative) continue;
        if (topic != "praise" && topic != "question") negative_topic = true;
        out.topics.emplace_back(topic);
        r = "topic ";
        r += topic;
        r += ": '";
        evidence_of(b, ws.scratch);
        r += ws.scratch;
        r.push_back('\'');
        reasons.emplace_back(r);
      } else {
        std::string_view intent = name.substr(7);
        if (intent == "question" && tt.stats.questions == 0 && a.cue_token[b] != first_word) continue;
        evidence_of(b, ws.scratch);
        intents.emplace_back(intent, ws.scratch);
      }
    }
  }
  bool has_question = std::any_of(intents.begin(), intents.end(), [](auto& p) { return p.first == "question"; });
  if (!has_question && tt.stats.questions > 0) {
    intents.emplace_back("question", "?");
    has_question = true;
  }
  bool has_complaint = std::any_of(intents.begin(), intents.end(), [](auto& p) { return p.first == "complaint"; });
  if (!has_complaint && out.label == SentimentLabel::kNegative && out.sentiment <= -0.25 &&
      (negative_topic || (in.rating && *in.rating <= 2))) {
    std::string ev = "negative (";
    AppendFixed2(ev, out.sentiment, /*plus=*/false);
    ev.push_back(')');
    intents.emplace_back("complaint", std::move(ev));
  }
  if (has_question && std::find(out.topics.begin(), out.topics.end(), "question") == out.topics.end())
    out.topics.emplace_back("question");
  if (out.label == SentimentLabel::kPositive && out.sentiment >= 0.5 && !negative_topic &&
      std::find(out.topics.begin(), out.topics.end(), "praise") == out.topics.end())
    out.topics.emplace_back("praise");
  if (out.topics.empty()) out.topics.emplace_back("other");
  for (auto& [intent, ev] : intents) {
    out.intents.emplace_back(intent);
    r = "intent ";
    r += intent;
    r += ": '";
    r += ev;
    r.push_back('\'');
    reasons.emplace_back(r);
    std::string* slot = intent == "complaint" ? &sig.complaint
                        : intent == "question" ? &sig.question
                        : intent == "churn_threat" ? &sig.churn_threat
                        : intent == "purchase_intent" ? &sig.purchase_intent
                        : intent == "legal_threat" ? &sig.legal_threat
                        : intent == "safety" ? &sig.safety
                        : intent == "urgent" ? &sig.explicit_urgency
                        : intent == "abuse" ? &sig.abuse
                        : intent == "spam" ? &sig.spam
                        : nullptr;
    if (slot && slot->empty()) *slot = ev;
  }

  sig.author_reach = in.author_reach;
  sig.engagement = in.engagement.likes + 2 * in.engagement.replies + 3 * in.engagement.shares;
  sig.engagement_growth_per_hour = in.engagement_growth_per_hour;
  sig.repeat_complaints = in.repeat_complaints;
  sig.platform = in.platform;
  sig.age = in.age;
  Urgency u = ComputeUrgency(sig, in.weights ? *in.weights : weights_, /*with_reasons=*/false);
  out.urgency = u.score;
  out.priority = u.priority;
  out.urgency_explanation = std::move(u.explanation);
  return out;
}

}  // namespace odziv::sentiment
